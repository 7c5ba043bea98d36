/*
 * The cost model of a bisection, shared by the engine's callers, the driver
 * and the simulator: what a build, a boot and a run cost in seconds, and how
 * many of each can go on at once (k test slots / VMs, b build slots).  Pure:
 * no I/O; job files and scenarios set it key by key with cp_cost_set().
 *
 * A build is cold (nothing cached) or incremental (a nearby commit was built
 * in the same work tree or the compiler cache is warm): the first build of a
 * bisection is cold, later ones hit the cache with build_hit.  A run costs
 * boot_s + run_s of one test slot, a hung run timeout_s.  Defaults for the
 * kernel are the figures of docs/cost.md (syzbot's log, kernel-lab).
 */
#ifndef CULPRIT_BISECT_COST_H
#define CULPRIT_BISECT_COST_H

#include "util/error.h"

struct cp_cost_model {
	double build_s;		/* cold build (600) */
	double build_incr_s;	/* incremental build, cache warm (120) */
	double build_hit;	/* share of later builds that are incremental (1) */
	double boot_s;		/* boot of a test machine, per run (60) */
	double run_s;		/* one reproducer attempt (180) */
	double timeout_s;	/* a run that hangs costs this instead (300) */
	unsigned test_slots;	/* k: VMs running at once (20) */
	unsigned build_slots;	/* b: builds at once (2) */
};

/* The kernel defaults (k = 20, b = 2: syzkaller's setting). */
void cp_cost_kernel(struct cp_cost_model *m);

/* A generic project: builds and runs measured as the bisection goes. */
void cp_cost_generic(struct cp_cost_model *m);

/*
 * Sets field key ("build_s", "build_incr_s", "build_hit", "boot_s",
 * "run_s", "timeout_s", "test_slots", "build_slots") to value; CP_ERR_JOB
 * naming where ("cost") the key is unknown or the value out of range.
 */
int cp_cost_set(struct cp_cost_model *m, const char *where, const char *key,
		double value, struct cp_error *err);

/* NULL-terminated list of the keys cp_cost_set() knows. */
const char *const *cp_cost_keys(void);

/* Expected seconds of the nth build (0: the first, cold). */
double cp_cost_build(const struct cp_cost_model *m, unsigned nth);

/* Seconds of one test slot for one run (boot + run). */
double cp_cost_run(const struct cp_cost_model *m);

#endif
