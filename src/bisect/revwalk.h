/*
 * The revision walk behind a bisection step: which commits are candidates
 * for `bad ^good1 ^good2 ...`, in exactly the order git's bisect sees them,
 * and the ancestry questions git asks before it bisects (are the good
 * commits ancestors of bad? which merge bases must be tested?).
 *
 * This reproduces git's revision.c limit_list() walk, including its early
 * stop ("slop") and its handling of equal committer dates, so that the
 * bisection core picks the commit git picks.  Commits are read through a
 * struct cp_commit_source: the repository (src/vcs) in the CLI, an
 * in-memory history in tests and in the simulator.  No other I/O.
 */
#ifndef CULPRIT_BISECT_REVWALK_H
#define CULPRIT_BISECT_REVWALK_H

#include <stddef.h>
#include <stdint.h>

#include "bisect/graph.h"
#include "util/error.h"
#include "util/oid.h"

/*
 * Supplies one commit's committer time and parents (in order).  *parents
 * must stay valid until the next call.  Returns 0 or a negative status.
 */
struct cp_commit_source {
	void *ctx;
	int (*lookup)(void *ctx, const struct cp_oid *id, int64_t *commit_time,
		      const struct cp_oid **parents, size_t *nparents,
		      struct cp_error *err);
};

/*
 * Fills out with the candidates of `bad ^goods...` (first_parent: follow
 * only first parents from bad, as `git bisect start --first-parent`).
 * goods may be empty (then every ancestor of bad is a candidate).  The
 * order of goods does not matter.  out->n is 0 when bad is reachable from a
 * good commit.
 */
int cp_revwalk_candidates(const struct cp_commit_source *src,
			  const struct cp_oid *bad, const struct cp_oid *goods,
			  size_t ngoods, int first_parent, struct cp_graph *out,
			  struct cp_error *err);

/*
 * As cp_revwalk_candidates(), for the walk git bisect makes right after its
 * check that the good commits are ancestors of bad (a fresh `git bisect`,
 * or one whose BISECT_ANCESTORS_OK is not written yet).  That check parses
 * commits, and uninteresting marks spread through parsed commits, so with
 * skewed committer dates the candidates can differ from `git rev-list
 * --bisect`'s.  Only for goods that passed the check (no merge base left to
 * test).
 */
int cp_revwalk_candidates_after_check(const struct cp_commit_source *src,
				      const struct cp_oid *bad, const struct cp_oid *goods,
				      size_t ngoods, int first_parent,
				      struct cp_graph *out, struct cp_error *err);

/*
 * Sets *outside to 1 when some good commit is not an ancestor of bad (git's
 * check_ancestors(): the walk `good... ^bad` is not empty), else 0.
 */
int cp_revwalk_goods_outside(const struct cp_commit_source *src,
			     const struct cp_oid *bad, const struct cp_oid *goods,
			     size_t ngoods, int *outside, struct cp_error *err);

/*
 * The merge bases of bad and the good commits (best common ancestors of bad
 * and any good), newest committer time first.  *out is malloc'd.
 */
int cp_revwalk_merge_bases(const struct cp_commit_source *src,
			   const struct cp_oid *bad, const struct cp_oid *goods,
			   size_t ngoods, struct cp_oid **out, size_t *count,
			   struct cp_error *err);

#endif
