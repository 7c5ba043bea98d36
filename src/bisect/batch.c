/* Batches of runs for the engine (batch.h). */
#include "bisect/batch.h"

#include <math.h>
#include <stdlib.h>

#define BATCH_MAX 64

unsigned cp_batch_width(const struct cp_cost_model *m, double repro, unsigned max)
{
	unsigned cap = m->test_slots < max ? m->test_slots : max, r;

	if (cap > BATCH_MAX)
		cap = BATCH_MAX;
	if (cap <= 1 || !(repro > 0))
		return cap ? cap : 1;
	if (repro >= 0.9)
		return 1;
	r = (unsigned)ceil(log(0.1) / log(1 - repro));
	return r < 1 ? 1 : r > cap ? cap : r;
}

int cp_batch_drive(struct cp_bayes *b, const struct cp_batch_ops *ops,
		   const struct cp_cost_model *m, unsigned max,
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
			enum cp_bayes_outcome o[BATCH_MAX];
			struct cp_bayes_summary s;
			double secs = 0;
			unsigned n = 1, i;

			if (max > 1) {
				ret = cp_bayes_summarize(b, &s, err);
				if (ret)
					return ret;
				n = cp_batch_width(m, s.repro, max);
			}
			ret = ops->runs(ops->ctx, act.slot, cp_bayes_slot_oid(b, act.slot), n, o,
					&secs, err);
			/* every outcome before the next question */
			for (i = 0; i < n && !ret; i++)
				ret = cp_bayes_add_run(b, act.slot, o[i], 1, err);
			if (ret)
				return ret;
			run_sum += secs * n;
			nrun += n;
		}
		cp_bayes_set_costs(b, nbuild ? build_sum / nbuild : 0, nrun ? run_sum / nrun : 0);
	}
}
