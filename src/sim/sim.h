/*
 * The bisection simulator: a scenario (docs/sim.md) describes a history (a
 * real git repository or a generated one), the bugs in it (where each is
 * introduced and fixed, how often it crashes at boot or during a run), the
 * commits that do not build and those whose binary equals their parent's.
 * A simulated tester answers builds and runs from it, and a policy bisects:
 *
 *   culprit    the Bayesian engine (src/bisect/bayes.h), driven by
 *              cp_bayes_drive() as `culprit bisect --policy culprit` drives it
 *   git        git bisect with one run per commit: any crash is bad
 *   syzkaller  syzkaller's current verdict rules and run counts
 *
 * Caller's steps: cp_scenario_load(), then cp_sim_trial() per trial with a
 * seed, cp_scenario_free().  Trials are independent; results are exact for
 * a given seed.
 */
#ifndef CULPRIT_SIM_SIM_H
#define CULPRIT_SIM_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/oid.h"

enum cp_sim_policy {
	CP_SIM_CULPRIT,
	CP_SIM_GIT,
	CP_SIM_SYZKALLER,
};

/* "culprit", "git", "syzkaller"; -1 when unknown. */
int cp_sim_policy_parse(const char *name);
const char *cp_sim_policy_name(enum cp_sim_policy policy);

struct cp_scenario;
struct cp_cost_model;

/* CP_ERR_JOB for an invalid scenario (the message names the field). */
int cp_scenario_load(const char *path, struct cp_scenario **out, struct cp_error *err);
void cp_scenario_free(struct cp_scenario *sc);
/* Number of candidate commits between the good commits and bad (0 before
 * a release search). */
size_t cp_scenario_range(const struct cp_scenario *sc);
/* The scenario's cost model ("cost"), which callers may change (--vms). */
struct cp_cost_model *cp_scenario_cost(struct cp_scenario *sc);
/* 1: the culprit policy asks for one run at a time (the baseline of batches). */
void cp_scenario_set_sequential(struct cp_scenario *sc, int sequential);

struct cp_sim_trial {
	int found;		/* 1: a single commit was named */
	struct cp_oid commit;	/* the named commit */
	int outside;		/* culprit policy: "not in range" was the answer */
	int correct;
	unsigned builds;	/* build attempts, failed ones included */
	unsigned runs;		/* run attempts, lost ones included */
	unsigned infra;		/* runs lost on the host side (scenario "infra") */
	double time_s;		/* machine seconds: the cost model's builds and runs */
	double wall_s;		/* wall-clock on the cost model's slots (sim/clock.c) */
	double machine_h;	/* time_s in hours (build and test slots busy) */
	double confidence;	/* what the policy reports (git: 1) */
	char note[128];		/* why nothing was found, etc. */
};

int cp_sim_trial(struct cp_scenario *sc, enum cp_sim_policy policy, uint64_t seed,
		 struct cp_sim_trial *out, struct cp_error *err);

#endif
