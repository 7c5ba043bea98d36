/*
 * The bisection core's git-compatible step: given the candidate graph
 * (src/bisect/graph.h, built by src/bisect/revwalk.h) and the skipped
 * commits, choose what git bisect 2.39 chooses: the next commit to test with
 * the numbers git prints, the first bad commit, or the candidates when only
 * skipped commits are left.  Pure: no I/O, no clock, no globals.
 *
 * Caller's steps: fill a struct cp_bisect_query, call cp_bisect_next(),
 * read the struct cp_bisect_step, cp_bisect_step_free().
 */
#ifndef CULPRIT_BISECT_BISECT_H
#define CULPRIT_BISECT_BISECT_H

#include <stddef.h>
#include <stdint.h>

#include "bisect/graph.h"
#include "util/error.h"

struct cp_bisect_query {
	const struct cp_graph *graph;
	/* graph->n flags: 1 when the candidate was skipped; NULL for none */
	const unsigned char *skipped;
	/*
	 * 1 when any commit was skipped, even one outside the graph: git then
	 * ranks every candidate instead of stopping at the first one halfway,
	 * which can change the choice.
	 */
	int have_skips;
	int first_parent;
};

enum cp_bisect_kind {
	CP_BISECT_TEST,		/* test graph->oids[commit] next */
	CP_BISECT_FOUND,	/* graph->oids[commit] is the first bad commit */
	CP_BISECT_ONLY_SKIPPED,	/* the first bad commit is one of candidates */
	CP_BISECT_EMPTY,	/* no candidates: bad is reachable from a good */
};

struct cp_bisect_step {
	enum cp_bisect_kind kind;
	uint32_t commit;	/* TEST and FOUND */
	int all;		/* number of candidates (git's "all") */
	int reaches;		/* candidates reachable from git's best point */
	int left;		/* "Bisecting: <left> revisions left to test" */
	int steps;		/* "(roughly <steps> steps)" */
	uint32_t *candidates;	/* ONLY_SKIPPED: in git's order; malloc'd */
	size_t ncandidates;
};

int cp_bisect_next(const struct cp_bisect_query *query,
		   struct cp_bisect_step *out, struct cp_error *err);
void cp_bisect_step_free(struct cp_bisect_step *step);

/*
 * weights[i] = number of candidates reachable from candidate i, itself
 * included (first_parent: along first parents only).  weights has graph->n
 * entries.  Computed without git's quadratic walk: merges count only the
 * commits their other parents add, found by walking down by generation.
 */
int cp_bisect_weights(const struct cp_graph *graph, int first_parent,
		      int32_t *weights, struct cp_error *err);

/* git's estimate_bisect_steps(): the "(roughly K steps)" figure. */
int cp_bisect_estimate_steps(int all);

/* git's skip_away() index among count untested candidates. */
int cp_bisect_skip_index(int count);

#endif
