/* Batches of builds and runs (plan.h). */
#include "bisect/plan.h"

#include "bisect/bayes_internal.h"
#include "bisect/batch.h"

#include <stdlib.h>
#include <string.h>

static unsigned count(const uint32_t *list, size_t n, uint32_t slot)
{
	unsigned c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		c += list[i] == slot;
	return c;
}

static void add(struct cp_plan *out, const struct cp_bayes_action *a, unsigned times)
{
	while (times-- && out->n < CP_PLAN_MAX)
		out->acts[out->n++] = *a;
}

int cp_plan_next(struct cp_bayes *b, const struct cp_cost_model *m,
		 const struct cp_plan_state *st, struct cp_plan *out, struct cp_error *err)
{
	unsigned k = m->test_slots ? m->test_slots : 1, nb = m->build_slots ? m->build_slots : 1;
	unsigned free_t = st->nrunning < k ? k - (unsigned)st->nrunning : 0;
	unsigned free_b = st->nbuilding < nb ? nb - (unsigned)st->nbuilding : 0;
	size_t nflight = st->nbuilding + st->nrunning, np = 0, nbusy = 0, i;
	uint32_t *pend = NULL, *busy = NULL;
	struct cp_bayes_action top, a;
	struct cp_bayes_summary sum;
	unsigned width, nplanned = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = cp_bayes_next(b, &top, err);
	if (ret)
		return ret;
	if (top.kind == CP_BAYES_DONE) {
		if (!nflight) {
			out->done = 1;
			out->last = top;
		}
		return 0;
	}
	ret = cp_bayes_summarize(b, &sum, err);
	if (ret)
		return ret;
	width = cp_batch_width(m, sum.repro, k);
	/* pending: commits being built or run (whose outcomes are awaited) */
	pend = malloc((nflight + CP_PLAN_MAX + 1) * sizeof(*pend));
	busy = malloc((st->nrunning + CP_PLAN_MAX + 1) * sizeof(*busy));
	if (!pend || !busy) {
		ret = cpb_nomem(err);
		goto out;
	}
	for (i = 0; i < st->nbuilding; i++)
		if (!count(pend, np, st->building[i]))
			pend[np++] = st->building[i];
	for (i = 0; i < st->nrunning; i++) {
		if (!count(pend, np, st->running[i]))
			pend[np++] = st->running[i];
		if (!count(busy, nbusy, st->running[i]))
			busy[nbusy++] = st->running[i];
	}
	/* the engine's own action */
	if (top.kind == CP_BAYES_RUN) {
		unsigned have = count(st->running, st->nrunning, top.slot);
		unsigned want = width > have ? width - have : 0;

		if (want > free_t)
			want = free_t;
		add(out, &top, want);
		free_t -= want;
		if (!count(busy, nbusy, top.slot))
			busy[nbusy++] = top.slot;
		if (!count(pend, np, top.slot))
			pend[np++] = top.slot;
	} else if (!count(st->building, st->nbuilding, top.slot)) {
		if (free_b) {
			add(out, &top, 1);
			nplanned++;
			free_b--;
			pend[np++] = top.slot;
		}
	}
	/* runs beside, on other built commits */
	while (free_t && top.gain > 0 && nbusy < CP_PLAN_MAX && np < CP_PLAN_MAX) {
		unsigned n;

		ret = cpb_next_run(b, busy, nbusy, &a, err);
		if (ret)
			goto out;
		if (a.kind != CP_BAYES_RUN || a.gain < CP_PLAN_RUN_SHARE * top.gain)
			break;
		n = width < free_t ? width : free_t;
		add(out, &a, n);
		free_t -= n;
		busy[nbusy++] = a.slot;
		if (!count(pend, np, a.slot))
			pend[np++] = a.slot;
	}
	/*
	 * builds beside, informative whatever the pending outcomes are; only
	 * while test slots are idle (else the new build would wait for them)
	 */
	if (!b->cfg.one_worktree && free_t) {
		double floor = CP_PLAN_BUILD_SHARE * cpb_build_value_max(b);
		/* one build slot is kept for the engine's next own build */
		unsigned keep = top.kind == CP_BAYES_BUILD ? 0 : 1;

		while (free_b > keep && np < CP_PLAN_MAX) {
			if (b->cfg.max_builds &&
			    b->builds + st->nbuilding + nplanned >= b->cfg.max_builds)
				break;
			ret = cpb_next_build(b, pend, np, &a, err);
			if (ret)
				goto out;
			if (a.kind != CP_BAYES_BUILD || a.gain < floor)
				break;
			add(out, &a, 1);
			nplanned++;
			free_b--;
			pend[np++] = a.slot;
		}
	}
	if (!out->n && !nflight)
		ret = cp_error_set(err, CP_ERR_INTERNAL, "the plan starts nothing and waits for nothing");
out:
	free(pend);
	free(busy);
	return ret;
}

static int drop(uint32_t *list, size_t *n, uint32_t slot)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (list[i] == slot) {
			list[i] = list[--*n];
			return 1;
		}
	return 0;
}

int cp_plan_drive(struct cp_bayes *b, const struct cp_plan_ops *ops,
		  const struct cp_cost_model *m, struct cp_bayes_action *last,
		  struct cp_error *err)
{
	unsigned k = m->test_slots ? m->test_slots : 1, nb = m->build_slots ? m->build_slots : 1;
	uint32_t *building = malloc(nb * sizeof(*building)), *running = malloc(k * sizeof(*running));
	struct cp_plan_state st = { 0 };
	struct cp_plan *plan = malloc(sizeof(*plan));
	double build_sum = 0, run_sum = 0;
	unsigned nbuild = 0, nrun = 0, ninfra = 0;
	size_t nbuilding = 0, nrunning = 0, i;
	int ret = 0;

	if (!building || !running || !plan) {
		ret = cpb_nomem(err);
		goto out;
	}
	for (;;) {
		struct cp_plan_result res;

		st.building = building;
		st.nbuilding = nbuilding;
		st.running = running;
		st.nrunning = nrunning;
		ret = cp_plan_next(b, m, &st, plan, err);
		if (ret)
			goto out;
		if (plan->done) {
			if (ops->step)
				ops->step(ops->ctx, &plan->last);
			if (last)
				*last = plan->last;
			goto out;
		}
		for (i = 0; i < plan->n; i++) {
			const struct cp_bayes_action *a = &plan->acts[i];

			if (ops->step)
				ops->step(ops->ctx, a);
			ret = ops->start(ops->ctx, a, cp_bayes_slot_oid(b, a->slot), err);
			if (ret)
				goto out;
			if (a->kind == CP_BAYES_BUILD && nbuilding < nb)
				building[nbuilding++] = a->slot;
			else if (a->kind == CP_BAYES_RUN && nrunning < k)
				running[nrunning++] = a->slot;
			else {
				ret = cp_error_set(err, CP_ERR_INTERNAL, "a plan beyond the free slots");
				goto out;
			}
		}
		memset(&res, 0, sizeof(res));
		ret = ops->wait(ops->ctx, &res, err);
		if (ret) {
			free(res.signature);
			goto out;
		}
		if (res.kind == CP_BAYES_BUILD && drop(building, &nbuilding, res.slot)) {
			ret = cp_bayes_add_build(b, res.slot, res.ok, res.signature, err);
			build_sum += res.seconds;
			nbuild++;
		} else if (res.kind == CP_BAYES_RUN && drop(running, &nrunning, res.slot)) {
			if (res.infra) {
				if (++ninfra > CP_PLAN_INFRA_MAX) {
					memset(&plan->last, 0, sizeof(plan->last));
					plan->last.kind = CP_BAYES_DONE;
					plan->last.reason = CP_BAYES_BUDGET;
					if (last)
						*last = plan->last;
					goto out;
				}
				continue;
			}
			ret = cp_bayes_add_run(b, res.slot, res.outcome, 1, err);
			run_sum += res.seconds;
			nrun++;
		} else {
			ret = cp_error_set(err, CP_ERR_INTERNAL, "a result of nothing started (slot %u)",
					   res.slot);
		}
		free(res.signature);
		if (ret)
			goto out;
		cp_bayes_set_costs(b, nbuild ? build_sum / nbuild : 0, nrun ? run_sum / nrun : 0);
	}
out:
	free(building);
	free(running);
	free(plan);
	return ret;
}
