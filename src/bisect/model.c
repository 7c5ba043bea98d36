/*
 * The posterior of the Bayesian engine (bayes.h, bayes_internal.h).
 *
 * The posterior is recomputed from the per-slot run counts whenever it is
 * read after new evidence: for every hypothesis h, the target and clean runs
 * on slots containing h (tin, cin) are summed over the ancestor bitsets of
 * the slots with evidence (O(slots with evidence * n / 64) words), and
 *
 *   w(h) ~ prior(h) * B(a + tin, b + cin) / B(a, b)
 *               * fp^(T - tin) * (1 - fp)^(C - cin) * fp^(signature splits)
 *
 * (the chance of reproducing integrated out).  The mass contained in each
 * candidate (the mass of its ancestors) is a prefix sum in topological
 * order; a merge adds its ancestors by a walk, as git counts them.
 */
#include "bisect/bayes_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int cpb_ensure_anc(struct cp_bayes *b, uint32_t slot, struct cp_error *err)
{
	const struct cp_graph *g = b->g;
	struct slot *s = &b->slots[slot];
	uint32_t sp = 0, k;

	if (slot >= b->n || s->anc)
		return 0;
	s->anc = calloc(b->words, sizeof(uint64_t));
	if (!s->anc)
		return cpb_nomem(err);
	s->anc[slot / 64] |= 1ull << (slot % 64);
	b->stack[sp++] = slot;
	while (sp) {
		uint32_t c = b->stack[--sp];

		for (k = g->parent_off[c]; k < parent_end(b, c); k++) {
			int32_t p = g->parents[k];

			if (p == CP_NOT_CANDIDATE || (s->anc[p / 64] >> (p % 64) & 1))
				continue;
			s->anc[p / 64] |= 1ull << (p % 64);
			b->stack[sp++] = (uint32_t)p;
		}
	}
	return 0;
}

double cpb_lbeta(double x, double y)
{
	return lgamma(x) + lgamma(y) - lgamma(x + y);
}


/*
 * The three components of the prior of p, as (weight, a, b): the flaky
 * Beta(prior_a, prior_b) takes what the reliable and rare weights leave.
 */
static void components(const struct cp_bayes_config *cf, double w[PMIX_K],
		       double a[PMIX_K], double bb[PMIX_K])
{
	w[1] = cf->prior_reliable > 0 ? cf->prior_reliable : 0;
	w[2] = cf->prior_rare > 0 ? cf->prior_rare : 0;
	w[0] = 1 - w[1] - w[2];
	a[0] = cf->prior_a;
	bb[0] = cf->prior_b;
	a[1] = cf->reliable_a;
	bb[1] = cf->reliable_b;
	a[2] = cf->rare_a;
	bb[2] = cf->rare_b;
}

void cpb_pmix_eval(const struct cp_bayes_config *cf, double tin, double cin,
		   struct pmix *m)
{
	double w[PMIX_K], a[PMIX_K], bb[PMIX_K], l[PMIX_K], mx = -INFINITY, sum = 0;
	int k;

	components(cf, w, a, bb);
	for (k = 0; k < PMIX_K; k++) {
		m->x[k] = a[k] + tin;
		m->y[k] = bb[k] + cin;
		l[k] = w[k] > 0 ? log(w[k]) + cpb_lbeta(m->x[k], m->y[k]) - cpb_lbeta(a[k], bb[k])
				: -INFINITY;
		if (l[k] > mx)
			mx = l[k];
	}
	for (k = 0; k < PMIX_K; k++)
		sum += w[k] > 0 ? exp(l[k] - mx) : 0;
	m->logl = mx + log(sum);
	for (k = 0; k < PMIX_K; k++)
		m->r[k] = w[k] > 0 ? exp(l[k] - m->logl) : 0;
}

/* Posterior mean of p. */
double cpb_pmix_mean(const struct pmix *m)
{
	double mean = 0;
	int k;

	for (k = 0; k < PMIX_K; k++)
		mean += m->r[k] * m->x[k] / (m->x[k] + m->y[k]);
	return mean;
}

/* Continued fraction of the regularized incomplete beta (Lentz). */
static double betacf(double a, double b, double x)
{
	double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap, h;
	int m;

	if (fabs(d) < 1e-300)
		d = 1e-300;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, aa = m * (b - m) * x / ((qam + m2) * (a + m2)), del;

		d = 1 + aa * d;
		if (fabs(d) < 1e-300)
			d = 1e-300;
		c = 1 + aa / c;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (fabs(d) < 1e-300)
			d = 1e-300;
		c = 1 + aa / c;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-12)
			break;
	}
	return h;
}

/* P(p <= x) under Beta(a, b). */
double cpb_beta_cdf(double a, double b, double x)
{
	double lf;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	lf = a * log(x) + b * log1p(-x) - cpb_lbeta(a, b);
	if (x < (a + 1) / (a + b + 2))
		return exp(lf) * betacf(a, b, x) / a;
	return 1 - exp(lf) * betacf(b, a, 1 - x) / b;
}

/* The q-quantile of p under the mixture posterior (bisection). */
double cpb_pmix_quantile(const struct pmix *m, double q)
{
	double lo = 0, hi = 1;
	int i;

	for (i = 0; i < 50; i++) {
		double mid = (lo + hi) / 2, c = 0;
		int k;

		for (k = 0; k < PMIX_K; k++)
			if (m->r[k] > 0)
				c += m->r[k] * cpb_beta_cdf(m->x[k], m->y[k], mid);
		if (c < q)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

static int cmp_sigslot(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] > y[1]) - (x[1] < y[1]);
}

/* pen[h] += 1 for h splitting a group of equal signatures. */
static int signature_penalties(struct cp_bayes *b, struct cp_error *err)
{
	uint64_t (*list)[2] = NULL;
	unsigned *cnt = NULL;
	uint32_t i, m = 0, h, j, k;
	int ret = 0;

	memset(b->pen, 0, b->n * sizeof(*b->pen));
	for (i = 0; i < b->nslots; i++)
		m += b->slots[i].has_sig;
	if (m < 2)
		return 0;
	list = malloc(m * sizeof(*list));
	cnt = malloc(b->n * sizeof(*cnt));
	if (!list || !cnt) {
		ret = cpb_nomem(err);
		goto out;
	}
	for (i = 0, m = 0; i < b->nslots; i++)
		if (b->slots[i].has_sig) {
			list[m][0] = b->slots[i].sig;
			list[m++][1] = i;
		}
	qsort(list, m, sizeof(*list), cmp_sigslot);
	for (i = 0; i < m; i = j) {
		for (j = i + 1; j < m && list[j][0] == list[i][0]; j++)
			;
		if (j - i < 2)
			continue;
		memset(cnt, 0, b->n * sizeof(*cnt));
		for (k = i; k < j; k++) {
			uint32_t s = (uint32_t)list[k][1];

			ret = cpb_ensure_anc(b, s, err);
			if (ret)
				goto out;
			if (s >= b->n)
				continue;
			for (h = 0; h < b->n; h++)
				cnt[h] += contains(b, s, h);
		}
		for (h = 0; h < b->n; h++)
			if (cnt[h] && cnt[h] < j - i)
				b->pen[h]++;
	}
out:
	free(list);
	free(cnt);
	return ret;
}

/*
 * out[c] = the sum of w over the candidates c contains (itself and its
 * ancestors in the range): the posterior mass under c when w is the
 * posterior, or a cell's mass for choice.c.  Parents first (b->topo); a
 * merge adds its ancestors by a walk, as git counts them.
 */
void cpb_contained_mass(struct cp_bayes *b, const double *w, double *out)
{
	const struct cp_graph *g = b->g;
	uint32_t i, k;

	for (i = 0; i < b->n; i++) {
		uint32_t c = b->topo[i], np = 0, sp = 0;
		int32_t only = -1;
		double sum;

		for (k = g->parent_off[c]; k < parent_end(b, c); k++)
			if (g->parents[k] != CP_NOT_CANDIDATE) {
				np++;
				only = g->parents[k];
			}
		if (np <= 1) {
			out[c] = w[c] + (np ? out[only] : 0);
			continue;
		}
		if (++b->epoch == 0) {
			memset(b->stamp, 0, b->n * sizeof(*b->stamp));
			b->epoch = 1;
		}
		sum = 0;
		b->stamp[c] = b->epoch;
		b->stack[sp++] = c;
		while (sp) {
			uint32_t x = b->stack[--sp];

			sum += w[x];
			for (k = g->parent_off[x]; k < parent_end(b, x); k++) {
				int32_t p = g->parents[k];

				if (p == CP_NOT_CANDIDATE || b->stamp[p] == b->epoch)
					continue;
				b->stamp[p] = b->epoch;
				b->stack[sp++] = (uint32_t)p;
			}
		}
		out[c] = sum;
	}
}

int cpb_update(struct cp_bayes *b, struct cp_error *err)
{
	const struct cp_bayes_config *cf = &b->cfg;
	double lfp = log(cf->false_positive);
	double lnfp = log1p(-cf->false_positive), lprior, maxl, total, pbar;
	unsigned long T = 0, C = 0, S = 0;
	uint32_t i, h, wd;
	int ret;

	if (!b->dirty)
		return 0;
	memset(b->tin, 0, b->n * sizeof(*b->tin));
	memset(b->cin, 0, b->n * sizeof(*b->cin));
	for (i = 0; i < b->nslots; i++) {
		struct slot *s = &b->slots[i];

		T += s->t;
		C += s->c;
		S += s->s;
		if (i >= b->n || (!s->t && !s->c))
			continue;
		ret = cpb_ensure_anc(b, i, err);
		if (ret)
			return ret;
		for (wd = 0; wd < b->words; wd++) {
			uint64_t bits = s->anc[wd];

			while (bits) {
				h = wd * 64 + (uint32_t)__builtin_ctzll(bits);
				bits &= bits - 1;
				b->tin[h] += s->t;
				b->cin[h] += s->c;
			}
		}
	}
	ret = signature_penalties(b, err);
	if (ret)
		return ret;
	/* from here on tin and cin count the runs where h lets the target show */
	for (h = 0; h < b->n && cf->fix; h++) {
		b->tin[h] = (unsigned)T - b->tin[h];
		b->cin[h] = (unsigned)C - b->cin[h];
	}
	lprior = log((1 - cf->prior_outside) / b->n);
	maxl = -INFINITY;
	for (h = 0; h <= b->n; h++) {
		double tin = h < b->n ? b->tin[h] : cf->fix ? 0 : (double)T;
		double cin = h < b->n ? b->cin[h] : cf->fix ? 0 : (double)C;
		struct pmix m;
		double l;

		cpb_pmix_eval(cf, tin, cin, &m);
		l = (h < b->n ? lprior : log(cf->prior_outside)) + m.logl +
		    ((double)T - tin) * lfp + ((double)C - cin) * lnfp +
		    (h < b->n ? b->pen[h] * lfp : 0);
		b->w[h] = l;
		b->phat[h] = cpb_pmix_mean(&m);
		if (l > maxl)
			maxl = l;
	}
	total = 0;
	for (h = 0; h <= b->n; h++) {
		b->w[h] = exp(b->w[h] - maxl);
		total += b->w[h];
	}
	pbar = 0;
	for (h = 0; h <= b->n; h++) {
		b->w[h] /= total;
		pbar += b->w[h] * b->phat[h];
	}
	b->pbar = pbar;
	b->silent = (S + 0.5) / ((double)(T + C + S) + 1.0);
	cpb_contained_mass(b, b->w, b->mass);
	b->dirty = 0;
	return 0;
}

/* Posterior that a run of slot can show the target (shows()). */
