/*
 * The engine's next action (bayes.h): expected information per second of
 * a run or a build, git's choice among builds, confirmation once one
 * hypothesis leads.
 */
#include "bisect/bayes_internal.h"

#include "bisect/gitstep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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


int cp_bayes_untestable(const struct cp_bayes *b, uint32_t slot)
{
	return slot < b->nslots && untestable(&b->slots[slot]);
}

static uint32_t popcount_slot(const struct cp_bayes *b, uint32_t slot)
{
	uint32_t wd, c = 0;

	for (wd = 0; wd < b->words; wd++)
		c += (uint32_t)__builtin_popcountll(b->slots[slot].anc[wd]);
	return c;
}

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
		return cpb_nomem(err);
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

			if (cpb_ensure_anc(b, i, err)) {
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

void cpb_best_two(const struct cp_bayes *b, int64_t *best, double *bp,
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

	*ret = cpb_ensure_anc(b, slot, err);
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

	*ret = cpb_ensure_anc(b, slot, err);
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
	ret = cpb_update(b, err);
	if (ret)
		return ret;
	cpb_best_two(b, &best, &bp, &second, &sp);
	if (bp >= cf->confidence) {
		if (best == CP_BAYES_OUTSIDE) {
			out->kind = CP_BAYES_DONE;
			out->reason = CP_BAYES_CONFIDENT;
			return 0;
		}
		memset(&sum, 0, sizeof(sum));
		ret = cpb_verify(b, (uint32_t)best, &sum, out, err);
		if (ret)
			return ret;
		if (out->kind == CP_BAYES_DONE) {
			int64_t p = cpb_unbuilt_first_parent(b, (uint32_t)best);

			if (p >= 0 && !(cf->max_builds && b->builds >= cf->max_builds)) {
				cpb_suggest(out, CP_BAYES_BUILD, (uint32_t)p);
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


/*
 * ---- Choices beside actions in flight (plan.c) ----
 *
 * With b build slots, several commits are built at once.  The next one is
 * valued as if the outcomes of the commits being built (or run) were
 * already known: the hypotheses fall into cells by which of those commits
 * would show the target under them, and a candidate's value is the
 * information of its own runs within each cell, weighted by the cell's
 * mass (the conditional information, I(B; H | pending)).  With a
 * deterministic test and the middle of a linear range pending, that is a
 * quarter point, worth half a bit; a commit next to the one pending is
 * worth nearly nothing.
 */
#define PEND_MAX 8

static int in_list(const uint32_t *list, size_t n, uint32_t slot)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] == slot)
			return 1;
	return 0;
}

double cpb_build_value_max(struct cp_bayes *b)
{
	struct infotab many;

	infotab_init(&many, b, b->cfg.max_runs_per_build);
	return info(&many, 0.5) * (1 - b->silent);
}

int cpb_next_build(struct cp_bayes *b, const uint32_t *pending, size_t np,
		   struct cp_bayes_action *out, struct cp_error *err)
{
	const struct cp_bayes_config *cf = &b->cfg;
	double *cellw = NULL, *wc = NULL, *mc = NULL, *val = NULL, best = 0;
	uint16_t *mask = NULL;
	struct infotab many;
	uint32_t h, s, c, ncells;
	int64_t pick = -1;
	size_t i, nall = np;
	int ret;

	memset(out, 0, sizeof(*out));
	out->kind = CP_BAYES_DONE;
	out->reason = CP_BAYES_STUCK;
	ret = cpb_update(b, err);
	if (ret)
		return ret;
	if (np > PEND_MAX)
		np = PEND_MAX;	/* conditioned on the first ones only, all excluded */
	for (i = 0; i < np; i++) {
		if (pending[i] >= b->nslots)
			return cp_error_set(err, CP_ERR_USAGE, "no slot %u", pending[i]);
		ret = cpb_ensure_anc(b, pending[i], err);
		if (ret)
			return ret;
	}
	ncells = 1u << np;
	cellw = calloc(ncells, sizeof(*cellw));
	mask = malloc((b->n + 1) * sizeof(*mask));
	wc = malloc(b->n * sizeof(*wc));
	mc = malloc(b->n * sizeof(*mc));
	val = calloc(b->nslots, sizeof(*val));
	if (!cellw || !mask || !wc || !mc || !val) {
		ret = cpb_nomem(err);
		goto out;
	}
	for (h = 0; h <= b->n; h++) {
		uint16_t m = 0;

		for (i = 0; i < np; i++)
			if (shows(b, pending[i], h))
				m |= (uint16_t)(1u << i);
		mask[h] = m;
		cellw[m] += b->w[h];
	}
	infotab_init(&many, b, cf->max_runs_per_build);
	for (c = 0; c < ncells; c++) {
		double wcand;

		if (cellw[c] <= 1e-12)
			continue;
		for (h = 0; h < b->n; h++)
			wc[h] = mask[h] == c ? b->w[h] : 0;
		cpb_contained_mass(b, wc, mc);
		wcand = cellw[c] - (mask[b->n] == c ? b->w[b->n] : 0);
		for (s = 0; s < b->nslots; s++) {
			double in, m;

			if (b->slots[s].build || in_list(pending, nall, s))
				continue;
			in = s < b->n ? mc[s] : 0;
			m = cf->fix ? wcand - in : in + (mask[b->n] == c ? b->w[b->n] : 0);
			val[s] += cellw[c] * info(&many, m / cellw[c]);
		}
	}
	for (s = 0; s < b->nslots; s++)
		if (!b->slots[s].build && !in_list(pending, nall, s) && val[s] > best) {
			best = val[s];
			pick = s;
		}
	if (pick >= 0 && best > 1e-4) {
		out->kind = CP_BAYES_BUILD;
		out->slot = (uint32_t)pick;
		out->gain = best * (1 - b->silent);
	}
out:
	free(cellw);
	free(mask);
	free(wc);
	free(mc);
	free(val);
	return ret;
}

int cpb_next_run(struct cp_bayes *b, const uint32_t *busy, size_t nbusy,
		 struct cp_bayes_action *out, struct cp_error *err)
{
	int64_t best, second, pick = -1;
	double bp, sp, top = 0;
	uint32_t i;
	int ret, confirm;

	memset(out, 0, sizeof(*out));
	out->kind = CP_BAYES_DONE;
	out->reason = CP_BAYES_STUCK;
	ret = cpb_update(b, err);
	if (ret)
		return ret;
	cpb_best_two(b, &best, &bp, &second, &sp);
	confirm = best != CP_BAYES_OUTSIDE && bp >= CONFIRM_FROM;
	for (i = 0; i < b->nslots; i++) {
		const struct slot *s = &b->slots[i];
		double gain;

		if (!runnable(s) || in_list(busy, nbusy, i))
			continue;
		gain = confirm ? confirm_gain(b, i, (uint32_t)best, err, &ret) / M_LN2 :
				 run_info(b, i, err, &ret);
		if (ret)
			return ret;
		gain *= 1 - slot_silent(b, i);
		if (gain > top) {
			top = gain;
			pick = i;
		}
	}
	if (pick >= 0 && top > 1e-4) {
		out->kind = CP_BAYES_RUN;
		out->slot = (uint32_t)pick;
		out->gain = top;
		out->verify = confirm;
	}
	return 0;
}
