/*
 * The Bayesian engine's private state, shared by its files: bayes.c (the
 * engine's life and its evidence), model.c (the posterior), verify.c (the
 * verification of a culprit), choice.c (the next action).  Not for users of
 * the engine: they include bisect/bayes.h.
 */
#ifndef CULPRIT_BISECT_BAYES_INTERNAL_H
#define CULPRIT_BISECT_BAYES_INTERNAL_H

#include "bisect/bayes.h"

struct slot {
	unsigned t, c, s;	/* target, clean, silent runs */
	int build;		/* 0 not built, 1 built, -1 build failed */
	int has_sig;
	uint64_t sig;		/* FNV-1a of the signature */
	uint64_t *anc;		/* candidates it contains (candidate slots); NULL: none yet */
};

struct oidslot {
	struct cp_oid id;
	uint32_t slot;
};

struct cp_bayes {
	const struct cp_graph *g;
	struct cp_bayes_config cfg;
	uint32_t n, ngoods, nslots;
	const struct cp_oid *goods;
	struct slot *slots;
	struct oidslot *map;	/* sorted by id */
	uint32_t *topo;		/* candidates, parents first */
	uint32_t words;		/* bitset words */
	/* scratch and posterior */
	double *w;		/* n + 1: candidates, then "not in range" */
	double *mass;		/* n: posterior mass of each candidate's ancestors */
	double *phat;		/* n + 1: E[p | h] */
	unsigned *tin, *cin, *pen;
	uint32_t *stamp, *stack;
	uint32_t epoch;
	double pbar;		/* posterior mean of the chance of reproducing */
	double silent;		/* overall share of silent runs */
	unsigned builds, runs;
	int64_t current;	/* slot built last (one_worktree) */
	int dirty;
};


static inline uint32_t parent_end(const struct cp_bayes *b, uint32_t i)
{
	const struct cp_graph *g = b->g;

	if (b->cfg.first_parent && g->parent_off[i + 1] > g->parent_off[i])
		return g->parent_off[i] + 1;
	return g->parent_off[i + 1];
}


static inline int contains(const struct cp_bayes *b, uint32_t slot, uint32_t h)
{
	const uint64_t *a = b->slots[slot].anc;

	return slot < b->n && a && (a[h / 64] >> (h % 64) & 1);
}

/*
 * Can a run of slot show the target under hypothesis h (b->n: "not in
 * range")?  Cause: where h is contained.  Fix: where it is not.
 */
static inline int shows(const struct cp_bayes *b, uint32_t slot, uint32_t h)
{
	if (h == b->n)
		return !b->cfg.fix;
	return !!contains(b, slot, h) != !!b->cfg.fix;
}


/*
 * A built commit whose runs never said target or clean (the test hangs
 * there, or another crash always comes first): more runs would only repeat
 * that, so it is left alone, as a failed build is.
 */
#define SILENT_LIMIT 8

static inline int untestable(const struct slot *s)
{
	return s->s >= SILENT_LIMIT && !s->t && !s->c;
}

/* Built, and worth another run. */
static inline int runnable(const struct slot *s)
{
	return s->build > 0 && !untestable(s);
}

/*
 * The prior of the chance of reproducing p: component 0 is the flaky
 * Beta(prior_a, prior_b), component 1 the reliable Beta(reliable_a,
 * reliable_b), component 2 the rare Beta(rare_a, rare_b).  For tin target
 * and cin clean runs: the log marginal likelihood (p integrated out), the
 * posterior component weights r[] and the component parameters (x[k],
 * y[k]: Beta(x, y) posteriors).
 */
#define PMIX_K 3

struct pmix {
	double logl, r[PMIX_K], x[PMIX_K], y[PMIX_K];
};

int cpb_nomem(struct cp_error *err);
/* The candidates slot contains, as a bitset (none for a good). */
int cpb_ensure_anc(struct cp_bayes *b, uint32_t slot, struct cp_error *err);
/* out[c] = sum of w over the candidates c contains (model.c). */
void cpb_contained_mass(struct cp_bayes *b, const double *w, double *out);
/* Recomputes the posterior after new evidence (b->dirty). */
int cpb_update(struct cp_bayes *b, struct cp_error *err);
double cpb_lbeta(double x, double y);
double cpb_beta_cdf(double a, double b, double x);
void cpb_pmix_eval(const struct cp_bayes_config *cf, double tin, double cin, struct pmix *m);
double cpb_pmix_mean(const struct pmix *m);
double cpb_pmix_quantile(const struct pmix *m, double q);
void cpb_suggest(struct cp_bayes_action *act, enum cp_bayes_kind kind, uint32_t slot);
int cpb_verify(struct cp_bayes *b, uint32_t x, struct cp_bayes_summary *sum,
	       struct cp_bayes_action *act, struct cp_error *err);
int64_t cpb_unbuilt_first_parent(const struct cp_bayes *b, uint32_t x);
void cpb_best_two(const struct cp_bayes *b, int64_t *best, double *bp,
		  int64_t *second, double *sp);
/*
 * choice.c, for plan.c: the best build of a commit neither built nor in
 * pending (np slots being built or run), valued by its information given
 * the outcomes of pending (DONE when none is worth anything); the most a
 * build can be worth; the best run of a built commit not in busy.
 */
int cpb_next_build(struct cp_bayes *b, const uint32_t *pending, size_t np,
		   struct cp_bayes_action *out, struct cp_error *err);
double cpb_build_value_max(struct cp_bayes *b);
int cpb_next_run(struct cp_bayes *b, const uint32_t *busy, size_t nbusy,
		 struct cp_bayes_action *out, struct cp_error *err);

#endif
