/* The simulator's shared state: scenario.c loads it, sim.c runs trials. */
#ifndef CULPRIT_SIM_INTERNAL_H
#define CULPRIT_SIM_INTERNAL_H

#include "bisect/cost.h"
#include "bisect/graph.h"
#include "bisect/revwalk.h"
#include "sim/sim.h"
#include "vcs/vcs.h"

#define SIM_MAX_BUGS 32

/* A generated history: commit i has id gen_oid(i), parents before it. */
struct sim_gen {
	uint32_t n;
	uint32_t *parent_off;	/* n + 1 */
	uint32_t *parents;
	int64_t *dates;
	struct cp_oid buf[2];
};

struct sim_bug {
	char *title;
	struct cp_oid introduced;
	struct cp_oid fixed;
	int has_fixed;
	double p, p_boot;
	/*
	 * "p_after": in commits that contain p_at the bug crashes with p2
	 * instead (a later commit makes it easier or harder to hit).
	 */
	struct cp_oid p_at;
	int has_p_at;
	double p2;
};

struct sim_release {
	char *name;
	struct cp_oid commit;
};

/* What is known about one commit: bug presence, build, signature. */
struct sim_commit {
	struct cp_oid id;
	int used;
	uint32_t known;		/* bit b: presence of bug b computed */
	uint32_t present;	/* bit b: bug b present */
	uint32_t after;		/* bit b: contains bug b's p_at (p2 applies) */
	int sig_known;
	struct cp_oid sig;	/* the commit whose binary it has */
};

struct cp_scenario {
	char *path;
	struct cp_repo *repo;		/* repo scenarios */
	struct sim_gen gen;		/* generated scenarios */
	struct cp_commit_source src;
	struct cp_oid bad;
	struct cp_oid *goods;
	size_t ngoods;
	struct sim_release *releases;	/* newest first, matching the glob */
	size_t nreleases;
	struct sim_bug bugs[SIM_MAX_BUGS];
	size_t nbugs;
	size_t target;			/* index into bugs */
	struct cp_oid *broken;		/* sorted: commits that do not build */
	size_t nbroken;
	struct cp_oid *noop;		/* sorted: binary equals the first parent's */
	size_t nnoop;
	struct cp_oid expect;
	int expect_outside;		/* "expect": "none" (not in range) */
	struct cp_cost_model cost;
	int sequential;			/* culprit policy: one run at a time */
	int fix;			/* find the fix: bad is the start, goods[0] the fixed end */
	double infra;			/* share of runs lost on the host side ("infra") */
	unsigned syz_minimize;		/* syzkaller: config minimization tests ("syzkaller_minimize") */
	/* a hash table of commits seen so far */
	struct sim_commit *commits;
	size_t cap, used;
	struct cp_graph graph;		/* bad ^goods, once goods are known */
	int have_graph;
};

/* clock.c: the slots of the cost model, busy until some time. */
struct sim_clock {
	double *build_free, *test_free;	/* when each slot is free */
	unsigned nbuild, ntest;
	double wall;			/* when the last action ends */
	double build_busy, test_busy;	/* machine seconds */
};

int sim_clock_init(struct sim_clock *c, const struct cp_cost_model *m, struct cp_error *err);
void sim_clock_free(struct sim_clock *c);
/* Starts a build (run) ready at time ready lasting secs; returns its end. */
double sim_clock_build(struct sim_clock *c, double ready, double secs);
double sim_clock_run(struct sim_clock *c, double ready, double secs);

/* history.c: the generated history */
int sim_gen_make(struct sim_gen *g, uint32_t n, double merge_rate, uint64_t seed,
		 struct cp_error *err);
void sim_gen_free(struct sim_gen *g);
/* Commit i of g, or -1. */
int64_t sim_gen_index(const struct sim_gen *g, const struct cp_oid *id);
/* "cN", "HEAD", "HEAD~N" or a full id of g. */
int sim_gen_resolve(const struct sim_gen *g, const char *rev, struct cp_oid *out,
		    struct cp_error *err);
/* The commit source's lookup over g (ctx: the struct sim_gen). */
int sim_gen_lookup(void *ctx, const struct cp_oid *id, int64_t *t,
		   const struct cp_oid **parents, size_t *np, struct cp_error *err);

int sim_commit_get(struct cp_scenario *sc, const struct cp_oid *id,
		   struct sim_commit **out, struct cp_error *err);
/* Presence bits of every bug at id. */
int sim_presence(struct cp_scenario *sc, const struct cp_oid *id, uint32_t *present,
		 struct cp_error *err);
/* The chance that bug b crashes a run of id (p, or p2 past p_at); present. */
double sim_bug_p(struct cp_scenario *sc, const struct cp_oid *id, size_t b);
int sim_signature(struct cp_scenario *sc, const struct cp_oid *id, struct cp_oid *sig,
		  struct cp_error *err);
int sim_is_broken(const struct cp_scenario *sc, const struct cp_oid *id);

/* tester.c: the simulated tester, shared by the policies (sim.c, culprit.c). */
/* xoshiro256** */
struct rng {
	uint64_t s[4];
};

void sim_rng_seed(struct rng *r, uint64_t seed);
uint64_t sim_rng_next(struct rng *r);
double sim_rng_unit(struct rng *r);

/* RUN_INFRA: the run was lost on the host side (scenario "infra"): no verdict. */
enum run_kind { RUN_OK, RUN_CRASH, RUN_BOOT, RUN_INFRA };

struct tester {
	struct cp_scenario *sc;
	struct rng rng;
	struct cp_sim_trial *tr;
	struct sim_clock clock;
	double now;		/* when the policy knows every answer it waits for */
	double last_s;		/* cost of the last build or run */
};

int sim_test_build(struct tester *t, const struct cp_oid *id, int *ok);
/* One run: what crashed (bug index in *bug) or nothing. */
int sim_test_run(struct tester *t, const struct cp_oid *id, enum run_kind *kind, size_t *bug,
		 struct cp_error *err);
int sim_policy_culprit(struct tester *t, double confidence, struct cp_error *err);

#endif
