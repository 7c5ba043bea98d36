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

/*
 * cp_bayes_drive() does the loop; its run callback, asked for one run, does
 * a batch, returns the first outcome and adds the others itself, so the
 * engine has every outcome before its next question.
 */
struct wrap {
	struct cp_bayes *b;
	const struct cp_batch_ops *ops;
	const struct cp_cost_model *m;
	unsigned max;
};

static int wrap_build(void *ctx, uint32_t slot, const struct cp_oid *id, int *ok,
		      char **signature, double *seconds, struct cp_error *err)
{
	struct wrap *w = ctx;

	return w->ops->build(w->ops->ctx, slot, id, ok, signature, seconds, err);
}

static int wrap_run(void *ctx, uint32_t slot, const struct cp_oid *id,
		    enum cp_bayes_outcome *outcome, double *seconds, struct cp_error *err)
{
	struct wrap *w = ctx;
	enum cp_bayes_outcome o[BATCH_MAX];
	struct cp_bayes_summary s;
	unsigned n = 1, i;
	int ret;

	if (w->max > 1) {
		ret = cp_bayes_summarize(w->b, &s, err);
		if (ret)
			return ret;
		n = cp_batch_width(w->m, s.repro, w->max);
	}
	ret = w->ops->runs(w->ops->ctx, slot, id, n, o, seconds, err);
	for (i = 1; i < n && !ret; i++)
		ret = cp_bayes_add_run(w->b, slot, o[i], 1, err);
	*outcome = o[0];
	return ret;
}

static void wrap_step(void *ctx, const struct cp_bayes_action *act)
{
	struct wrap *w = ctx;

	if (w->ops->step)
		w->ops->step(w->ops->ctx, act);
}

int cp_batch_drive(struct cp_bayes *b, const struct cp_batch_ops *ops,
		   const struct cp_cost_model *m, unsigned max,
		   struct cp_bayes_action *last, struct cp_error *err)
{
	struct wrap w = { .b = b, .ops = ops, .m = m, .max = max };
	const struct cp_bayes_ops bops = { .ctx = &w, .build = wrap_build, .run = wrap_run,
					   .step = wrap_step };

	return cp_bayes_drive(b, &bops, last, err);
}
