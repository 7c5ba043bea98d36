/*
 * Batches of builds and runs for the Bayesian engine (bayes.h) when several
 * build and test slots are free: the engine's own next action, then, while
 * build slots are free, builds of other commits chosen by their information
 * given the outcomes of those already being built or run (so two builds at
 * once are not two neighbours), and, while test slots are free, runs of
 * other built commits.  Results come back one at a time, as they end, and
 * each is given to the engine before the next plan.  Pure: no I/O, no
 * clock; cp_plan_drive()'s ops start actions and wait for them.
 */
#ifndef CULPRIT_BISECT_PLAN_H
#define CULPRIT_BISECT_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "bisect/bayes.h"
#include "bisect/cost.h"

/* What is in flight: one entry per build and per run not yet reported. */
struct cp_plan_state {
	const uint32_t *building;
	size_t nbuilding;
	const uint32_t *running;	/* the slot of each run in flight */
	size_t nrunning;
};

#define CP_PLAN_MAX 128

struct cp_plan {
	struct cp_bayes_action acts[CP_PLAN_MAX]; /* to start now: BUILD, or RUN (one run each) */
	size_t n;
	int done;			/* nothing to start and nothing in flight: last is the engine's DONE */
	struct cp_bayes_action last;
};

/*
 * A build beside others is started only when its information given theirs
 * is at least this share of the most a build can carry (a quarter point of
 * a deterministic range beside its middle: 0.5); a run beside others when
 * its information is at least this share of the engine's own action's.
 * Builds beside start only while test slots are idle after the runs.
 */
#define CP_PLAN_BUILD_SHARE 0.5
#define CP_PLAN_RUN_SHARE 0.4

/*
 * The actions to start now on m's free slots (test_slots minus runs in
 * flight, build_slots minus builds in flight).  No actions and !done: wait
 * for a result.  The engine's action DONE with runs or builds in flight
 * waits for them.
 */
int cp_plan_next(struct cp_bayes *b, const struct cp_cost_model *m,
		 const struct cp_plan_state *st, struct cp_plan *out, struct cp_error *err);

/* One action that ended. */
struct cp_plan_result {
	enum cp_bayes_kind kind;	/* BUILD or RUN */
	uint32_t slot;
	int ok;				/* BUILD */
	char *signature;		/* BUILD: malloc'd or NULL; freed by cp_plan_drive() */
	enum cp_bayes_outcome outcome;	/* RUN */
	int infra;			/* RUN: lost on the host side: no evidence, run again */
	double seconds;
};

struct cp_plan_ops {
	void *ctx;
	/* Starts the action (BUILD, or one RUN of a built commit). */
	int (*start)(void *ctx, const struct cp_bayes_action *act, const struct cp_oid *id,
		     struct cp_error *err);
	/* Waits until one started action ends. */
	int (*wait)(void *ctx, struct cp_plan_result *res, struct cp_error *err);
	/* Optional: told of each plan's actions, and of the last. */
	void (*step)(void *ctx, const struct cp_bayes_action *act);
};

/*
 * The loop: plan, start, wait for one result, report it to the engine
 * (updating its costs with the measured means), until a plan is done.  An
 * infra result (a VM lost for host reasons) is not evidence: the engine
 * never sees it, its slot is free again and the next plan asks for the run
 * again; after CP_PLAN_INFRA_MAX of them the loop ends (DONE, budget).
 */
#define CP_PLAN_INFRA_MAX 200
int cp_plan_drive(struct cp_bayes *b, const struct cp_plan_ops *ops,
		  const struct cp_cost_model *m, struct cp_bayes_action *last,
		  struct cp_error *err);

#endif
