/*
 * The Bayesian bisection engine (bayes.h).
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
#include "bisect/bayes.h"

#include "bisect/gitstep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	unsigned t, c, s;	/* target, clean, silent runs */
	int build;		/* 0 not built, 1 built, -1 build failed */
	int has_sig;
	uint64_t sig;		/* FNV-1a of the signature */
	uint64_t *anc;		/* candidates it contains (candidate slots); NULL: none yet */
};

struct oidslot {
	struct cp_oid id;
	uint32_t slot;
};

struct cp_bayes {
	const struct cp_graph *g;
	struct cp_bayes_config cfg;
	uint32_t n, ngoods, nslots;
	const struct cp_oid *goods;
	struct slot *slots;
	struct oidslot *map;	/* sorted by id */
	uint32_t *topo;		/* candidates, parents first */
	uint32_t words;		/* bitset words */
	/* scratch and posterior */
	double *w;		/* n + 1: candidates, then "not in range" */
	double *mass;		/* n: posterior mass of each candidate's ancestors */
	double *phat;		/* n + 1: E[p | h] */
	unsigned *tin, *cin, *pen;
	uint32_t *stamp, *stack;
	uint32_t epoch;
	double pbar;		/* posterior mean of the chance of reproducing */
	double silent;		/* overall share of silent runs */
	unsigned builds, runs;
	int64_t current;	/* slot built last (one_worktree) */
	int dirty;
};

static int nomem(struct cp_error *err)
{
	return cp_error_set(err, CP_ERR_NOMEM, "out of memory in the Bayesian engine");
}

void cp_bayes_config_init(struct cp_bayes_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->confidence = 0.99;
	cfg->false_positive = 0.002;
	cfg->prior_outside = 0;	/* 0.01 / (candidates + 1) */
	cfg->prior_a = 1.0;
	cfg->prior_b = 3.0;	/* skeptical: a few lucky crashes do not make p high */
	cfg->build_cost = 600;
	cfg->run_cost = 60;
	cfg->max_runs_per_build = 10;
	cfg->prior_reliable = 0.1;
	cfg->reliable_a = 8.0;
	cfg->reliable_b = 0.5;
}

/* Candidate parent k of i (k-th entry), honouring first-parent mode. */
static inline uint32_t parent_end(const struct cp_bayes *b, uint32_t i)
{
	const struct cp_graph *g = b->g;

	if (b->cfg.first_parent && g->parent_off[i + 1] > g->parent_off[i])
		return g->parent_off[i] + 1;
	return g->parent_off[i + 1];
}

static int cmp_oidslot(const void *a, const void *b)
{
	return cp_oid_cmp(&((const struct oidslot *)a)->id, &((const struct oidslot *)b)->id);
}

/* Parents before children: iterative post-order over parent edges. */
static int topo_sort(struct cp_bayes *b, struct cp_error *err)
{
	const struct cp_graph *g = b->g;
	uint32_t n = b->n, i, out = 0, sp;
	uint32_t *pos = calloc(n, sizeof(*pos));
	unsigned char *state = calloc(n, 1);	/* 0 new, 1 open, 2 done */
	int ret = 0;

	if (!pos || !state) {
		ret = nomem(err);
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (state[i])
			continue;
		sp = 0;
		b->stack[sp++] = i;
		state[i] = 1;
		pos[i] = g->parent_off[i];
		while (sp) {
			uint32_t c = b->stack[sp - 1];

			if (pos[c] < parent_end(b, c)) {
				int32_t p = g->parents[pos[c]++];

				if (p != CP_NOT_CANDIDATE && !state[p]) {
					state[p] = 1;
					pos[p] = g->parent_off[p];
					b->stack[sp++] = (uint32_t)p;
				}
				continue;
			}
			state[c] = 2;
			b->topo[out++] = c;
			sp--;
		}
	}
done:
	free(pos);
	free(state);
	return ret;
}

int cp_bayes_new(struct cp_bayes **out, const struct cp_graph *graph,
		 const struct cp_oid *goods, size_t ngoods,
		 const struct cp_bayes_config *cfg, struct cp_error *err)
{
	struct cp_bayes *b;
	uint32_t i, n = graph->n;
	int ret;

	*out = NULL;
	if (n == 0)
		return cp_error_set(err, CP_ERR_RANGE, "no candidates: nothing to bisect");
	if (ngoods > UINT32_MAX - n)
		return cp_error_set(err, CP_ERR_USAGE, "too many good commits");
	b = calloc(1, sizeof(*b));
	if (!b)
		return nomem(err);
	b->g = graph;
	if (cfg)
		b->cfg = *cfg;
	else
		cp_bayes_config_init(&b->cfg);
	if (!(b->cfg.confidence > 0 && b->cfg.confidence < 1))
		b->cfg.confidence = 0.99;
	if (!(b->cfg.false_positive > 0 && b->cfg.false_positive < 0.5))
		b->cfg.false_positive = 0.002;
	if (!(b->cfg.prior_outside > 0 && b->cfg.prior_outside < 1))
		b->cfg.prior_outside = 0.01 / (n + 1.0);
	if (!(b->cfg.prior_a > 0))
		b->cfg.prior_a = 1;
	if (!(b->cfg.prior_b > 0))
		b->cfg.prior_b = 3;
	if (b->cfg.prior_reliable < 0)
		b->cfg.prior_reliable = 0;
	else if (!(b->cfg.prior_reliable > 0))
		b->cfg.prior_reliable = 0.1;
	else if (b->cfg.prior_reliable > 0.999)
		b->cfg.prior_reliable = 0.999;
	if (!(b->cfg.reliable_a > 0))
		b->cfg.reliable_a = 8;
	if (!(b->cfg.reliable_b > 0))
		b->cfg.reliable_b = 0.5;
	if (!(b->cfg.build_cost > 0))
		b->cfg.build_cost = 600;
	if (!(b->cfg.run_cost > 0))
		b->cfg.run_cost = 60;
	if (!b->cfg.max_runs_per_build)
		b->cfg.max_runs_per_build = 10;
	if (b->cfg.max_runs_per_build > 64)
		b->cfg.max_runs_per_build = 64;
	b->n = n;
	b->ngoods = (uint32_t)ngoods;
	b->nslots = n + (uint32_t)ngoods;
	b->goods = goods;
	b->words = (n + 63) / 64;
	b->slots = calloc(b->nslots, sizeof(*b->slots));
	b->map = malloc(b->nslots * sizeof(*b->map));
	b->topo = malloc(n * sizeof(*b->topo));
	b->w = malloc((n + 1) * sizeof(*b->w));
	b->phat = malloc((n + 1) * sizeof(*b->phat));
	b->mass = malloc(n * sizeof(*b->mass));
	b->tin = malloc(n * sizeof(*b->tin));
	b->cin = malloc(n * sizeof(*b->cin));
	b->pen = malloc(n * sizeof(*b->pen));
	b->stamp = calloc(n, sizeof(*b->stamp));
	b->stack = malloc(n * sizeof(*b->stack));
	if (!b->slots || !b->map || !b->topo || !b->w || !b->phat || !b->mass ||
	    !b->tin || !b->cin || !b->pen || !b->stamp || !b->stack) {
		cp_bayes_free(b);
		return nomem(err);
	}
	for (i = 0; i < b->nslots; i++) {
		b->map[i].id = i < n ? graph->oids[i] : goods[i - n];
		b->map[i].slot = i;
	}
	qsort(b->map, b->nslots, sizeof(*b->map), cmp_oidslot);
	ret = topo_sort(b, err);
	if (ret) {
		cp_bayes_free(b);
		return ret;
	}
	b->current = -1;
	b->dirty = 1;
	*out = b;
	return 0;
}

void cp_bayes_free(struct cp_bayes *b)
{
	uint32_t i;

	if (!b)
		return;
	for (i = 0; b->slots && i < b->nslots; i++)
		free(b->slots[i].anc);
	free(b->slots);
	free(b->map);
	free(b->topo);
	free(b->w);
	free(b->phat);
	free(b->mass);
	free(b->tin);
	free(b->cin);
	free(b->pen);
	free(b->stamp);
	free(b->stack);
	free(b);
}

uint32_t cp_bayes_nslots(const struct cp_bayes *b)
{
	return b->nslots;
}

int64_t cp_bayes_slot_of(const struct cp_bayes *b, const struct cp_oid *id)
{
	size_t lo = 0, hi = b->nslots;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = cp_oid_cmp(&b->map[mid].id, id);

		if (!c) {
			/* the first slot for this id (a good may repeat a candidate) */
			while (mid > 0 && cp_oid_equal(&b->map[mid - 1].id, id))
				mid--;
			return b->map[mid].slot;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const struct cp_oid *cp_bayes_slot_oid(const struct cp_bayes *b, uint32_t slot)
{
	if (slot >= b->nslots)
		return NULL;
	return slot < b->n ? &b->g->oids[slot] : &b->goods[slot - b->n];
}

void cp_bayes_set_costs(struct cp_bayes *b, double build_s, double run_s)
{
	if (build_s > 0)
		b->cfg.build_cost = build_s;
	if (run_s > 0)
		b->cfg.run_cost = run_s;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

int cp_bayes_add_build(struct cp_bayes *b, uint32_t slot, int ok,
		       const char *signature, struct cp_error *err)
{
	struct slot *s;

	if (slot >= b->nslots)
		return cp_error_set(err, CP_ERR_USAGE, "no slot %u", slot);
	s = &b->slots[slot];
	if (!s->build)
		b->builds++;
	s->build = ok ? 1 : -1;
	b->current = ok ? (int64_t)slot : -1;
	s->has_sig = ok && signature && *signature;
	s->sig = s->has_sig ? fnv1a(signature) : 0;
	b->dirty = 1;
	return 0;
}

int cp_bayes_add_run(struct cp_bayes *b, uint32_t slot, enum cp_bayes_outcome outcome,
		     unsigned count, struct cp_error *err)
{
	struct slot *s;

	if (slot >= b->nslots)
		return cp_error_set(err, CP_ERR_USAGE, "no slot %u", slot);
	s = &b->slots[slot];
	if (s->build < 0)
		return cp_error_set(err, CP_ERR_USAGE, "slot %u failed to build", slot);
	if (!s->build) {	/* runs imply a build (e.g. the start commit) */
		s->build = 1;
		b->builds++;
	}
	switch (outcome) {
	case CP_BAYES_TARGET: s->t += count; break;
	case CP_BAYES_CLEAN: s->c += count; break;
	case CP_BAYES_SILENT: s->s += count; break;
	default:
		return cp_error_set(err, CP_ERR_USAGE, "unknown outcome %d", (int)outcome);
	}
	b->runs += count;
	b->dirty = 1;
	return 0;
}

/* The candidates slot contains, as a bitset (NULL for a good: none). */
static int ensure_anc(struct cp_bayes *b, uint32_t slot, struct cp_error *err)
{
	const struct cp_graph *g = b->g;
	struct slot *s = &b->slots[slot];
	uint32_t sp = 0, k;

	if (slot >= b->n || s->anc)
		return 0;
	s->anc = calloc(b->words, sizeof(uint64_t));
	if (!s->anc)
		return nomem(err);
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

static inline int contains(const struct cp_bayes *b, uint32_t slot, uint32_t h)
{
	const uint64_t *a = b->slots[slot].anc;

	return slot < b->n && a && (a[h / 64] >> (h % 64) & 1);
}

/*
 * Can a run of slot show the target under hypothesis h (b->n: "not in
 * range")?  Cause: where h is contained.  Fix: where it is not.
 */
static inline int shows(const struct cp_bayes *b, uint32_t slot, uint32_t h)
{
	if (h == b->n)
		return !b->cfg.fix;
	return !!contains(b, slot, h) != !!b->cfg.fix;
}

static double lbeta(double x, double y)
{
	return lgamma(x) + lgamma(y) - lgamma(x + y);
}

/*
 * The prior of the chance of reproducing p: component 0 is the flaky
 * Beta(prior_a, prior_b), component 1 the reliable Beta(reliable_a,
 * reliable_b).  For tin target and cin clean runs: the log marginal
 * likelihood (p integrated out), the posterior component weights r[2] and
 * the component parameters (x[k], y[k]: Beta(x, y) posteriors).
 */
struct pmix {
	double logl, r[2], x[2], y[2];
};

static void pmix_eval(const struct cp_bayes_config *cf, double tin, double cin,
		      struct pmix *m)
{
	double w1 = cf->prior_reliable, l0, l1, mx;

	m->x[0] = cf->prior_a + tin;
	m->y[0] = cf->prior_b + cin;
	m->x[1] = cf->reliable_a + tin;
	m->y[1] = cf->reliable_b + cin;
	l0 = log1p(-w1) + lbeta(m->x[0], m->y[0]) - lbeta(cf->prior_a, cf->prior_b);
	if (w1 <= 0) {
		m->logl = l0;
		m->r[0] = 1;
		m->r[1] = 0;
		return;
	}
	l1 = log(w1) + lbeta(m->x[1], m->y[1]) - lbeta(cf->reliable_a, cf->reliable_b);
	mx = l0 > l1 ? l0 : l1;
	m->logl = mx + log(exp(l0 - mx) + exp(l1 - mx));
	m->r[0] = exp(l0 - m->logl);
	m->r[1] = exp(l1 - m->logl);
}

/* Posterior mean of p. */
static double pmix_mean(const struct pmix *m)
{
	return m->r[0] * m->x[0] / (m->x[0] + m->y[0]) +
	       m->r[1] * m->x[1] / (m->x[1] + m->y[1]);
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
static double beta_cdf(double a, double b, double x)
{
	double lf;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	lf = a * log(x) + b * log1p(-x) - lbeta(a, b);
	if (x < (a + 1) / (a + b + 2))
		return exp(lf) * betacf(a, b, x) / a;
	return 1 - exp(lf) * betacf(b, a, 1 - x) / b;
}

/* The q-quantile of p under the mixture posterior (bisection). */
static double pmix_quantile(const struct pmix *m, double q)
{
	double lo = 0, hi = 1;
	int i;

	for (i = 0; i < 50; i++) {
		double mid = (lo + hi) / 2, c = 0;
		int k;

		for (k = 0; k < 2; k++)
			if (m->r[k] > 0)
				c += m->r[k] * beta_cdf(m->x[k], m->y[k], mid);
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
		ret = nomem(err);
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

			ret = ensure_anc(b, s, err);
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

/* mass[c] = posterior of the candidates c contains (without "not in range"). */
static void contained_mass(struct cp_bayes *b)
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
		if (np == 0) {
			b->mass[c] = b->w[c];
			continue;
		}
		if (np == 1) {
			b->mass[c] = b->w[c] + b->mass[only];
			continue;
		}
		/* a merge: walk its ancestors once */
		if (++b->epoch == 0) {
			memset(b->stamp, 0, b->n * sizeof(*b->stamp));
			b->epoch = 1;
		}
		sum = 0;
		b->stamp[c] = b->epoch;
		b->stack[sp++] = c;
		while (sp) {
			uint32_t x = b->stack[--sp];

			sum += b->w[x];
			for (k = g->parent_off[x]; k < parent_end(b, x); k++) {
				int32_t p = g->parents[k];

				if (p == CP_NOT_CANDIDATE || b->stamp[p] == b->epoch)
					continue;
				b->stamp[p] = b->epoch;
				b->stack[sp++] = (uint32_t)p;
			}
		}
		b->mass[c] = sum;
	}
}

static int update(struct cp_bayes *b, struct cp_error *err)
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
		ret = ensure_anc(b, i, err);
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

		pmix_eval(cf, tin, cin, &m);
		l = (h < b->n ? lprior : log(cf->prior_outside)) + m.logl +
		    ((double)T - tin) * lfp + ((double)C - cin) * lnfp +
		    (h < b->n ? b->pen[h] * lfp : 0);
		b->w[h] = l;
		b->phat[h] = pmix_mean(&m);
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
	contained_mass(b);
	b->dirty = 0;
	return 0;
}

/* Posterior that a run of slot can show the target (shows()). */
static double slot_mass(const struct cp_bayes *b, uint32_t slot)
{
	double in = b->w[b->n] + (slot < b->n ? b->mass[slot] : 0);

	return b->cfg.fix ? 1 - in : in;
}

static double ent(double x)
{
	return x > 0 ? -x * log2(x) : 0;
}

/* Binomial pmf of k runs with chance p, and its entropy. */
static double binom(unsigned k, double p, double *pmf)
{
	double h = 0;
	unsigned t;

	for (t = 0; t <= k; t++) {
		double l = lgamma(k + 1.0) - lgamma(t + 1.0) - lgamma(k - t + 1.0);

		l += (t ? t * log(p) : 0) + (k - t ? (k - t) * log1p(-p) : 0);
		pmf[t] = exp(l);
		h += ent(pmf[t]);
	}
	return h;
}

struct infotab {
	unsigned k;
	double in[65], out[65];
	double hin, hout;
};

static void infotab_init(struct infotab *it, const struct cp_bayes *b, unsigned k)
{
	double p = b->pbar;

	if (p > 1 - 1e-9)
		p = 1 - 1e-9;
	if (p < b->cfg.false_positive)
		p = b->cfg.false_positive;
	it->k = k;
	it->hin = binom(k, p, it->in);
	it->hout = binom(k, b->cfg.false_positive, it->out);
}

/* Expected bits about "the culprit is contained" from k runs, mass W. */
static double info(const struct infotab *it, double W)
{
	double h = 0;
	unsigned t;

	if (W <= 0 || W >= 1)
		return 0;
	for (t = 0; t <= it->k; t++)
		h += ent(W * it->in[t] + (1 - W) * it->out[t]);
	h -= W * it->hin + (1 - W) * it->hout;
	return h > 0 ? h : 0;
}

static double slot_silent(const struct cp_bayes *b, uint32_t slot)
{
	const struct slot *s = &b->slots[slot];
	unsigned n = s->t + s->c + s->s;

	/* shrink toward the overall share of silent runs */
	return (s->s + 2 * b->silent) / (n + 2.0);
}

/*
 * A built commit whose runs never said target or clean (the test hangs
 * there, or another crash always comes first): more runs would only repeat
 * that, so it is left alone, as a failed build is.
 */
#define SILENT_LIMIT 8

static int untestable(const struct slot *s)
{
	return s->s >= SILENT_LIMIT && !s->t && !s->c;
}

/* Built, and worth another run. */
static int runnable(const struct slot *s)
{
	return s->build > 0 && !untestable(s);
}

int cp_bayes_untestable(const struct cp_bayes *b, uint32_t slot)
{
	return slot < b->nslots && untestable(&b->slots[slot]);
}

static unsigned needed_clean(const struct cp_bayes *b, double p)
{
	double r;

	if (p >= 1 - 1e-12)
		return 1;
	if (p <= 1e-3)
		return 200;
	r = ceil(log(1 - b->cfg.confidence) / log1p(-p));
	return r < 1 ? 1 : r > 200 ? 200 : (unsigned)r;
}

/*
 * The chance of reproducing to plan verification with: under the
 * hypothesis that the culprit is h, the one-sided 10% Clopper-Pearson lower
 * bound of p from its target and clean runs (the 10% quantile of
 * Beta(tin, cin + 1)).  Frequentist on purpose: the posterior already
 * carries the prior (the reliable component), the parent check must hold whatever p is, so that a lucky streak
 * of target runs of a flaky reproducer does not make a few clean runs look
 * conclusive.
 */
static double p_low(const struct cp_bayes *b, uint32_t h)
{
	struct pmix m = { .r = { 1, 0 } };
	double lo;

	m.x[0] = b->tin[h] > 0 ? b->tin[h] : 0.5;
	m.y[0] = b->cin[h] + 1.0;
	lo = pmix_quantile(&m, 0.1);
	return lo < 0.02 ? 0.02 : lo;
}

static uint32_t popcount_slot(const struct cp_bayes *b, uint32_t slot)
{
	uint32_t wd, c = 0;

	for (wd = 0; wd < b->words; wd++)
		c += (uint32_t)__builtin_popcountll(b->slots[slot].anc[wd]);
	return c;
}

static void suggest(struct cp_bayes_action *act, enum cp_bayes_kind kind, uint32_t slot)
{
	act->kind = kind;
	act->slot = slot;
	act->verify = 1;
}

/*
 * Verification of fix x, the mirror of a culprit's: x itself ran clean
 * often enough for the confidence target (a commit after the fix that still
 * crashed would be the fix instead), and each parent, or a commit that
 * contains it but not x, showed the target.  A parent's parents[].clean_runs
 * counts those target runs.
 */
static int verify_fix(struct cp_bayes *b, uint32_t x, struct cp_bayes_summary *sum,
		      struct cp_bayes_action *act, struct cp_error *err)
{
	const struct cp_graph *g = b->g;
	const struct slot *xs = &b->slots[x];
	unsigned need = needed_clean(b, p_low(b, x)), good_target = 0;
	uint32_t k, i;
	int ret, all = 1;

	sum->needed_clean = need;
	sum->culprit_target_runs = xs->t;
	sum->culprit_clean_runs = xs->c;
	sum->nparents = 0;
	if (xs->c < need || xs->t) {
		all = 0;
		if (act && act->kind == CP_BAYES_DONE && !xs->t) {
			if (xs->build == 0)
				suggest(act, CP_BAYES_BUILD, x);
			else if (runnable(xs) && xs->t + xs->c + xs->s < 3 * need + 10)
				suggest(act, CP_BAYES_RUN, x);
		}
	}
	for (i = b->n; i < b->nslots; i++)
		good_target += b->slots[i].t;
	ret = ensure_anc(b, x, err);
	for (k = g->parent_off[x]; k < parent_end(b, x) && !ret; k++) {
		struct cp_bayes_parent *pp = sum->nparents < CP_BAYES_MAX_PARENTS ?
			&sum->parents[sum->nparents++] : NULL;
		int32_t p = g->parents[k];
		unsigned target = 0;
		int64_t best_run = -1;

		if (p == CP_NOT_CANDIDATE) {
			/* the start commit's ancestor: the start showed the target */
			if (pp) {
				pp->slot = CP_BAYES_OUTSIDE;
				pp->clean_runs = good_target;
				pp->ok = good_target > 0;
			}
			all &= good_target > 0;
			continue;
		}
		for (i = 0; i < b->n && !ret; i++) {
			const struct slot *s = &b->slots[i];

			if (!runnable(s) && !s->t)
				continue;
			ret = ensure_anc(b, i, err);
			if (ret || !contains(b, i, (uint32_t)p) || contains(b, i, x))
				continue;
			target += s->t;
			if (runnable(s) && (best_run < 0 || i == (uint32_t)p))
				best_run = i;
		}
		if (ret)
			break;
		if (pp) {
			pp->slot = p;
			pp->clean_runs = target;
			pp->target_runs = b->slots[p].t;
			pp->ok = target > 0;
		}
		if (target)
			continue;
		all = 0;
		if (!act || act->kind != CP_BAYES_DONE)
			continue;
		if (best_run >= 0)
			suggest(act, CP_BAYES_RUN, (uint32_t)best_run);
		else if (b->slots[p].build == 0)
			suggest(act, CP_BAYES_BUILD, (uint32_t)p);
	}
	sum->verified = all && !ret;
	return ret;
}

/*
 * Verification of culprit x: fills the parents and *verified; *act (when
 * not NULL) receives the action that would help most, kind DONE if none.
 */
static int verify(struct cp_bayes *b, uint32_t x, struct cp_bayes_summary *sum,
		  struct cp_bayes_action *act, struct cp_error *err)
{
	const struct cp_graph *g = b->g;
	const struct slot *xs = &b->slots[x];
	unsigned need = needed_clean(b, b->phat[x]), good_clean = 0;

	sum->needed_clean = 0;
	uint32_t k, i;
	int ret, all = 1;

	sum->culprit_target_runs = xs->t;
	sum->culprit_clean_runs = xs->c;
	sum->nparents = 0;
	if (act) {
		memset(act, 0, sizeof(*act));
		act->kind = CP_BAYES_DONE;
		act->reason = CP_BAYES_CONFIDENT;
	}
	if (b->cfg.fix)
		return verify_fix(b, x, sum, act, err);
	if (!xs->t) {
		all = 0;
		if (act && xs->build == 0) {
			act->kind = CP_BAYES_BUILD;
			act->slot = x;
			act->verify = 1;
		} else if (act && runnable(xs) && xs->c + xs->s < 3 * need + 10) {
			act->kind = CP_BAYES_RUN;
			act->slot = x;
			act->verify = 1;
		}
	}
	for (i = b->n; i < b->nslots; i++)
		good_clean += b->slots[i].c;
	for (k = g->parent_off[x]; k < parent_end(b, x); k++) {
		struct cp_bayes_parent *pp = sum->nparents < CP_BAYES_MAX_PARENTS ?
			&sum->parents[sum->nparents++] : NULL;
		int32_t p = g->parents[k];
		unsigned clean = 0, best_clean = 0;
		int64_t best_run = -1;

		if (p == CP_NOT_CANDIDATE) {
			/* outside the range: a good commit's ancestor */
			if (pp) {
				pp->slot = CP_BAYES_OUTSIDE;
				pp->clean_runs = good_clean;
				pp->ok = 1;
			}
			continue;
		}
		ret = ensure_anc(b, x, err);
		for (i = 0; i < b->n && !ret; i++) {
			const struct slot *s = &b->slots[i];

			if (!runnable(s) || (!s->c && !s->t && i != (uint32_t)p))
				continue;
			ret = ensure_anc(b, i, err);
			if (ret || !contains(b, i, (uint32_t)p) || contains(b, i, x))
				continue;
			clean += s->c;
			if (best_run < 0 || i == (uint32_t)p || (best_run != p && s->c > best_clean)) {
				best_run = i;
				best_clean = s->c;
			}
		}
		if (ret)
			return ret;
		need = needed_clean(b, p_low(b, x));
		if (need > sum->needed_clean)
			sum->needed_clean = need;
		if (pp) {
			pp->slot = p;
			pp->clean_runs = clean;
			pp->target_runs = b->slots[p].t;
			pp->ok = clean >= need && !b->slots[p].t;
		}
		if (clean >= need && !b->slots[p].t)
			continue;
		all = 0;
		if (!act || act->kind != CP_BAYES_DONE || b->slots[p].t)
			continue;
		if (best_run >= 0) {
			act->kind = CP_BAYES_RUN;
			act->slot = (uint32_t)best_run;
			act->verify = 1;
		} else if (b->slots[p].build == 0) {
			act->kind = CP_BAYES_BUILD;
			act->slot = (uint32_t)p;
			act->verify = 1;
		}
	}
	sum->verified = all;
	return 0;
}

/*
 * The no-op check, as syzkaller's: a culprit with a build signature whose
 * first parent, inside the range, was never built (runs of other commits
 * covered it) gets that parent built, without runs, before the end.  An
 * equal signature then shares the two commits' evidence, and the search
 * goes on if the culprit no longer leads.  -1 when nothing is to build.
 */
static int64_t unbuilt_first_parent(const struct cp_bayes *b, uint32_t x)
{
	const struct cp_graph *g = b->g;
	int32_t p;

	if (!b->slots[x].has_sig || g->parent_off[x] == g->parent_off[x + 1])
		return -1;
	p = g->parents[g->parent_off[x]];
	if (p == CP_NOT_CANDIDATE || b->slots[p].build != 0)
		return -1;
	return p;
}

/* git's choice for the evidence read as verdicts; -1 when none. */
static int64_t git_choice(struct cp_bayes *b, struct cp_error *err)
{
	struct cp_git_state st = { 0 };
	struct cp_git_step step = { 0 };
	struct cp_oid *goods = NULL, *skips = NULL;
	size_t ng = 0, ns = 0;
	int64_t bad = -1, res = -1;
	uint32_t i, best_pop = UINT32_MAX;
	struct cp_error e2;
	int ret;

	if (!b->cfg.src)
		return -1;
	goods = malloc((b->nslots) * sizeof(*goods));
	skips = malloc((b->nslots) * sizeof(*skips));
	if (!goods || !skips) {
		free(goods);
		free(skips);
		return nomem(err);
	}
	for (i = 0; i < b->ngoods; i++)
		goods[ng++] = b->goods[i];
	for (i = 0; i < b->n; i++) {
		const struct slot *s = &b->slots[i];

		/* a fix bisection's verdicts are swapped: the target is "old" */
		if (b->cfg.fix && s->t) {
			goods[ng++] = b->g->oids[i];
		} else if (b->cfg.fix ? s->c > 0 : s->t > 0) {
			uint32_t pc;

			if (ensure_anc(b, i, err)) {
				res = CP_ERR_NOMEM;
				goto out;
			}
			pc = popcount_slot(b, i);
			if (pc < best_pop) {
				best_pop = pc;
				bad = i;
			}
		} else if (s->c) {
			goods[ng++] = b->g->oids[i];
		} else if (s->build < 0 || s->s) {
			skips[ns++] = b->g->oids[i];
		}
	}
	st.bad = b->g->oids[bad >= 0 ? (uint32_t)bad : b->g->bad];
	st.goods = goods;
	st.ngoods = ng;
	st.skips = skips;
	st.nskips = ns;
	st.first_parent = b->cfg.first_parent;
	ret = cp_git_next(b->cfg.src, &st, &step, &e2);
	if (ret == CP_ERR_NOMEM) {
		res = cp_error_set(err, CP_ERR_NOMEM, "%s", e2.msg);
		goto out;
	}
	if (!ret && (step.action == CP_GIT_TEST || step.action == CP_GIT_TEST_MERGE_BASE))
		res = cp_bayes_slot_of(b, &step.commit);
out:
	cp_git_step_free(&step);
	free(goods);
	free(skips);
	return res;
}

static void best_two(const struct cp_bayes *b, int64_t *best, double *bp,
		     int64_t *second, double *sp)
{
	uint32_t h;

	*best = CP_BAYES_OUTSIDE;
	*bp = b->w[b->n];
	*second = -2;
	*sp = -1;
	for (h = 0; h < b->n; h++) {
		if (b->w[h] > *bp) {
			*second = *best;
			*sp = *bp;
			*best = h;
			*bp = b->w[h];
		} else if (b->w[h] > *sp) {
			*second = h;
			*sp = b->w[h];
		}
	}
	if (*sp < 0)
		*sp = 0;
}

/*
 * Exact expected information (bits about the hypotheses, the chance of
 * reproducing included) of one more run of slot: the posterior entropy now
 * minus its expectation after the run.  *pt receives P(target).
 */
static double run_info(struct cp_bayes *b, uint32_t slot, struct cp_error *err, int *ret)
{
	double fp = b->cfg.false_positive, pt = 0, st = 0, sc = 0, h0 = 0;
	uint32_t h;

	*ret = ensure_anc(b, slot, err);
	if (*ret)
		return 0;
	for (h = 0; h <= b->n; h++) {
		double w = b->w[h], q;

		if (w <= 0)
			continue;
		q = shows(b, slot, h) ? b->phat[h] : fp;
		pt += w * q;
		h0 -= w * log2(w);
		if (q > 0)
			st += w * q * log2(w * q);
		if (q < 1)
			sc += w * (1 - q) * log2(w * (1 - q));
	}
	if (pt <= 0 || pt >= 1)
		return 0;
	/* H(post | o) = log2 P(o) - S_o / P(o); expectation over o */
	h = 0;
	{
		double ht = log2(pt) - st / pt, hc = log2(1 - pt) - sc / (1 - pt);
		double gain = h0 - pt * ht - (1 - pt) * hc;

		return gain > 0 ? gain : 0;
	}
}

/* Drops the bitset of a slot that has no build and no evidence. */
static void forget_anc(struct cp_bayes *b, uint32_t slot)
{
	struct slot *s = &b->slots[slot];

	if (!s->build && !s->t && !s->c && !s->s) {
		free(s->anc);
		s->anc = NULL;
	}
}

/*
 * Confirmation (Chernoff's rule for sequential tests): once a leader x
 * holds CONFIRM_FROM of the posterior, runs are valued by how much they are
 * expected to shrink the mass of the alternatives, log(R) - E[log R'],
 * expectation under x: one clean run of x's parent weighs against the parent
 * and every hypothesis below it at once, a target run of x against those
 * above it.  Entropy would also spend runs sorting the alternatives among
 * themselves, which the stopping rule does not need.  Nats.
 */
#define CONFIRM_FROM 0.5

static double confirm_gain(struct cp_bayes *b, uint32_t slot, uint32_t x,
			   struct cp_error *err, int *ret)
{
	double fp = b->cfg.false_positive, qx, rt = 0, rc = 0, r = 0, d;
	uint32_t h;

	*ret = ensure_anc(b, slot, err);
	if (*ret)
		return 0;
	qx = shows(b, slot, x) ? b->phat[x] : fp;
	for (h = 0; h <= b->n; h++) {
		double w = b->w[h], q;

		if (h == x || w <= 0)
			continue;
		q = shows(b, slot, h) ? b->phat[h] : fp;
		r += w;
		rt += w * q;
		rc += w * (1 - q);
	}
	if (r <= 0 || qx <= 0 || qx >= 1)
		return 0;
	d = log(r);
	if (rt > 0)
		d -= qx * log(rt / qx);
	if (rc > 0)
		d -= (1 - qx) * log(rc / (1 - qx));
	return d > 0 ? d : 0;
}

static int confirm_next(struct cp_bayes *b, uint32_t x, struct cp_bayes_action *out,
			struct cp_error *err)
{
	const struct cp_bayes_config *cf = &b->cfg;
	const struct cp_graph *g = b->g;
	double best_v = 0, best_g = 0;
	int64_t pick = -1;
	uint32_t i, k;
	int ret;

	for (i = 0; i < b->nslots; i++) {
		const struct slot *s = &b->slots[i];
		double cost = cf->run_cost, gain;
		int cand = runnable(s);

		if (!s->build && (cf->max_builds == 0 || b->builds < cf->max_builds)) {
			/* x and its parents are worth a build */
			if (i == x)
				cand = 1;
			for (k = g->parent_off[x]; !cand && k < parent_end(b, x); k++)
				cand = g->parents[k] == (int32_t)i;
			cost += cf->build_cost;
		} else if (s->build > 0 && cf->one_worktree && b->current != (int64_t)i) {
			cost += cf->build_cost;
		}
		if (!cand)
			continue;
		gain = confirm_gain(b, i, x, err, &ret);
		if (!s->build)
			forget_anc(b, i);
		if (ret)
			return ret;
		gain *= 1 - slot_silent(b, i);
		if (gain / cost > best_v) {
			best_v = gain / cost;
			best_g = gain;
			pick = i;
		}
	}
	memset(out, 0, sizeof(*out));
	if (pick < 0 || best_g < 1e-4)
		return 0;
	out->kind = b->slots[pick].build ? CP_BAYES_RUN : CP_BAYES_BUILD;
	out->slot = (uint32_t)pick;
	out->gain = best_g / M_LN2;
	out->verify = 1;
	return 0;
}


int cp_bayes_next(struct cp_bayes *b, struct cp_bayes_action *out, struct cp_error *err)
{
	const struct cp_bayes_config *cf = &b->cfg;
	struct infotab one, many;
	struct cp_bayes_summary sum;
	int64_t best, second, gpick;
	double bp, sp, best_run_v = 0, best_run_gain = 0, best_build_i = 0, v;
	int64_t run_slot = -1, build_slot = -1;
	uint32_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = update(b, err);
	if (ret)
		return ret;
	best_two(b, &best, &bp, &second, &sp);
	if (bp >= cf->confidence) {
		if (best == CP_BAYES_OUTSIDE) {
			out->kind = CP_BAYES_DONE;
			out->reason = CP_BAYES_CONFIDENT;
			return 0;
		}
		memset(&sum, 0, sizeof(sum));
		ret = verify(b, (uint32_t)best, &sum, out, err);
		if (ret)
			return ret;
		if (out->kind == CP_BAYES_DONE) {
			int64_t p = unbuilt_first_parent(b, (uint32_t)best);

			if (p >= 0 && !(cf->max_builds && b->builds >= cf->max_builds)) {
				suggest(out, CP_BAYES_BUILD, (uint32_t)p);
				out->noop_check = 1;
			}
			return 0;
		}
		if ((out->kind == CP_BAYES_BUILD && cf->max_builds && b->builds >= cf->max_builds) ||
		    (cf->max_runs && b->runs >= cf->max_runs)) {
			memset(out, 0, sizeof(*out));
			out->kind = CP_BAYES_DONE;
			out->reason = CP_BAYES_BUDGET;
		}
		return 0;
	}
	if (cf->max_runs && b->runs >= cf->max_runs) {
		out->kind = CP_BAYES_DONE;
		out->reason = CP_BAYES_BUDGET;
		return 0;
	}
	if (best != CP_BAYES_OUTSIDE && bp >= CONFIRM_FROM) {
		ret = confirm_next(b, (uint32_t)best, out, err);
		if (ret || out->gain > 0)
			return ret;
	}
	infotab_init(&one, b, 1);
	infotab_init(&many, b, cf->max_runs_per_build);
	for (i = 0; i < b->nslots; i++) {
		const struct slot *s = &b->slots[i];

		if (runnable(s)) {
			double cost = cf->run_cost, gain = run_info(b, i, err, &ret);

			if (ret)
				return ret;
			if (cf->one_worktree && b->current != (int64_t)i)
				cost += cf->build_cost;
			gain *= 1 - slot_silent(b, i);
			v = gain / cost;
			if (v > best_run_v) {
				best_run_v = v;
				best_run_gain = gain;
				run_slot = i;
			}
		} else if (s->build == 0) {
			v = info(&many, slot_mass(b, i));
			if (v > best_build_i) {
				best_build_i = v;
				build_slot = i;
			}
		}
	}
	if (cf->max_builds && b->builds >= cf->max_builds)
		build_slot = -1;
	if (build_slot >= 0) {
		double bv = 0, s = 1 - b->silent, exact, approx1, W;
		unsigned k;

		gpick = git_choice(b, err);
		if (gpick == CP_ERR_NOMEM)
			return CP_ERR_NOMEM;
		out->kind = CP_BAYES_BUILD;
		out->slot = (uint32_t)build_slot;
		if (gpick >= 0 && gpick < b->nslots && b->slots[gpick].build == 0 &&
		    info(&many, slot_mass(b, (uint32_t)gpick)) >= 0.9 * best_build_i) {
			out->slot = (uint32_t)gpick;
			out->git_choice = 1;
		}
		W = slot_mass(b, out->slot);
		exact = run_info(b, out->slot, err, &ret);
		forget_anc(b, out->slot);
		if (ret)
			return ret;
		approx1 = info(&one, W);
		out->gain = info(&many, W);
		/* k runs after the build: the exact first run, scaled as the model scales */
		for (k = 1; k <= cf->max_runs_per_build; k++) {
			struct infotab t;

			infotab_init(&t, b, k);
			v = s * (approx1 > 0 ? exact * info(&t, W) / approx1 : 0) /
			    (cf->build_cost + k * cf->run_cost);
			if (v > bv)
				bv = v;
		}
		if (bv > best_run_v && out->gain > 1e-4)
			return 0;
	}
	memset(out, 0, sizeof(*out));
	if (run_slot >= 0 && best_run_gain > 1e-4) {
		out->kind = CP_BAYES_RUN;
		out->slot = (uint32_t)run_slot;
		out->gain = best_run_gain;
		return 0;
	}
	out->kind = CP_BAYES_DONE;
	out->reason = (cf->max_builds && b->builds >= cf->max_builds) ? CP_BAYES_BUDGET :
		      CP_BAYES_STUCK;
	return 0;
}

double cp_bayes_posterior(struct cp_bayes *b, int64_t slot)
{
	struct cp_error err;

	if (update(b, &err))
		return -1;
	if (slot == CP_BAYES_OUTSIDE)
		return b->w[b->n];
	if (slot < 0 || slot >= b->n)
		return 0;
	return b->w[slot];
}

int cp_bayes_summarize(struct cp_bayes *b, struct cp_bayes_summary *out,
		       struct cp_error *err)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = update(b, err);
	if (ret)
		return ret;
	best_two(b, &out->best, &out->best_p, &out->runner_up, &out->runner_up_p);
	out->outside_p = b->w[b->n];
	out->builds = b->builds;
	out->runs = b->runs;
	if (out->best == CP_BAYES_OUTSIDE) {
		out->repro = b->phat[b->n];
		return 0;
	}
	out->repro = b->phat[out->best];
	ret = verify(b, (uint32_t)out->best, out, NULL, err);
	if (ret)
		return ret;
	{
		const struct cp_graph *g = b->g;
		const struct slot *xs = &b->slots[out->best];
		uint32_t k = g->parent_off[out->best];

		out->noop = -1;
		if (xs->has_sig && k < g->parent_off[out->best + 1] &&
		    g->parents[k] != CP_NOT_CANDIDATE) {
			const struct slot *ps = &b->slots[g->parents[k]];

			if (ps->has_sig)
				out->noop = ps->sig == xs->sig;
		}
	}
	return 0;
}

int cp_bayes_drive(struct cp_bayes *b, const struct cp_bayes_ops *ops,
		   struct cp_bayes_action *last, struct cp_error *err)
{
	double build_sum = 0, run_sum = 0;
	unsigned nbuild = 0, nrun = 0;
	int ret;

	for (;;) {
		struct cp_bayes_action act;

		ret = cp_bayes_next(b, &act, err);
		if (ret)
			return ret;
		if (ops->step)
			ops->step(ops->ctx, &act);
		if (act.kind == CP_BAYES_DONE) {
			if (last)
				*last = act;
			return 0;
		}
		if (act.kind == CP_BAYES_BUILD) {
			char *sig = NULL;
			double secs = 0;
			int ok = 0;

			ret = ops->build(ops->ctx, act.slot, cp_bayes_slot_oid(b, act.slot),
					 &ok, &sig, &secs, err);
			if (!ret)
				ret = cp_bayes_add_build(b, act.slot, ok, sig, err);
			free(sig);
			if (ret)
				return ret;
			build_sum += secs;
			nbuild++;
		} else {
			enum cp_bayes_outcome o = CP_BAYES_SILENT;
			double secs = 0;

			ret = ops->run(ops->ctx, act.slot, cp_bayes_slot_oid(b, act.slot), &o,
				       &secs, err);
			if (!ret)
				ret = cp_bayes_add_run(b, act.slot, o, 1, err);
			if (ret)
				return ret;
			if (b->cfg.one_worktree)
				b->current = act.slot;
			run_sum += secs;
			nrun++;
		}
		cp_bayes_set_costs(b, nbuild ? build_sum / nbuild : 0, nrun ? run_sum / nrun : 0);
	}
}
