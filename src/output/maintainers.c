/*
 * MAINTAINERS parsing and matching, after scripts/get_maintainer.pl
 * (read_all_maintainer_files, file_match_pattern, add_categories).
 */
#include "output/maintainers.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A compiled F:/X:/N:/K: line; ok is 0 when the regex did not compile. */
struct pattern {
	size_t line;		/* index into the section's lines */
	char type;
	int ok;
	int dir;		/* F:/X: ends with '/' */
	int depth;		/* get_maintainer.pl's value_pd */
	unsigned slashes;	/* '/' in the converted pattern */
	regex_t re;
};

struct sect {
	struct cp_maint_section pub;
	struct pattern *pats;
	size_t npats;
};

struct cp_maintainers {
	struct sect *v;
	size_t n;
};

static unsigned count_slashes(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '/';
	return n;
}

/* get_maintainer.pl's F:/X: conversion: . -> \. , * -> .* , ? -> . */
static char *glob_to_regex(const char *v, cp_maint_is_dir_fn is_dir, void *ctx)
{
	size_t n = strlen(v), i, k = 0;
	char *out = malloc(2 * n + 3);

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		if (v[i] == '.') {
			out[k++] = '\\';
			out[k++] = '.';
		} else if (v[i] == '*') {
			out[k++] = '.';
			out[k++] = '*';
		} else if (v[i] == '?') {
			out[k++] = '.';
		} else {
			out[k++] = v[i];
		}
	}
	out[k] = '\0';
	if (k && out[k - 1] != '/' && is_dir && is_dir(ctx, out)) {
		out[k++] = '/';
		out[k] = '\0';
	}
	return out;
}

/*
 * A Perl regex (used with /x) as a POSIX extended one: unescaped blanks
 * dropped outside brackets, (?: as (, \d as [0-9], \/ as /.  A leading
 * (?i), or a (?i:...) group anywhere, sets *icase.
 */
static char *perl_to_posix(const char *v, int *icase)
{
	size_t n = strlen(v), k = 0;
	char *out = malloc(5 * n + 1);
	int bracket = 0;

	if (!out)
		return NULL;
	*icase = 0;
	if (!strncmp(v, "(?i)", 4)) {
		*icase = 1;
		v += 4;
	}
	for (; *v; v++) {
		if (*v == '\\' && v[1]) {
			if (v[1] == 'd' && !bracket) {
				memcpy(out + k, "[0-9]", 5);
				k += 5;
			} else if (v[1] == '/' || v[1] == ' ' || v[1] == '#') {
				out[k++] = v[1];
			} else {
				out[k++] = v[0];
				out[k++] = v[1];
			}
			v++;
			continue;
		}
		if (bracket) {
			if (*v == ']')
				bracket = 0;
			out[k++] = *v;
			continue;
		}
		if (*v == '[') {
			bracket = 1;
			out[k++] = *v;
			if (v[1] == '^')
				out[k++] = *++v;
			if (v[1] == ']')
				out[k++] = *++v;
			continue;
		}
		if (isspace((unsigned char)*v))
			continue;
		if (*v == '(' && v[1] == '?' && v[2] == ':') {
			out[k++] = '(';
			v += 2;
			continue;
		}
		/* (?i:...): POSIX has no scoped flags, the whole regex ignores case */
		if (*v == '(' && v[1] == '?' && v[2] == 'i' && v[3] == ':') {
			*icase = 1;
			out[k++] = '(';
			v += 3;
			continue;
		}
		out[k++] = *v;
	}
	out[k] = '\0';
	return out;
}

static int compile_pattern(struct pattern *p, const char *value,
			   cp_maint_is_dir_fn is_dir, void *ctx)
{
	char *re, *anchored;
	int icase = 0, flags = REG_EXTENDED | REG_NOSUB;

	if (p->type == 'F' || p->type == 'X') {
		re = glob_to_regex(value, is_dir, ctx);
		if (!re)
			return -1;
		p->dir = re[0] && re[strlen(re) - 1] == '/';
		p->slashes = count_slashes(re);
		p->depth = (int)p->slashes + !p->dir;
		if (!strncmp(re, ".*", 2))
			p->depth = -1;
		anchored = malloc(strlen(re) + 2);
		if (!anchored) {
			free(re);
			return -1;
		}
		anchored[0] = '^';
		strcpy(anchored + 1, re);
		free(re);
		re = anchored;
	} else {
		re = perl_to_posix(value, &icase);
		if (!re)
			return -1;
		if (icase)
			flags |= REG_ICASE;
		if (p->type == 'K')
			flags |= REG_NEWLINE;
	}
	p->ok = regcomp(&p->re, re, flags) == 0;
	free(re);
	return 0;
}

static void sect_dispose(struct sect *s)
{
	size_t i;

	for (i = 0; i < s->npats; i++)
		if (s->pats[i].ok)
			regfree(&s->pats[i].re);
	free(s->pats);
	for (i = 0; i < s->pub.nlines; i++)
		free(s->pub.lines[i].value);
	free(s->pub.lines);
	free(s->pub.name);
}

void cp_maintainers_free(struct cp_maintainers *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		sect_dispose(&m->v[i]);
	free(m->v);
	free(m);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	void *q;
	size_t c;

	if (need <= *cap)
		return 0;
	c = *cap ? *cap * 2 : 8;
	while (c < need)
		c *= 2;
	q = realloc(*p, c * size);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

static int add_line(struct sect *s, size_t *cap, char type, const char *v, size_t len)
{
	struct cp_maint_line *l;

	if (grow((void **)&s->pub.lines, cap, s->pub.nlines + 1, sizeof(*l)))
		return -1;
	l = &s->pub.lines[s->pub.nlines];
	l->type = type;
	l->value = strndup(v, len);
	if (!l->value)
		return -1;
	s->pub.nlines++;
	return 0;
}

static int compile_section(struct sect *s, cp_maint_is_dir_fn is_dir, void *ctx)
{
	size_t i, n = 0;

	for (i = 0; i < s->pub.nlines; i++)
		n += strchr("FXNK", s->pub.lines[i].type) != NULL;
	if (!n)
		return 0;
	s->pats = calloc(n, sizeof(*s->pats));
	if (!s->pats)
		return -1;
	for (i = 0; i < s->pub.nlines; i++) {
		struct cp_maint_line *l = &s->pub.lines[i];
		struct pattern *p;

		if (!strchr("FXNK", l->type))
			continue;
		p = &s->pats[s->npats++];
		p->line = i;
		p->type = l->type;
		if (compile_pattern(p, l->value, is_dir, ctx))
			return -1;
	}
	return 0;
}

int cp_maintainers_parse(struct cp_maintainers **out, const char *text, size_t len,
			 cp_maint_is_dir_fn is_dir, void *ctx, struct cp_error *err)
{
	struct cp_maintainers *m = calloc(1, sizeof(*m));
	const char *p = text, *end = text + len;
	size_t cap = 0, lcap = 0;
	struct sect *cur = NULL;

	*out = NULL;
	if (!m)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *s = p, *v;

		p = nl ? nl + 1 : end;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (e - s >= 2 && isupper((unsigned char)s[0]) && s[1] == ':') {
			if (!cur)
				continue;	/* a typed line before any name */
			v = s + 2;
			while (v < e && isspace((unsigned char)*v))
				v++;
			if (add_line(cur, &lcap, s[0], v, (size_t)(e - v)))
				goto nomem;
			continue;
		}
		v = s;
		while (v < e && isspace((unsigned char)*v))
			v++;
		if (v == e || *v == '#')
			continue;	/* blank lines and comments */
		if (cur && compile_section(cur, is_dir, ctx))
			goto nomem;
		if (grow((void **)&m->v, &cap, m->n + 1, sizeof(*m->v)))
			goto nomem;
		cur = &m->v[m->n++];
		memset(cur, 0, sizeof(*cur));
		lcap = 0;
		cur->pub.name = strndup(s, (size_t)(e - s));
		if (!cur->pub.name)
			goto nomem;
	}
	if (cur && compile_section(cur, is_dir, ctx))
		goto nomem;
	*out = m;
	return 0;
nomem:
	cp_maintainers_free(m);
	return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
}

size_t cp_maintainers_count(const struct cp_maintainers *m)
{
	return m->n;
}

const struct cp_maint_section *cp_maintainers_section(const struct cp_maintainers *m,
						      size_t i)
{
	return i < m->n ? &m->v[i].pub : NULL;
}

static int pattern_matches(const struct pattern *p, const char *file)
{
	if (!p->ok || regexec(&p->re, file, 0, NULL, 0))
		return 0;
	return p->dir || count_slashes(file) == p->slashes;
}

struct hit {
	size_t section;
	int depth;
};

static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth > y->depth ? -1 : 1;
	return x->section < y->section ? -1 : x->section > y->section;
}

int cp_maintainers_match(const struct cp_maintainers *m, const char *file,
			 size_t **out, size_t *count, struct cp_error *err)
{
	struct hit *hits = NULL;
	size_t i, k, n = 0, cap = 0;

	*out = NULL;
	*count = 0;
	for (i = 0; i < m->n; i++) {
		const struct sect *s = &m->v[i];
		int matched = 0, depth = 0, excluded = 0;

		for (k = 0; k < s->npats && !excluded; k++)
			if (s->pats[k].type == 'X' && pattern_matches(&s->pats[k], file))
				excluded = 1;
		if (excluded)
			continue;
		for (k = 0; k < s->npats; k++) {
			const struct pattern *p = &s->pats[k];

			if (p->type == 'F' && pattern_matches(p, file)) {
				matched = 1;
				depth = p->depth;
			} else if (p->type == 'N' && p->ok &&
				   !regexec(&p->re, file, 0, NULL, 0)) {
				matched = 1;
				depth = 0;
			}
		}
		if (!matched)
			continue;
		if (grow((void **)&hits, &cap, n + 1, sizeof(*hits))) {
			free(hits);
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
		hits[n].section = i;
		hits[n].depth = depth;
		n++;
	}
	if (!n)
		return 0;
	qsort(hits, n, sizeof(*hits), hit_cmp);
	*out = malloc(n * sizeof(**out));
	if (!*out) {
		free(hits);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < n; i++)
		(*out)[i] = hits[i].section;
	*count = n;
	free(hits);
	return 0;
}

static int has_index(const size_t *v, size_t n, size_t x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

int cp_maintainers_match_keywords(const struct cp_maintainers *m, const char *text,
				  size_t **out, size_t *count, struct cp_error *err)
{
	size_t i, k, cap = *count;

	for (i = 0; i < m->n; i++) {
		const struct sect *s = &m->v[i];

		for (k = 0; k < s->npats; k++) {
			const struct pattern *p = &s->pats[k];

			if (p->type != 'K' || !p->ok || regexec(&p->re, text, 0, NULL, 0))
				continue;
			if (has_index(*out, *count, i))
				break;
			if (grow((void **)out, &cap, *count + 1, sizeof(**out)))
				return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			(*out)[(*count)++] = i;
			break;
		}
	}
	return 0;
}

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

static void lower(char *s)
{
	for (; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

int cp_parse_email(const char *s, char **addr, char **name, struct cp_error *err)
{
	const char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	const char *a, *e;

	*addr = NULL;
	if (name)
		*name = NULL;
	if (lt && gt && memchr(lt, '@', (size_t)(gt - lt))) {
		*addr = trim_dup(lt + 1, (size_t)(gt - lt - 1));
		if (name) {
			size_t n = (size_t)(lt - s);
			char *nm = trim_dup(s, n);

			if (nm && nm[0] == '"') {
				size_t l = strlen(nm);

				memmove(nm, nm + 1, l);
				if (l > 1 && nm[l - 2] == '"')
					nm[l - 2] = '\0';
			}
			*name = nm;
		}
	} else {
		a = strchr(s, '@');
		if (!a)
			return 0;
		while (a > s && !isspace((unsigned char)a[-1]) && a[-1] != '<' && a[-1] != '(')
			a--;
		e = a;
		while (*e && !isspace((unsigned char)*e) && *e != '>' && *e != ')' && *e != ',')
			e++;
		*addr = strndup(a, (size_t)(e - a));
		if (name)
			*name = strdup("");
	}
	if (!*addr || (name && !*name)) {
		free(*addr);
		*addr = NULL;
		if (name) {
			free(*name);
			*name = NULL;
		}
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	lower(*addr);
	return 0;
}

int cp_maint_penguin_chief(const char *addr)
{
	return !strcasecmp(addr, "torvalds@linux-foundation.org");
}

void cp_maint_addresses_free(struct cp_maint_address *a, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		free(a[i].address);
		free(a[i].display);
	}
	free(a);
}

struct addr_list {
	struct cp_maint_address *v;
	size_t n, cap;
	char **names;		/* lowercased names in use (people) */
	size_t nnames, ncap;
};

static int address_used(const struct addr_list *l, const char *addr, int lists)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if ((l->v[i].role == 'L') == lists && !strcmp(l->v[i].address, addr))
			return 1;
	return 0;
}

static int name_used(const struct addr_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->nnames; i++)
		if (!strcasecmp(l->names[i], name))
			return 1;
	return 0;
}

static int push_address(struct addr_list *l, const char *value, char role, size_t section,
			struct cp_error *err)
{
	struct cp_maint_address *a;
	char *addr = NULL, *name = NULL, *disp = NULL;
	int ret;

	if (role == 'L') {
		size_t n = strcspn(value, " \t");

		if (strstr(value + n, "subscribers-only"))
			return 0;
		addr = strndup(value, n);
		if (!addr)
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		lower(addr);
		name = strdup("");
	} else {
		ret = cp_parse_email(value, &addr, &name, err);
		if (ret)
			return ret;
		if (!addr)
			return 0;
	}
	if (!name)
		goto nomem;
	if (role != 'L' && cp_maint_penguin_chief(addr)) {
		free(addr);
		free(name);
		return 0;
	}
	if (address_used(l, addr, role == 'L') || (role != 'L' && name[0] && name_used(l, name))) {
		free(addr);
		free(name);
		return 0;
	}
	if (role == 'L' || !name[0]) {
		disp = strdup(addr);
	} else {
		disp = malloc(strlen(name) + strlen(addr) + 4);
		if (disp)
			sprintf(disp, "%s <%s>", name, addr);
	}
	if (!disp || grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		goto nomem;
	if (role != 'L' && name[0]) {
		if (grow((void **)&l->names, &l->ncap, l->nnames + 1, sizeof(*l->names)))
			goto nomem;
		l->names[l->nnames++] = name;
		name = NULL;
	}
	a = &l->v[l->n++];
	a->address = addr;
	a->display = disp;
	a->role = role;
	a->section = section;
	free(name);
	return 0;
nomem:
	free(addr);
	free(name);
	free(disp);
	return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
}

int cp_maintainers_addresses(const struct cp_maintainers *m, const size_t *sections,
			     size_t nsections, struct cp_maint_address **out,
			     size_t *count, struct cp_error *err)
{
	struct addr_list people = { 0 }, lists = { 0 };
	size_t i, k;
	int ret = 0;

	*out = NULL;
	*count = 0;
	for (i = 0; i < nsections && !ret; i++) {
		const struct cp_maint_section *s = cp_maintainers_section(m, sections[i]);

		for (k = 0; s && k < s->nlines && !ret; k++) {
			char t = s->lines[k].type;

			if (t == 'M' || t == 'R')
				ret = push_address(&people, s->lines[k].value, t, sections[i], err);
			else if (t == 'L')
				ret = push_address(&lists, s->lines[k].value, t, sections[i], err);
		}
	}
	for (i = 0; i < people.nnames; i++)
		free(people.names[i]);
	free(people.names);
	free(lists.names);
	if (!ret && grow((void **)&people.v, &people.cap, people.n + lists.n, sizeof(*people.v)))
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	if (ret) {
		cp_maint_addresses_free(people.v, people.n);
		cp_maint_addresses_free(lists.v, lists.n);
		return ret;
	}
	if (lists.n)
		memcpy(people.v + people.n, lists.v, lists.n * sizeof(*lists.v));
	free(lists.v);
	*out = people.v;
	*count = people.n + lists.n;
	return 0;
}
