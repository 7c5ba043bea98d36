/*
 * Verification of the leading culprit or fix (bayes.h): what it showed,
 * how many clean runs its parents need, and the no-op check.
 */
#include "bisect/bayes_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
	lo = cpb_pmix_quantile(&m, 0.1);
	return lo < 0.02 ? 0.02 : lo;
}

void cpb_suggest(struct cp_bayes_action *act, enum cp_bayes_kind kind, uint32_t slot)
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
				cpb_suggest(act, CP_BAYES_BUILD, x);
			else if (runnable(xs) && xs->t + xs->c + xs->s < 3 * need + 10)
				cpb_suggest(act, CP_BAYES_RUN, x);
		}
	}
	for (i = b->n; i < b->nslots; i++)
		good_target += b->slots[i].t;
	ret = cpb_ensure_anc(b, x, err);
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
			ret = cpb_ensure_anc(b, i, err);
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
			cpb_suggest(act, CP_BAYES_RUN, (uint32_t)best_run);
		else if (b->slots[p].build == 0)
			cpb_suggest(act, CP_BAYES_BUILD, (uint32_t)p);
	}
	sum->verified = all && !ret;
	return ret;
}

/*
 * Verification of culprit x: fills the parents and *verified; *act (when
 * not NULL) receives the action that would help most, kind DONE if none.
 */
int cpb_verify(struct cp_bayes *b, uint32_t x, struct cp_bayes_summary *sum,
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
		ret = cpb_ensure_anc(b, x, err);
		for (i = 0; i < b->n && !ret; i++) {
			const struct slot *s = &b->slots[i];

			if (!runnable(s) || (!s->c && !s->t && i != (uint32_t)p))
				continue;
			ret = cpb_ensure_anc(b, i, err);
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
int64_t cpb_unbuilt_first_parent(const struct cp_bayes *b, uint32_t x)
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
