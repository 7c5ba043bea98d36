/*
 * Patterns: a Go/Perl-like regex subset translated to POSIX extended
 * regular expressions (glibc regcomp with REG_NEWLINE).
 */
#include "report/internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *p;
	size_t len, cap;
	bool oom;
};

static void out_add(struct out *o, const char *s, size_t n)
{
	char *np;
	size_t cap;

	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		cap = (o->len + n + 1) * 2 + 16;
		np = realloc(o->p, cap);
		if (!np) {
			o->oom = true;
			return;
		}
		o->p = np;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void out_s(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

/* Translates one bracket expression starting at s[0] == '['; returns the
 * number of source bytes used, 0 if unterminated. */
static size_t bracket(struct out *o, const char *s)
{
	struct out body = { 0 };
	bool neg = false, dash = false, rbr = false;
	size_t i = 1;

	if (s[i] == '^') {
		neg = true;
		i++;
	}
	for (;; i++) {
		char c = s[i];

		if (!c)
			goto bad;
		if (c == ']' && !(i == 1 || (neg && i == 2)))
			break;
		if (c == '[' && s[i + 1] == ':') {
			const char *e = strstr(s + i, ":]");

			if (!e)
				goto bad;
			out_add(&body, s + i, (size_t)(e + 2 - (s + i)));
			i = (size_t)(e + 1 - s);
			continue;
		}
		if (c == '\\' && s[i + 1]) {
			char x = s[++i];

			if (x == '-')
				dash = true;
			else if (x == ']')
				rbr = true;
			else if (x == 'd')
				out_s(&body, "0-9");
			else if (x == 'w')
				out_s(&body, "a-zA-Z0-9_");
			else if (x == 's')
				out_s(&body, " \t\r\f\v");
			else
				out_add(&body, &x, 1);
			continue;
		}
		out_add(&body, &c, 1);
	}
	out_s(o, neg ? "[^" : "[");
	if (rbr)
		out_s(o, "]");
	if (body.p)
		out_s(o, body.p);
	if (dash)
		out_s(o, "-");
	out_s(o, "]");
	if (body.oom)
		o->oom = true;
	free(body.p);
	return i + 1;
bad:
	free(body.p);
	return 0;
}

static pthread_mutex_t compile_lock = PTHREAD_MUTEX_INITIALIZER;

static int pat_compile_locked(struct pat *p, struct cp_error *err);

/*
 * Patterns are compiled on first use: most formats never see a matching
 * line, and compiling all of them would dominate short runs.
 */
int pat_compile(struct pat *p, struct cp_error *err)
{
	int rc = 0;

	if (__atomic_load_n(&p->compiled, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&compile_lock);
	if (!p->compiled && !p->failed)
		rc = pat_compile_locked(p, err);
	else if (p->failed)
		rc = cp_error_set(err, CP_ERR_INTERNAL, "bad pattern '%s'", p->src);
	pthread_mutex_unlock(&compile_lock);
	return rc;
}

static int pat_compile_locked(struct pat *p, struct cp_error *err)
{
	struct out o = { 0 };
	const char *s = p->src;
	bool capturing[64];
	int group = 0, flags = REG_EXTENDED | REG_NEWLINE, rc;
	size_t n;

	if (p->compiled)
		return 0;
	if (!strncmp(s, "(?i)", 4)) {
		flags |= REG_ICASE;
		s += 4;
	}
	out_s(&o, "");
	while (*s) {
		if (*s == '[') {
			n = bracket(&o, s);
			if (!n)
				goto bad;
			s += n;
		} else if (*s == '\\' && s[1]) {
			switch (s[1]) {
			case 'd': out_s(&o, "[0-9]"); break;
			case 'D': out_s(&o, "[^0-9]"); break;
			case 'w': out_s(&o, "[a-zA-Z0-9_]"); break;
			case 'W': out_s(&o, "[^a-zA-Z0-9_]"); break;
			case 's': out_s(&o, "[[:space:]]"); break;
			case '<': out_s(&o, "<"); break;
			case '>': out_s(&o, ">"); break;
			case '-': out_s(&o, "-"); break;
			case ':': out_s(&o, ":"); break;
			case '/': out_s(&o, "/"); break;
			case 'n': out_s(&o, "\n"); break;
			case 't': out_s(&o, "\t"); break;
			default: out_add(&o, s, 2); break;
			}
			s += 2;
		} else if (*s == '(') {
			if (group >= 63)
				goto bad;
			if (s[1] == '?' && s[2] == ':') {
				capturing[++group] = false;
				s += 3;
			} else {
				capturing[++group] = true;
				s++;
			}
			out_s(&o, "(");
		} else if ((*s == '*' || *s == '+' || *s == '?' || *s == '}') &&
			   s[1] == '?') {
			/* Lazy quantifiers become greedy: lines are matched
			 * one by one, so the difference rarely shows. */
			out_add(&o, s, 1);
			s += 2;
		} else {
			out_add(&o, s, 1);
			s++;
		}
	}
	if (o.oom) {
		free(o.p);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	rc = regcomp(&p->re, o.p, flags);
	if (rc) {
		char msg[128];

		regerror(rc, &p->re, msg, sizeof(msg));
		cp_error_set(err, CP_ERR_INTERNAL, "bad pattern '%s': %s",
			     p->src, msg);
		free(o.p);
		p->failed = true;
		return CP_ERR_INTERNAL;
	}
	free(o.p);
	p->ncaps = 0;
	p->ngroups = group;
	for (int g = 1; g <= group; g++)
		if (capturing[g] && p->ncaps < PAT_MAX_CAPS)
			p->caps[p->ncaps++] = (unsigned char)g;
	__atomic_store_n(&p->compiled, true, __ATOMIC_RELEASE);
	return 0;
bad:
	free(o.p);
	p->failed = true;
	return cp_error_set(err, CP_ERR_INTERNAL, "bad pattern '%s'", p->src);
}

bool pat_search(const struct pat *p, const char *text, size_t from,
		size_t len, struct cap *m)
{
	regmatch_t pm[64];
	int eflags = REG_STARTEND;
	size_t ng;

	if (!p->compiled && pat_compile((struct pat *)p, NULL))
		return false;
	ng = (size_t)p->ngroups + 1;
	if (ng > 64)
		ng = 64;
	pm[0].rm_so = (regoff_t)from;
	pm[0].rm_eo = (regoff_t)len;
	if (from > 0 && text[from - 1] != '\n')
		eflags |= REG_NOTBOL;
	if (regexec(&p->re, text, ng, pm, eflags))
		return false;
	if (m) {
		m[0].so = pm[0].rm_so;
		m[0].eo = pm[0].rm_eo;
		for (int i = 0; i < p->ncaps; i++) {
			m[i + 1].so = pm[p->caps[i]].rm_so;
			m[i + 1].eo = pm[p->caps[i]].rm_eo;
		}
	}
	return true;
}

/*
 * Lines are copied to a NUL-terminated buffer: regexec implementations and
 * sanitizer interceptors may read up to a NUL whatever REG_STARTEND says,
 * and a line inside a larger input has none.  Lines are cut at 64 KiB.
 */
bool pat_match_line(const struct pat *p, const char *line, size_t len,
		    struct cap *m)
{
	char small[1024], *big = NULL, *s = small;
	bool ok;

	if (len > PAT_LINE_MAX)
		len = PAT_LINE_MAX;
	if (len >= sizeof(small)) {
		big = malloc(len + 1);
		if (!big)
			return false;
		s = big;
	}
	memcpy(s, line, len);
	s[len] = '\0';
	ok = pat_search(p, s, 0, len, m);
	free(big);
	return ok;
}

static pthread_mutex_t skip_lock = PTHREAD_MUTEX_INITIALIZER;

/* Joins skip patterns into one alternation; out->src stays NULL if none. */
static int join_skip(const char *const *list, size_t max, struct pat *out,
		     struct cp_error *err)
{
	struct buf b = { 0 };
	char *src;

	for (size_t i = 0; i < max && list && list[i]; i++)
		if ((b.len && buf_addc(&b, '|')) || buf_adds(&b, list[i]))
			goto oom;
	if (!b.len) {
		buf_dispose(&b);
		return 0;
	}
	src = buf_steal(&b);
	if (!src)
		goto oom;
	/* Lives as long as the process, like the tables. */
	out->src = src;
	return pat_compile(out, err);
oom:
	buf_dispose(&b);
	return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
}

/*
 * The family's skip list is one regex shared by all recipes (it is large;
 * one copy per recipe would cost tens of MiB); a recipe's own skips are a
 * second, small one.
 */
int stack_skip_ready(const struct family *cfam, struct stack_spec *st)
{
	struct family *fam = (struct family *)cfam;
	int rc = 0;

	if (__atomic_load_n(&st->skip_ready, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&skip_lock);
	if (!fam->skip_ready) {
		rc = join_skip(fam->skip, (size_t)-1, &fam->skip_all, NULL);
		if (!rc)
			__atomic_store_n(&fam->skip_ready, true, __ATOMIC_RELEASE);
	}
	if (!rc && !st->skip_ready) {
		rc = join_skip(st->skip, SKIP_MAX, &st->skip_re, NULL);
		if (!rc)
			__atomic_store_n(&st->skip_ready, true, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&skip_lock);
	return rc;
}
