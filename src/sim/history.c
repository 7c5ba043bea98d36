/*
 * The generated histories of scenario files (docs/sim.md, "generate"): a
 * seeded commit graph with merges, commit i named by gen_oid(i), read
 * through the commit source the simulator and the engine use.
 */
#include "sim/internal.h"

#include "vcs/source.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nomem(struct cp_error *err)
{
	return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
}

static struct cp_oid gen_oid(uint32_t i)
{
	struct cp_oid o;

	memset(&o, 0x5a, sizeof(o));
	o.id[0] = 0xc0;
	o.id[1] = 0x11;
	o.id[2] = (unsigned char)(i >> 24);
	o.id[3] = (unsigned char)(i >> 16);
	o.id[4] = (unsigned char)(i >> 8);
	o.id[5] = (unsigned char)i;
	return o;
}

int64_t sim_gen_index(const struct sim_gen *g, const struct cp_oid *id)
{
	struct cp_oid o;
	uint32_t i;

	if (id->id[0] != 0xc0 || id->id[1] != 0x11)
		return -1;
	i = (uint32_t)id->id[2] << 24 | (uint32_t)id->id[3] << 16 |
	    (uint32_t)id->id[4] << 8 | id->id[5];
	if (i >= g->n)
		return -1;
	o = gen_oid(i);
	return cp_oid_equal(&o, id) ? (int64_t)i : -1;
}

int sim_gen_lookup(void *ctx, const struct cp_oid *id, int64_t *t,
		   const struct cp_oid **parents, size_t *np, struct cp_error *err)
{
	struct sim_gen *g = ctx;
	int64_t i = sim_gen_index(g, id);
	uint32_t k, m = 0;

	if (i < 0)
		return cp_error_set(err, CP_ERR_REPO_CORRUPT, "no such generated commit");
	*t = g->dates[i];
	for (k = g->parent_off[i]; k < g->parent_off[i + 1] && m < 2; k++)
		g->buf[m++] = gen_oid(g->parents[k]);
	*parents = g->buf;
	*np = m;
	return 0;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double unit(uint64_t *s)
{
	return (splitmix(s) >> 11) * (1.0 / 9007199254740992.0);
}

/*
 * A mainline where, at each step, with chance q a topic branch of 1-3
 * commits forks from one of the last 30 mainline commits and is merged
 * (q chosen so that about merge_rate of all commits are merges).
 */
int sim_gen_make(struct sim_gen *g, uint32_t n, double merge_rate, uint64_t seed,
		 struct cp_error *err)
{
	uint32_t *main = NULL, nmain = 0, i = 0, np = 0;
	double q = merge_rate < 0.33 ? merge_rate / (1 - 2 * merge_rate) : 1;
	uint64_t s = seed;

	g->n = n;
	g->parent_off = calloc(n + 1, sizeof(*g->parent_off));
	g->parents = malloc(2 * (size_t)n * sizeof(*g->parents));
	g->dates = malloc(n * sizeof(*g->dates));
	main = malloc(n * sizeof(*main));
	if (!g->parent_off || !g->parents || !g->dates || !main) {
		free(main);
		return nomem(err);
	}
#define ADD(...) do {							\
		uint32_t ps_[] = { __VA_ARGS__ }, k_;			\
		for (k_ = 0; k_ < sizeof(ps_) / sizeof(ps_[0]); k_++)	\
			g->parents[np++] = ps_[k_];			\
		g->dates[i] = 1600000000 + (int64_t)i * 60;		\
		g->parent_off[++i] = np;				\
	} while (0)
	g->dates[0] = 1600000000;
	g->parent_off[++i] = 0;		/* the root */
	main[nmain++] = 0;
	while (i < n) {
		if (i + 2 < n && unit(&s) < q) {
			uint32_t back = (uint32_t)(unit(&s) * (nmain < 30 ? nmain : 30));
			uint32_t fork = main[nmain - 1 - back], len = 1 + (uint32_t)(unit(&s) * 3), k;
			uint32_t prev = fork;

			if (len > n - i - 1)
				len = n - i - 1;
			for (k = 0; k < len; k++) {
				uint32_t me = i;

				ADD(prev);
				prev = me;
			}
			main[nmain++] = i;
			ADD(main[nmain - 2], prev);
		} else {
			main[nmain++] = i;
			ADD(main[nmain - 2]);
		}
	}
#undef ADD
	free(main);
	return 0;
}

void sim_gen_free(struct sim_gen *g)
{
	free(g->parent_off);
	free(g->parents);
	free(g->dates);
	memset(g, 0, sizeof(*g));
}

/* "HEAD", "cN", "merge:K" (K-th merge on the first-parent line from HEAD), each with "~k". */
int sim_gen_resolve(const struct sim_gen *g, const char *rev, struct cp_oid *out,
		    struct cp_error *err)
{
	const char *tilde = strchr(rev, '~');
	size_t blen = tilde ? (size_t)(tilde - rev) : strlen(rev);
	char base[64], *end;
	int64_t i = -1;
	unsigned long k = 0;

	if (blen >= sizeof(base))
		goto bad;
	memcpy(base, rev, blen);
	base[blen] = '\0';
	if (tilde) {
		k = strtoul(tilde + 1, &end, 10);
		if (!tilde[1] || *end)
			goto bad;
	}
	if (!strcmp(base, "HEAD")) {
		i = g->n - 1;
	} else if (base[0] == 'c' && isdigit((unsigned char)base[1])) {
		unsigned long v = strtoul(base + 1, &end, 10);

		if (*end || v >= g->n)
			goto bad;
		i = (int64_t)v;
	} else if (!strncmp(base, "merge:", 6)) {
		unsigned long want = strtoul(base + 6, &end, 10), seen = 0;

		if (*end || !want)
			goto bad;
		for (i = g->n - 1; i >= 0; i = g->parent_off[i + 1] > g->parent_off[i] ?
					      (int64_t)g->parents[g->parent_off[i]] : -1) {
			if (g->parent_off[i + 1] - g->parent_off[i] > 1 && ++seen == want)
				break;
		}
		if (i < 0)
			goto bad;
	} else if (strlen(base) == CP_OID_HEXSZ && !cp_oid_from_hex(out, base) &&
		   sim_gen_index(g, out) >= 0) {
		i = sim_gen_index(g, out);
	} else {
		goto bad;
	}
	while (k--) {
		if (g->parent_off[i + 1] == g->parent_off[i])
			goto bad;
		i = g->parents[g->parent_off[i]];
	}
	*out = gen_oid((uint32_t)i);
	return 0;
bad:
	return cp_error_set(err, CP_ERR_BAD_REV, "unknown revision '%s' in a generated history",
			    rev);
}
