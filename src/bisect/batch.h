/*
 * Batches of runs for the Bayesian engine (bayes.h) when several test slots
 * are free: a run on a commit that is already built costs only a slot, so
 * when the engine asks for one run of a commit, cp_batch_drive() gives it as
 * many at once as are likely to be worth it (cp_batch_width()), and feeds
 * every outcome back before asking again.  Pure: the ops do the I/O.
 */
#ifndef CULPRIT_BISECT_BATCH_H
#define CULPRIT_BISECT_BATCH_H

#include "bisect/bayes.h"
#include "bisect/cost.h"

/*
 * Runs for one RUN action: the fewest r with 1 - (1 - repro)^r >= 0.9 (a
 * commit with the bug shows it in the batch 9 times in 10 at the estimated
 * chance of reproducing), at least 1, at most the test slots and max.
 */
unsigned cp_batch_width(const struct cp_cost_model *m, double repro, unsigned max);

struct cp_batch_ops {
	void *ctx;
	/* as cp_bayes_ops.build */
	int (*build)(void *ctx, uint32_t slot, const struct cp_oid *id, int *ok,
		     char **signature, double *seconds, struct cp_error *err);
	/* n runs of the commit at once: outcomes[n], *seconds the mean of one */
	int (*runs)(void *ctx, uint32_t slot, const struct cp_oid *id, unsigned n,
		    enum cp_bayes_outcome *outcomes, double *seconds, struct cp_error *err);
	void (*step)(void *ctx, const struct cp_bayes_action *act);
};

/*
 * cp_bayes_drive() with batches of up to max runs (max 1: the same steps as
 * cp_bayes_drive() on a separate work tree per commit).
 */
int cp_batch_drive(struct cp_bayes *b, const struct cp_batch_ops *ops,
		   const struct cp_cost_model *m, unsigned max,
		   struct cp_bayes_action *last, struct cp_error *err);

#endif
