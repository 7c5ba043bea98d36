/*
 * One whole git bisect step: from the bad, good and skipped commits to what
 * git does next — test a merge base first, test a commit, report the first
 * bad commit, or list the candidates when only skipped commits are left.
 * Combines the ancestry check of git's bisect_next_all() with the walk
 * (revwalk.h) and the choice (bisect.h).  Reads commits only through the
 * struct cp_commit_source it is given.
 */
#ifndef CULPRIT_BISECT_GITSTEP_H
#define CULPRIT_BISECT_GITSTEP_H

#include <stddef.h>

#include "bisect/bisect.h"
#include "bisect/revwalk.h"
#include "util/error.h"
#include "util/oid.h"

struct cp_git_state {
	struct cp_oid bad;
	const struct cp_oid *goods;
	size_t ngoods;
	const struct cp_oid *skips;	/* every skipped commit, in or out of range */
	size_t nskips;
	int first_parent;
	/*
	 * git's BISECT_ANCESTORS_OK: an earlier step passed the check that the
	 * good commits are ancestors of bad (or their merge bases were tested),
	 * so git neither repeats it nor parses what it would parse.
	 */
	int ancestors_ok;
};

enum cp_git_action {
	CP_GIT_TEST,		/* test commit: "Bisecting: <left> ... (roughly <steps>)" */
	CP_GIT_TEST_MERGE_BASE,	/* test commit: "Bisecting: a merge base must be tested" */
	CP_GIT_FOUND,		/* commit is the first bad commit */
	CP_GIT_ONLY_SKIPPED,	/* candidates[] could each be the first bad commit */
	CP_GIT_BOTH,		/* bad is also good: nothing to bisect */
};

struct cp_git_step {
	enum cp_git_action action;
	struct cp_oid commit;
	int left;
	int steps;
	int all;		/* candidates in the range */
	struct cp_oid *candidates;	/* ONLY_SKIPPED; malloc'd */
	size_t ncandidates;
	/*
	 * git would now write BISECT_ANCESTORS_OK: pass ancestors_ok from the
	 * next step on to choose as a running git bisect does.
	 */
	int ancestors_ok;
	/* merge bases that were skipped (git warns and goes on); malloc'd */
	struct cp_oid *skipped_bases;
	size_t nskipped_bases;
};

/*
 * Fills out.  CP_ERR_MERGE_BASE_BAD when bad is itself a merge base of bad
 * and the good commits (some good commit descends from bad): err names it.
 */
int cp_git_next(const struct cp_commit_source *src, const struct cp_git_state *st,
		struct cp_git_step *out, struct cp_error *err);
void cp_git_step_free(struct cp_git_step *step);

#endif
