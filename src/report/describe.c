/*
 * Title extraction: which format of an oops matches the report text first,
 * its captures and the stack frame chosen by its recipe, plus the
 * corruption checks that look at the whole report.
 */
#include "report/internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 12
#define MAX_RAW 256

struct frame_ref {
	const char *canonical;	/* static or points into text */
	size_t clen;
	const char *raw;
	size_t rlen;
};

struct line_iter {
	const char *text;
	size_t len, pos;
};

static bool next_line(struct line_iter *it, const char **l, size_t *n)
{
	const char *nl;

	if (it->pos > it->len)
		return false;
	*l = it->text + it->pos;
	nl = memchr(*l, '\n', it->len - it->pos);
	*n = nl ? (size_t)(nl - *l) : it->len - it->pos;
	it->pos += *n + 1;
	return true;
}

static bool any_match(struct pat *const *pats, size_t n, const char *l,
		      size_t len)
{
	for (size_t i = 0; i < n && pats[i]; i++)
		if (pat_match_line(pats[i], l, len, NULL))
			return true;
	return false;
}

/* Raw frames collected by a recipe: slices of text. */
/* A subset of the Rust v0 mangling ("_R..."): crate roots, nested paths,
 * inherent and trait impls, backrefs and basic types; generic arguments
 * are not handled (the name is then left mangled). */
struct rdm {
	const char *s;		/* after "_R" */
	size_t n, pos;
	char *out;
	size_t cap, k;
	int depth, steps;
	bool bad;
};

static void rd_put(struct rdm *d, const char *p, size_t n)
{
	if (d->k + n + 1 > d->cap) {
		d->bad = true;
		return;
	}
	memcpy(d->out + d->k, p, n);
	d->k += n;
}

static bool rd_b62(struct rdm *d, size_t *v)
{
	size_t x = 0;

	if (d->pos < d->n && d->s[d->pos] == '_') {
		d->pos++;
		*v = 0;
		return true;
	}
	while (d->pos < d->n && d->s[d->pos] != '_') {
		char c = d->s[d->pos++];
		size_t dv;

		if (c >= '0' && c <= '9')
			dv = (size_t)(c - '0');
		else if (c >= 'a' && c <= 'z')
			dv = (size_t)(c - 'a') + 10;
		else if (c >= 'A' && c <= 'Z')
			dv = (size_t)(c - 'A') + 36;
		else
			return false;
		x = x * 62 + dv;	/* wraps for long hashes: unused */
	}
	if (d->pos >= d->n)
		return false;
	d->pos++;
	*v = x + 1;
	return true;
}

static void rd_disamb(struct rdm *d)
{
	size_t v;

	if (d->pos < d->n && d->s[d->pos] == 's') {
		d->pos++;
		if (!rd_b62(d, &v))
			d->bad = true;
	}
}

static void rd_ident(struct rdm *d, bool print)
{
	size_t len = 0;

	rd_disamb(d);
	if (d->pos < d->n && d->s[d->pos] == 'u') {
		d->bad = true;	/* punycode */
		return;
	}
	if (d->pos >= d->n || d->s[d->pos] < '0' || d->s[d->pos] > '9') {
		d->bad = true;
		return;
	}
	while (d->pos < d->n && d->s[d->pos] >= '0' && d->s[d->pos] <= '9' && len < 100000)
		len = len * 10 + (size_t)(d->s[d->pos++] - '0');
	if (d->pos < d->n && d->s[d->pos] == '_')
		d->pos++;
	if (len > d->n - d->pos) {
		d->bad = true;
		return;
	}
	if (print)
		rd_put(d, d->s + d->pos, len);
	d->pos += len;
}

static void rd_path(struct rdm *d, bool print);

static void rd_type(struct rdm *d)
{
	static const char *const basic[26] = {
		['a' - 'a'] = "i8", ['b' - 'a'] = "bool", ['c' - 'a'] = "char", ['d' - 'a'] = "f64",
		['e' - 'a'] = "str", ['f' - 'a'] = "f32", ['h' - 'a'] = "u8", ['i' - 'a'] = "isize",
		['j' - 'a'] = "usize", ['l' - 'a'] = "i32", ['m' - 'a'] = "u32", ['n' - 'a'] = "i128",
		['o' - 'a'] = "u128", ['s' - 'a'] = "i16", ['t' - 'a'] = "u16", ['u' - 'a'] = "()",
		['x' - 'a'] = "i64", ['y' - 'a'] = "u64", ['z' - 'a'] = "!", ['p' - 'a'] = "_",
	};
	char c;

	if (d->pos >= d->n) {
		d->bad = true;
		return;
	}
	c = d->s[d->pos];
	if (c >= 'a' && c <= 'z' && basic[c - 'a']) {
		d->pos++;
		rd_put(d, basic[c - 'a'], strlen(basic[c - 'a']));
		return;
	}
	if (strchr("CNMXYB", c)) {
		rd_path(d, true);
		return;
	}
	d->bad = true;
}

static void rd_path(struct rdm *d, bool print)
{
	char c;
	size_t v, save;

	/* Backrefs can make a short name expand exponentially: budget it. */
	if (d->bad || d->pos >= d->n || ++d->depth > 32 || ++d->steps > 256) {
		d->bad = true;
		return;
	}
	c = d->s[d->pos++];
	switch (c) {
	case 'C':
		rd_ident(d, print);
		break;
	case 'N': {
		char ns;

		if (d->pos >= d->n) {
			d->bad = true;
			break;
		}
		ns = d->s[d->pos++];
		rd_path(d, print);
		if (ns >= 'A' && ns <= 'Z') {
			if (print)
				rd_put(d, ns == 'C' ? "::{closure}" : "::{shim}", ns == 'C' ? 11 : 8);
			rd_ident(d, false);
		} else {
			if (print)
				rd_put(d, "::", 2);
			rd_ident(d, print);
		}
		break;
	}
	case 'M':
		rd_disamb(d);
		rd_path(d, false);
		if (print)
			rd_put(d, "<", 1);
		rd_type(d);
		if (print)
			rd_put(d, ">", 1);
		break;
	case 'X':
		rd_disamb(d);
		rd_path(d, false);
		if (print)
			rd_put(d, "<", 1);
		rd_type(d);
		if (print)
			rd_put(d, " as ", 4);
		rd_path(d, print);
		if (print)
			rd_put(d, ">", 1);
		break;
	case 'Y':
		if (print)
			rd_put(d, "<", 1);
		rd_type(d);
		if (print)
			rd_put(d, " as ", 4);
		rd_path(d, print);
		if (print)
			rd_put(d, ">", 1);
		break;
	case 'B':
		if (!rd_b62(d, &v) || v >= d->pos) {
			d->bad = true;
			break;
		}
		save = d->pos;
		d->pos = v;
		rd_path(d, print);
		d->pos = save;
		break;
	default:
		d->bad = true;
	}
	d->depth--;
}

static size_t demangle_rust(const char *s, size_t n, char *out, size_t cap)
{
	struct rdm d = { .s = s + 2, .n = n - 2, .out = out, .cap = cap };

	if (n < 4 || s[0] != '_' || s[1] != 'R')
		return 0;
	rd_path(&d, true);
	return d.bad ? 0 : d.k;
}

struct rawframes {
	const char *p[MAX_RAW];
	size_t n[MAX_RAW];
	size_t count;
	char pool[8192];	/* demangled names */
	size_t pool_used;
};

/*
 * A minimal Itanium C++ demangler for frame names: "_Z3foov" -> "foo",
 * "_ZN2ns3fooEv" -> "ns::foo" (parameters dropped).  Returns the length
 * written to out, 0 when the name is not of that simple form.
 */
static size_t demangle(const char *s, size_t n, char *out, size_t cap)
{
	size_t i = 2, k = 0;
	bool nested = false;

	if (n < 3 || s[0] != '_' || s[1] != 'Z')
		return 0;
	if (s[i] == 'L')
		i++;
	if (i < n && s[i] == 'N') {
		nested = true;
		i++;
		while (i < n && (s[i] == 'K' || s[i] == 'V' || s[i] == 'r'))
			i++;
	}
	do {
		size_t len = 0;

		if (i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			len = len * 10 + (size_t)(s[i++] - '0');
		if (!len || len > n - i || k + len + 2 >= cap)
			return 0;
		if (k) {
			out[k++] = ':';
			out[k++] = ':';
		}
		memcpy(out + k, s + i, len);
		k += len;
		i += len;
	} while (nested && i < n && s[i] != 'E');
	if (nested && (i >= n || s[i] != 'E'))
		return 0;
	return k;
}

struct skips {
	const struct pat *a, *b;
};

static bool skipped(const struct skips *sk, const char *f, size_t n)
{
	return (sk->a->compiled && pat_match_line(sk->a, f, n, NULL)) ||
	       (sk->b->compiled && pat_match_line(sk->b, f, n, NULL));
}

static void append_frames(struct rawframes *rf, const char *l,
			  const struct cap *m, int ncaps,
			  const struct skips *skip)
{
	for (int i = 1; i <= ncaps; i++) {
		const char *f;
		size_t n;

		if (m[i].so < 0)
			continue;
		f = l + m[i].so;
		n = (size_t)(m[i].eo - m[i].so);
		if (n > 2 && f[0] == '_' && (f[1] == 'Z' || f[1] == 'R') &&
		    rf->pool_used + 256 <= sizeof(rf->pool)) {
			size_t k = f[1] == 'Z' ? demangle(f, n, rf->pool + rf->pool_used, 256)
					       : demangle_rust(f, n, rf->pool + rf->pool_used, 256);

			if (k) {
				f = rf->pool + rf->pool_used;
				n = k;
				rf->pool_used += k;
			}
		}
		if (skipped(skip, f, n))
			continue;
		if (rf->count < MAX_RAW) {
			rf->p[rf->count] = f;
			rf->n[rf->count] = n;
			rf->count++;
		}
	}
}

static bool has_prefix(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	return n >= k && !memcmp(s, pre, k);
}

/* The shortest name left after cutting one of the syscall prefixes. */
static void strip_frame(const struct family *fam, const char *s, size_t n,
			const char **os, size_t *on)
{
	*os = s;
	*on = n;
	for (const char *const *p = fam->strip_prefixes; p && *p; p++) {
		size_t k = strlen(*p);

		if (has_prefix(s, n, *p) && n - k < *on) {
			*os = s + k;
			*on = n - k;
		}
	}
}

static bool contains(const char *s, size_t n, const char *needle)
{
	return mem_find(s, n, needle) != NULL;
}

static int stall_extract(const struct family *fam, const char **fs,
			 size_t *fn, size_t count, const char **name,
			 size_t *nlen)
{
	size_t prev = 0;

	for (size_t i = 0; i < count; i++) {
		if (pat_match_line(fam->stall_anchors, fs[i], fn[i], NULL)) {
			if (contains(fs[i], fn[i], "smp_call_function")) {
				*name = "smp_call_function";
				*nlen = strlen(*name);
				return (int)i;
			}
			*name = fs[prev];
			*nlen = fn[prev];
			return (int)prev;
		}
		prev = i;
	}
	return -1;
}

static int hang_extract(const char **fs, size_t *fn, size_t count,
			const char **name, size_t *nlen)
{
	static const char *const anchors[] = { "rtnl_lock", "synchronize_rcu",
		"synchronize_srcu", "synchronize_net", "synchronize_sched" };
	static const char *const skip[] = { "sched", "_lock", "_slowlock",
		"down", "rwsem", "completion", "kthread", "wait", "synchronize",
		"context_switch", "__switch_to", "cancel_delayed_work",
		"rcu_barrier" };

	for (size_t i = 0; i < count; i++)
		for (size_t a = 0; a < sizeof(anchors) / sizeof(anchors[0]); a++)
			if (contains(fs[i], fn[i], anchors[a])) {
				if (a == 0) {
					*name = fs[i];
					*nlen = fn[i];
				} else {
					*name = "synchronize_rcu";
					*nlen = strlen(*name);
				}
				return (int)i;
			}
	for (size_t i = 0; i < count; i++) {
		bool skipped = false;

		for (size_t s = 0; s < sizeof(skip) / sizeof(skip[0]); s++)
			if (contains(fs[i], fn[i], skip[s]))
				skipped = true;
		if (!skipped) {
			*name = fs[i];
			*nlen = fn[i];
			return (int)i;
		}
	}
	return -1;
}

static struct frame_ref key_frame(const struct family *fam,
				  const struct stack_spec *st,
				  const struct rawframes *rf)
{
	struct frame_ref r = { 0 };
	const char *fs[MAX_RAW];
	size_t fn[MAX_RAW];
	const char *name = NULL;
	size_t nlen = 0;
	int idx;

	if (!rf->count)
		return r;
	for (size_t i = 0; i < rf->count; i++)
		strip_frame(fam, rf->p[i], rf->n[i], &fs[i], &fn[i]);
	switch (st->extractor) {
	case EXTRACT_STALL:
		idx = stall_extract(fam, fs, fn, rf->count, &name, &nlen);
		break;
	case EXTRACT_HANG:
		idx = hang_extract(fs, fn, rf->count, &name, &nlen);
		break;
	default:
		idx = 0;
		name = fs[0];
		nlen = fn[0];
		break;
	}
	if (idx < 0 || !nlen)
		return r;
	r.canonical = name;
	r.clen = nlen;
	r.raw = rf->p[idx];
	r.rlen = rf->n[idx];
	return r;
}

static bool stack_impl(const struct family *fam, const struct stack_spec *st,
		       struct pat *const *parts, const char *text, size_t len,
		       struct rawframes *rf, struct frame_ref *out, size_t *nout)
{
	struct line_iter it = { text, len, 0 };
	struct skips sk = { &fam->skip_all, &st->skip_re };
	struct cap m[PAT_MAX_CAPS + 1];
	size_t nparts = 0, nres = 0;
	int nstacks = 0;
	bool ok = true;
	const char *l;
	size_t n;

	rf->count = 0;
	rf->pool_used = 0;
	while (nparts < PARTS_MAX && parts[nparts])
		nparts++;
	for (size_t pi = 0;; pi++) {
		if (pi == nparts || (parts[pi] == PART_STACK && nstacks > 0)) {
			struct frame_ref k = key_frame(fam, st, rf);

			if (!k.canonical) {
				k.canonical = k.raw = "corrupted";
				k.clen = k.rlen = strlen("corrupted");
				ok = false;
			}
			if (nres < 4)
				out[nres++] = k;
			rf->count = 0;
		}
		if (pi == nparts)
			break;
		if (parts[pi] == PART_STACK) {
			nstacks++;
			while (next_line(&it, &l, &n)) {
				bool matched = false;

				if (any_match(fam->corrupted_lines, 2, l, n)) {
					ok = false;
					goto next_part;
				}
				if (any_match(fam->stack_start, 12, l, n))
					goto next_part;
				if (pi + 1 < nparts && parts[pi + 1] != PART_STACK &&
				    pat_match_line(parts[pi + 1], l, n, m)) {
					append_frames(rf, l, m, parts[pi + 1]->ncaps,
						      &sk);
					pi++;
					goto next_part;
				}
				for (size_t f = 0; f < 3 && fam->frame_res[f]; f++) {
					if (pat_match_line(fam->frame_res[f], l, n, m)) {
						append_frames(rf, l, m,
							      fam->frame_res[f]->ncaps,
							      &sk);
						matched = true;
						break;
					}
				}
				(void)matched;
			}
		} else {
			while (next_line(&it, &l, &n)) {
				if (any_match(fam->corrupted_lines, 2, l, n)) {
					ok = false;
					goto next_part;
				}
				if (!pat_match_line(parts[pi], l, n, m))
					continue;
				append_frames(rf, l, m, parts[pi]->ncaps, &sk);
				break;
			}
		}
next_part:;
	}
	*nout = nres;
	return ok;
}

static bool extract_stack(const struct family *fam, const struct stack_spec *st,
			  const char *text, size_t len, struct rawframes *rf,
			  struct frame_ref *out, size_t *nout)
{
	bool ok;

	stack_skip_ready(fam, (struct stack_spec *)st);
	ok = stack_impl(fam, st, st->parts, text, len, rf, out, nout);
	if (ok || !st->parts2[0])
		return ok;
	return stack_impl(fam, st, st->parts2, text, len, rf, out, nout);
}

/* Searches a sequence; fills caps (offsets into text); returns start. */
static long seq_search(const struct seq *s, const char *text, size_t len,
		       struct cap *caps, int *ncaps)
{
	struct cap m[PAT_MAX_CAPS + 1];
	size_t from = 0;

	for (;;) {
		long start;
		size_t pos;
		int nc = 0;
		bool ok = true;

		if (!pat_search(s->p[0], text, from, len, m))
			return -1;
		start = m[0].so;
		for (int i = 1; i <= s->p[0]->ncaps; i++)
			caps[nc++] = m[i];
		pos = (size_t)m[0].eo;
		for (int k = 1; k < SEQ_MAX && s->p[k]; k++) {
			const char *nl = memchr(text + pos, '\n', len - pos);

			if (!nl || !pat_search(s->p[k], text, (size_t)(nl + 1 - text),
					       len, m)) {
				ok = false;
				break;
			}
			for (int i = 1; i <= s->p[k]->ncaps; i++)
				caps[nc++] = m[i];
			pos = (size_t)m[0].eo;
		}
		if (ok) {
			*ncaps = nc;
			return start;
		}
		/* Try the next start of the first pattern. */
		{
			const char *nl = memchr(text + start, '\n', len - (size_t)start);

			if (!nl)
				return -1;
			from = (size_t)(nl + 1 - text);
		}
	}
}

struct arg {
	const char *p;
	size_t n;
};

static char *format_title(const char *fmt, const struct arg *args, int nargs)
{
	struct buf b = { 0 };

	for (const char *s = fmt; *s; s++) {
		if (*s == '$' && s[1] >= '1' && s[1] <= '9') {
			int i = s[1] - '1';

			if (i < nargs && args[i].p && buf_add(&b, args[i].p, args[i].n))
				goto oom;
			s++;
			continue;
		}
		if (buf_addc(&b, *s))
			goto oom;
	}
	return buf_steal(&b);
oom:
	buf_dispose(&b);
	return NULL;
}

static int add_alt(struct desc *d, char *t)
{
	char **na;

	if (!t)
		return CP_ERR_NOMEM;
	for (size_t i = 0; i < d->n_alts; i++)
		if (!strcmp(d->alts[i], t)) {
			free(t);
			return 0;
		}
	na = realloc(d->alts, (d->n_alts + 1) * sizeof(*na));
	if (!na) {
		free(t);
		return CP_ERR_NOMEM;
	}
	d->alts = na;
	d->alts[d->n_alts++] = t;
	return 0;
}

static int format_all(const struct family *fam, const struct fmt_spec *f,
		      const char *text, const struct cap *caps, int ncaps,
		      const struct frame_ref *frames, size_t nframes,
		      struct desc *d)
{
	struct arg args[MAX_ARGS];
	int nargs = 0, rc;

	for (int i = 0; i < ncaps && nargs < MAX_ARGS; i++, nargs++) {
		args[nargs].p = caps[i].so >= 0 ? text + caps[i].so : "";
		args[nargs].n = caps[i].so >= 0 ? (size_t)(caps[i].eo - caps[i].so) : 0;
	}
	for (size_t i = 0; i < nframes && nargs < MAX_ARGS; i++, nargs++) {
		args[nargs].p = frames[i].canonical;
		args[nargs].n = frames[i].clen;
	}
	free(d->title);
	d->title = format_title(f->fmt, args, nargs);
	if (!d->title)
		return CP_ERR_NOMEM;
	for (int a = 0; a < ALT_MAX && f->alt[a]; a++)
		if ((rc = add_alt(d, format_title(f->alt[a], args, nargs))))
			return rc;
	/* Raw frames, and raw frames with one syscall prefix cut. */
	for (int i = -1; fam->strip_prefixes && (i < 0 || fam->strip_prefixes[i]); i++) {
		const char *pre = i < 0 ? "" : fam->strip_prefixes[i];
		bool add = i < 0;
		size_t k = strlen(pre);
		char *t;

		for (size_t j = 0; j < nframes; j++) {
			const char *r = frames[j].raw;
			size_t rn = frames[j].rlen;

			if (k && has_prefix(r, rn, pre)) {
				r += k;
				rn -= k;
				add = true;
			}
			args[ncaps + (int)j].p = r;
			args[ncaps + (int)j].n = rn;
		}
		if (!add)
			continue;
		t = format_title(f->fmt, args, nargs);
		if (!t)
			return CP_ERR_NOMEM;
		if (strcmp(t, d->title)) {
			if ((rc = add_alt(d, t)))
				return rc;
		} else {
			free(t);
		}
		for (int a = 0; a < ALT_MAX && f->alt[a]; a++)
			if ((rc = add_alt(d, format_title(f->alt[a], args, nargs))))
				return rc;
	}
	return 0;
}

int describe(const struct oops *oops, const struct family *fam,
	     const char *text, size_t len, struct desc *d)
{
	long start_pos = (long)len;
	bool matched_title = false;
	struct cap caps[SEQ_MAX * PAT_MAX_CAPS];
	struct rawframes *rf;
	int ncaps;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	rf = malloc(sizeof(*rf));
	if (!rf)
		return CP_ERR_NOMEM;
	for (const struct fmt_spec *f = oops->formats; f->fmt; f++) {
		struct frame_ref frames[4];
		size_t nframes = 0;
		long pos, rpos;

		pos = seq_search(&f->title, text, len, caps, &ncaps);
		if (pos < 0 || pos > start_pos)
			continue;
		if (pos == start_pos && d->title)
			continue;
		if (pos < start_pos) {
			free(d->title);
			d->title = NULL;
			d->format = NULL;
			start_pos = pos;
		}
		matched_title = true;
		rpos = pos;
		if (f->report.p[0]) {
			rpos = seq_search(&f->report, text, len, caps, &ncaps);
			if (rpos < 0)
				continue;
		}
		d->corrupted = NULL;
		if (f->stack && !extract_stack(fam, f->stack, text + rpos,
					       len - (size_t)rpos, rf, frames, &nframes))
			d->corrupted = "extracted no frames";
		/* Frames point into text or rf->pool. */
		rc = format_all(fam, f, text, caps, ncaps, frames, nframes, d);
		if (rc)
			goto out;
		d->format = f;
	}
	if (!d->title) {
		const char *h = mem_find(text, len, oops->header);
		const char *e;

		if (matched_title)
			d->corrupted = "matched title but not report regexp";
		if (!h)
			goto out;
		e = memchr(h, '\n', len - (size_t)(h - text));
		if (!e)
			e = text + len;
		d->title = malloc((size_t)(e - h) + 1);
		if (!d->title) {
			rc = CP_ERR_NOMEM;
			goto out;
		}
		memcpy(d->title, h, (size_t)(e - h));
		d->title[e - h] = '\0';
	}
	if (!d->corrupted && d->format && (d->format->flags & FMT_CORRUPTED))
		d->corrupted = "report format is marked as corrupted";
out:
	free(rf);
	return rc;
}

void desc_dispose(struct desc *d)
{
	free(d->title);
	for (size_t i = 0; i < d->n_alts; i++)
		free(d->alts[i]);
	free(d->alts);
	memset(d, 0, sizeof(*d));
}

const char *check_corrupted(const char *title, const char *text, size_t len,
			    const struct fmt_spec *format,
			    const struct family *fam)
{
	bool has_stack = false;

	if (pat_match_line(&linux_corrupted_title, title, strlen(title), NULL))
		return "title matches corrupted regexp";
	if (!format)
		return NULL;
	if (format->flags & FMT_NO_STACK)
		return NULL;
	for (size_t k = 0; k < 12 && fam->stack_start[k]; k++) {
		struct cap m[PAT_MAX_CAPS + 1];
		struct line_iter it;
		const char *l;
		size_t n, nlines = 0;
		bool corrupted = true;

		if (!pat_search(fam->stack_start[k], text, 0, len, m))
			continue;
		/* Count lines from the match on (a final "" counts). */
		for (const char *p = text + m[0].so; (p = memchr(p, '\n', len - (size_t)(p - text))); p++)
			if (++nlines >= 4)
				break;
		if (nlines + 1 < 4)
			return "call trace is missed";
		it.text = text;
		it.len = len;
		it.pos = (size_t)m[0].so;
		next_line(&it, &l, &n);
		for (int i = 0; i < 15 && next_line(&it, &l, &n); i++) {
			if (any_match(fam->stack_start, 12, l, n))
				break;
			if (contains(l, n, "(stack is not available)") ||
			    any_match(fam->frame_res, 3, l, n)) {
				has_stack = true;
				corrupted = false;
				break;
			}
		}
		if (corrupted && fam->stack_start[k + 1] != NULL)
			return "no frames in a stack trace";
		if (corrupted && fam->stack_start[k + 1] == NULL &&
		    fam != &linux_family)
			return "no frames in a stack trace";
	}
	if (!has_stack)
		return "no stack trace in report";
	return NULL;
}
