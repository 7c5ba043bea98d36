/*
 * The Bayesian bisection engine: which candidate introduced the target
 * crash, from every run seen so far, when the reproducer is flaky and other
 * crashes get in the way.  Pure: no I/O, no clock, no globals (commits are
 * read only through the optional struct cp_commit_source, for git's choice).
 *
 * Model.  Hypotheses: "candidate h introduced the target crash" for every
 * candidate of the graph (src/bisect/graph.h), plus "not in range" (the
 * crash is older than the good commits: every commit shows it).  Commit C
 * contains culprit h when h is C or an ancestor of C (first-parent mode:
 * along first parents).  A run is a target crash, clean, or silent (another
 * crash, a boot failure, an infra problem: no evidence either way).  Where
 * the culprit is contained, a non-silent run shows the target with the
 * chance of reproducing p, unknown, integrated out exactly (beta-binomial)
 * under a three-component prior: a reliable reproducer (Beta(reliable_a,
 * reliable_b), weight prior_reliable), a rare one (Beta(rare_a, rare_b),
 * weight prior_rare) or a flaky one (Beta(prior_a, prior_b)); elsewhere
 * with the small modelled
 * false-positive rate.  The prior is uniform over candidates, with
 * prior_outside on "not in range".  Commits whose builds have equal
 * signatures are one binary: a hypothesis that would make them differ is
 * weighted down by the false-positive rate, so their evidence is shared.
 * For a fix bisection (cfg.fix) the candidates are fixes and the model
 * mirrors: the target shows with p where the fix is not contained, and a
 * fix is verified by its own clean runs and its parents' target runs.
 *
 * Choice.  The next action is the one with the most expected information
 * (bits about "is the culprit contained in this commit") per second: one
 * more run of an already built commit, or a build of a new commit followed
 * by up to max_runs_per_build runs.  Among new commits, git's choice for the
 * same evidence read as verdicts (a commit that showed the target is bad, one
 * with only clean runs good, failed builds and silent-only commits skipped)
 * is taken whenever it is worth at least 0.9 of the best, so with a
 * deterministic test the engine builds the commits git bisect builds.  A
 * built commit whose runs were all silent (8 of them) is left alone, as a
 * failed build is: more runs there would only repeat that.
 * Once one hypothesis x holds half of the posterior, actions are valued
 * instead by how much they are expected to shrink the mass of x's
 * alternatives (Chernoff's rule): a clean run of x's parent weighs against
 * every hypothesis below it at once, where entropy would also sort the
 * alternatives among themselves.  It stops when one hypothesis reaches the
 * confidence target and the culprit is verified (it showed the target
 * itself; each parent is covered by enough clean runs for the confidence
 * target at a frequentist lower bound of p, whatever the prior), or at the
 * budget, or when nothing left to do carries information.  Before it stops
 * on a culprit with a build signature, its first parent inside the range is
 * built (no runs) if it never was, so that the no-op flag is always known:
 * with a deterministic test that is git's sequence plus at most this one.
 *
 * Caller's steps: fill a struct cp_bayes_config (cp_bayes_config_init()),
 * cp_bayes_new(), report what is known already (the start commit's runs),
 * then cp_bayes_drive() with build and run operations (or loop by hand:
 * cp_bayes_next(); build (cp_bayes_add_build()) or run (cp_bayes_add_run())
 * what it says, until CP_BAYES_DONE); read cp_bayes_summarize();
 * cp_bayes_free().
 *
 * Slots: 0 .. graph->n - 1 are the candidates, graph->n .. + ngoods - 1 the
 * good commits (which contain only "not in range").
 */
#ifndef CULPRIT_BISECT_BAYES_H
#define CULPRIT_BISECT_BAYES_H

#include <stddef.h>
#include <stdint.h>

#include "bisect/graph.h"
#include "bisect/revwalk.h"
#include "util/error.h"
#include "util/oid.h"

/*
 * The default confidence target.  Not 0.99: with a calibrated posterior
 * and a stop at 0.99, about 0.8% of the answers are wrong, and a family of
 * a few hundred bisections lands below 0.99 by chance alone; at 0.995 every
 * family of the bulk check stays above 0.99, for 7% more runs
 * (bench/README.md, docs/model.md).
 */
#define CP_BAYES_DEFAULT_CONFIDENCE 0.995

struct cp_bayes_config {
	double confidence;	/* stop at this posterior (CP_BAYES_DEFAULT_CONFIDENCE) */
	double false_positive;	/* target seen where the culprit is absent (0.002) */
	/*
	 * Prior of "not in range" (0: 0.01 / (candidates + 1), so that, as
	 * git, the engine trusts the good commits until runs there say
	 * otherwise).
	 */
	double prior_outside;
	double prior_a, prior_b; /* Beta prior of the chance of reproducing (1, 3) */
	double build_cost;	/* seconds per build (600); the driver updates it live */
	double run_cost;	/* seconds per run (60) */
	unsigned max_runs_per_build; /* runs a new build is valued for (10) */
	unsigned max_builds;	/* budget; 0: none */
	unsigned max_runs;	/* budget; 0: none */
	int first_parent;
	/*
	 * Fix bisection: the candidates are where the crash went away, so a
	 * commit that contains candidate h shows the target only by a false
	 * positive, and one that does not shows it with the chance p (the
	 * start commit, a good slot, contains no candidate).  "Not in range"
	 * is then "the target never shows but by false positives".
	 */
	int fix;
	/*
	 * One work tree: a run of a commit other than the one built last
	 * needs a rebuild, and is valued at build_cost + run_cost.
	 */
	int one_worktree;
	/* Commits for git's choice (cp_git_next); NULL: the engine's own only. */
	const struct cp_commit_source *src;
	/*
	 * The prior of the chance of reproducing is a mixture of three
	 * (docs/model.md): with weight prior_reliable, Beta(reliable_a,
	 * reliable_b), a reproducer that (nearly) always crashes; with weight
	 * prior_rare, Beta(rare_a, rare_b), one that seldom does; otherwise
	 * Beta(prior_a, prior_b), a flaky one.  Defaults 0.1, (8, 0.5); 0.3,
	 * (1, 12); (1, 3).  A weight < 0 turns its component off.  Without
	 * the rare component a p = 0.1 bug that crashed a few times early
	 * looked like p = 0.3, and a handful of clean runs on a bad commit
	 * passed for proof that it was good: claimed 0.99, right 0.94.
	 */
	double prior_reliable;
	double reliable_a, reliable_b;
	double prior_rare;
	double rare_a, rare_b;
};

void cp_bayes_config_init(struct cp_bayes_config *cfg);

enum cp_bayes_outcome {
	CP_BAYES_TARGET,	/* the crash being bisected */
	CP_BAYES_CLEAN,		/* no crash */
	CP_BAYES_SILENT,	/* another crash, boot failure, infra problem */
};

enum cp_bayes_kind {
	CP_BAYES_RUN,		/* run slot once more (it is built) */
	CP_BAYES_BUILD,		/* build slot, then report with cp_bayes_add_build() */
	CP_BAYES_DONE,		/* read cp_bayes_summarize() */
};

enum cp_bayes_reason {
	CP_BAYES_CONFIDENT,	/* the confidence target is reached and verified */
	CP_BAYES_BUDGET,	/* max_builds or max_runs reached */
	CP_BAYES_STUCK,		/* nothing left to do carries information */
};

struct cp_bayes_action {
	enum cp_bayes_kind kind;
	uint32_t slot;		/* RUN, BUILD */
	enum cp_bayes_reason reason; /* DONE */
	double gain;		/* expected bits of the action */
	int git_choice;		/* BUILD: the commit git bisect would test */
	int verify;		/* the action verifies the culprit or a parent */
	int noop_check;		/* BUILD: the culprit's first parent, for the no-op flag only */
};

#define CP_BAYES_OUTSIDE (-1)	/* "not in range" as a hypothesis */
#define CP_BAYES_MAX_PARENTS 8

struct cp_bayes_parent {
	int64_t slot;		/* candidate slot, or CP_BAYES_OUTSIDE (a good) */
	unsigned clean_runs;	/* clean runs covering it (itself or commits containing it but not the culprit) */
	unsigned target_runs;	/* target runs on the parent itself */
	int ok;
};

struct cp_bayes_summary {
	int64_t best;		/* candidate slot, or CP_BAYES_OUTSIDE */
	double best_p;
	int64_t runner_up;	/* candidate slot, CP_BAYES_OUTSIDE, or -2 for none */
	double runner_up_p;
	double outside_p;	/* posterior of "not in range" */
	double repro;		/* estimated chance of reproducing at the culprit */
	unsigned needed_clean;	/* clean runs a parent needs for the confidence target */
	unsigned culprit_target_runs, culprit_clean_runs;
	struct cp_bayes_parent parents[CP_BAYES_MAX_PARENTS];
	unsigned nparents;
	int verified;		/* the culprit showed the target, every parent covered */
	/*
	 * The culprit's signature against its first parent's: 1 equal, 0
	 * different, -1 not known (either unbuilt, or the parent outside the
	 * range), so that an unchecked culprit is not reported as a real change.
	 */
	int noop;
	unsigned builds, runs;
};

struct cp_bayes;

/*
 * graph and goods must outlive the engine.  goods are the good commits
 * (outside the candidates) whose runs, if any, are reported on their slots.
 */
int cp_bayes_new(struct cp_bayes **out, const struct cp_graph *graph,
		 const struct cp_oid *goods, size_t ngoods,
		 const struct cp_bayes_config *cfg, struct cp_error *err);
void cp_bayes_free(struct cp_bayes *b);

uint32_t cp_bayes_nslots(const struct cp_bayes *b);
/* Slot of a candidate or good commit, or -1. */
int64_t cp_bayes_slot_of(const struct cp_bayes *b, const struct cp_oid *id);
const struct cp_oid *cp_bayes_slot_oid(const struct cp_bayes *b, uint32_t slot);

/* Live costs (seconds), e.g. measured means. Non-positive values are ignored. */
void cp_bayes_set_costs(struct cp_bayes *b, double build_s, double run_s);

/*
 * A finished build of slot: ok, and its signature (NULL or "" when none).
 * Counted once per slot (a repeated report updates the signature only).
 */
int cp_bayes_add_build(struct cp_bayes *b, uint32_t slot, int ok,
		       const char *signature, struct cp_error *err);
/* count runs of slot with outcome. */
int cp_bayes_add_run(struct cp_bayes *b, uint32_t slot, enum cp_bayes_outcome outcome,
		     unsigned count, struct cp_error *err);

int cp_bayes_next(struct cp_bayes *b, struct cp_bayes_action *out, struct cp_error *err);

/*
 * 1 when slot is built and its runs were all silent, 8 or more of them: the
 * engine asks no more of it (a caller may report it as skipped).
 */
int cp_bayes_untestable(const struct cp_bayes *b, uint32_t slot);

/* The configuration in use: the caller's with defaults filled in. */
const struct cp_bayes_config *cp_bayes_config_of(const struct cp_bayes *b);

/* Posterior of candidate slot, or of "not in range" for CP_BAYES_OUTSIDE. */
double cp_bayes_posterior(struct cp_bayes *b, int64_t slot);

int cp_bayes_summarize(struct cp_bayes *b, struct cp_bayes_summary *out,
		       struct cp_error *err);

/*
 * The loop every user of the engine runs (culprit bisect and culprit sim):
 * asks cp_bayes_next(), builds or runs through ops, reports the outcome,
 * updates the costs with the measured means, until CP_BAYES_DONE (*last).
 * The ops do the I/O; the loop itself does none.
 */
struct cp_bayes_ops {
	void *ctx;
	/* Builds the commit: *ok, *signature (malloc'd, or NULL), *seconds. */
	int (*build)(void *ctx, uint32_t slot, const struct cp_oid *id, int *ok,
		     char **signature, double *seconds, struct cp_error *err);
	/* One run of the commit (built before). */
	int (*run)(void *ctx, uint32_t slot, const struct cp_oid *id,
		   enum cp_bayes_outcome *outcome, double *seconds, struct cp_error *err);
	/* Optional: told of each action before it is done. */
	void (*step)(void *ctx, const struct cp_bayes_action *act);
};

int cp_bayes_drive(struct cp_bayes *b, const struct cp_bayes_ops *ops,
		   struct cp_bayes_action *last, struct cp_error *err);

#endif
