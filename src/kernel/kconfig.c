/*
 * .config files as option lists, and the config minimization of issue 16
 * (syzkaller's pkg/kconfig minimize, as delta debugging): the options a
 * user's config sets beyond a baseline, cut down to those the crash needs
 * by a predicate (build with baseline + kept options, run the reproducer).
 * Kconfig's dependencies are left to the kernel's own tools: a candidate is
 * built through `make olddefconfig`, which drops an option whose
 * dependencies are not kept, so such a candidate does not reproduce and
 * the dependency stays.  Pure: no I/O.
 */
#include "kernel/kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cp_kconfig_free(struct cp_kconfig *c)
{
	size_t i;

	for (i = 0; c->opt && i < c->n; i++) {
		free(c->opt[i].name);
		free(c->opt[i].value);
	}
	free(c->opt);
	c->opt = NULL;
	c->n = 0;
}

int cp_kconfig_parse(const char *text, struct cp_kconfig *out, struct cp_error *err)
{
	const char *p = text;
	size_t cap = 0;

	out->opt = NULL;
	out->n = 0;
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);
		struct cp_kernel_option o;
		int r;

		p += len + (p[len] == '\n');
		if (!line) {
			cp_kconfig_free(out);
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
		line[strcspn(line, "\r")] = '\0';
		r = cp_kernel_option_parse(line, &o);
		free(line);
		if (r < 0) {
			cp_kconfig_free(out);
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
		if (r == 0)
			continue;
		if (out->n == cap) {
			struct cp_kernel_option *q;

			cap = cap ? cap * 2 : 64;
			q = realloc(out->opt, cap * sizeof(*q));
			if (!q) {
				free(o.name);
				free(o.value);
				cp_kconfig_free(out);
				return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			}
			out->opt = q;
		}
		out->opt[out->n++] = o;
	}
	return 0;
}

const struct cp_kernel_option *cp_kconfig_get(const struct cp_kconfig *c, const char *name)
{
	size_t i;

	/* the last assignment wins, as when Kconfig reads the file */
	for (i = c->n; i-- > 0;)
		if (!strcmp(c->opt[i].name, name))
			return &c->opt[i];
	return NULL;
}

static int push(char ***v, size_t *n, const char *s, struct cp_error *err)
{
	char **p = realloc(*v, (*n + 2) * sizeof(*p));

	if (!p)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	*v = p;
	p[*n] = strdup(s);
	if (!p[*n])
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	p[++*n] = NULL;
	return 0;
}

static int seen_before(const struct cp_kconfig *c, size_t i)
{
	size_t k;

	for (k = i + 1; k < c->n; k++)
		if (!strcmp(c->opt[k].name, c->opt[i].name))
			return 1;	/* a later line sets it: count that one */
	return 0;
}

int cp_kconfig_diff(const struct cp_kconfig *full, const struct cp_kconfig *base,
		    char ***names, size_t *n, struct cp_error *err)
{
	size_t i;

	*names = NULL;
	*n = 0;
	for (i = 0; i < full->n; i++) {
		const struct cp_kernel_option *o = &full->opt[i], *b;

		if (!o->value || !strcmp(o->value, "n") || seen_before(full, i))
			continue;
		b = cp_kconfig_get(base, o->name);
		if (b && b->value && !strcmp(b->value, o->value))
			continue;
		if (push(names, n, o->name, err)) {
			cp_kernel_strv_free(*names);
			*names = NULL;
			*n = 0;
			return err->code;
		}
	}
	return 0;
}

int cp_kconfig_unknown(const char *in, const char *out, char ***names, size_t *n,
		       struct cp_error *err)
{
	struct cp_kconfig a, b;
	size_t i;
	int ret;

	*names = NULL;
	*n = 0;
	ret = cp_kconfig_parse(in, &a, err);
	if (ret)
		return ret;
	ret = cp_kconfig_parse(out, &b, err);
	if (ret) {
		cp_kconfig_free(&a);
		return ret;
	}
	for (i = 0; i < a.n && !ret; i++)
		if (a.opt[i].value && strcmp(a.opt[i].value, "n") && !seen_before(&a, i) &&
		    !cp_kconfig_get(&b, a.opt[i].name))
			ret = push(names, n, a.opt[i].name, err);
	cp_kconfig_free(&a);
	cp_kconfig_free(&b);
	if (ret) {
		cp_kernel_strv_free(*names);
		*names = NULL;
		*n = 0;
	}
	return ret;
}

static int in_list(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

int cp_kconfig_compose(const struct cp_kconfig *base, const struct cp_kconfig *full,
		       char *const *keep, size_t nkeep, char **text, struct cp_error *err)
{
	size_t i, len = 0, cap = 4096;
	char *buf = malloc(cap);

	*text = NULL;
	if (!buf)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	buf[0] = '\0';
	for (i = 0; i < base->n + nkeep; i++) {
		const struct cp_kernel_option *o;
		char line[1200];
		int w;

		if (i < base->n) {
			o = &base->opt[i];
			if (in_list(keep, nkeep, o->name))
				continue;	/* the full config's value follows */
		} else {
			o = cp_kconfig_get(full, keep[i - base->n]);
			if (!o)
				continue;
		}
		if (o->value)
			w = snprintf(line, sizeof(line), "%s=%s\n", o->name, o->value);
		else
			w = snprintf(line, sizeof(line), "# %s is not set\n", o->name);
		if (w < 0 || (size_t)w >= sizeof(line))
			continue;
		if (len + (size_t)w + 1 > cap) {
			char *q;

			while (len + (size_t)w + 1 > cap)
				cap *= 2;
			q = realloc(buf, cap);
			if (!q) {
				free(buf);
				return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			}
			buf = q;
		}
		memcpy(buf + len, line, (size_t)w + 1);
		len += (size_t)w;
	}
	*text = buf;
	return 0;
}

int cp_kconfig_minimize(char *const *syms, size_t n, cp_kconfig_pred pred, void *arg,
			unsigned max_tests, char ***out, size_t *nout, unsigned *tests,
			struct cp_error *err)
{
	char **keep = calloc(n + 1, sizeof(*keep)), **cand = calloc(n + 1, sizeof(*cand));
	size_t nkeep = n, chunks = 2, i;
	int ret = 0, repro = 0;

	*out = NULL;
	*nout = 0;
	*tests = 0;
	if (!keep || !cand) {
		free(keep);
		free(cand);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < n; i++)
		keep[i] = syms[i];
	/* the baseline alone first: nothing of the user's may be needed */
	if (n && *tests < max_tests) {
		++*tests;
		ret = pred(cand, 0, arg, &repro, err);
		if (!ret && repro)
			nkeep = 0;
	}
	while (!ret && nkeep > 1 && *tests < max_tests) {
		size_t part, c, removed = 0;

		if (chunks > nkeep)
			chunks = nkeep;
		for (c = 0; c < chunks && !removed && *tests < max_tests && !ret; c++) {
			size_t lo = c * nkeep / chunks, hi = (c + 1) * nkeep / chunks, m = 0;

			/* keep without its c-th part */
			for (part = 0; part < nkeep; part++)
				if (part < lo || part >= hi)
					cand[m++] = keep[part];
			++*tests;
			ret = pred(cand, m, arg, &repro, err);
			if (!ret && repro) {
				memcpy(keep, cand, m * sizeof(*keep));
				nkeep = m;
				removed = 1;
				chunks = chunks > 2 ? chunks - 1 : 2;
			}
		}
		if (ret || removed)
			continue;
		if (chunks >= nkeep)
			break;	/* each option alone is needed */
		chunks = chunks * 2 < nkeep ? chunks * 2 : nkeep;
	}
	if (!ret) {
		char **v = calloc(nkeep + 1, sizeof(*v));

		for (i = 0; v && i < nkeep; i++)
			if (!(v[i] = strdup(keep[i])))
				break;
		if (!v || i < nkeep) {
			cp_kernel_strv_free(v);
			ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		} else {
			*out = v;
			*nout = nkeep;
		}
	}
	free(keep);
	free(cand);
	return ret;
}
