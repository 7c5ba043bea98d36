/*
 * The built-in example repository of `culprit demo`: a small real C program
 * ("calc", a line-oriented calculator built with AddressSanitizer) with a
 * history of about 200 commits, written directly with libgit2.  The history
 * has topic branches merged back, release tags, a few commits that do not
 * build (each fixed by the next commit on its branch) and exactly one commit,
 * inside a merged topic branch, that introduces a heap buffer overflow: from
 * it on, the reproducer makes AddressSanitizer report
 * "heap-buffer-overflow"; before it, the reproducer runs clean.
 *
 * Caller's steps: cp_demo_make_repo() into a new directory, bisect it with
 * build_cmd and test_cmd run in a checkout of each commit, compare the result
 * with culprit; cp_demo_repo_free().  The same seed gives the same repository,
 * bit for bit (fixed names, e-mails and dates).
 */
#ifndef CULPRIT_DEMO_DEMO_H
#define CULPRIT_DEMO_DEMO_H

#include <stddef.h>

#include "util/error.h"

/* Invariants after a successful cp_demo_make_repo(): every string is
 * non-NULL and NUL-terminated; culprit is an ancestor of bad (not on its
 * first-parent line), good_tag an ancestor of culprit. */
struct cp_demo_repo {
	char *path;		/* the repository (non-bare, with a work tree) */
	char bad[41];		/* tip commit: crashes with the reproducer */
	char culprit[41];	/* the commit that introduced the heap overflow */
	char good_tag[32];	/* release tag vX.Y before the culprit, clean */
	char *build_cmd;	/* shell command building in the current dir */
	char *test_cmd;		/* runs the reproducer: non-zero + ASan report
				 * on the crash, 0 before it */
	size_t ncommits;	/* commits reachable from bad */
};

/*
 * Creates the repository in dir, which must not exist or be an empty
 * directory; its branch main (checked out) points at bad.  seed picks the
 * shape of the history (where the topics, releases, broken builds and the
 * culprit fall).  Needs neither the git CLI nor a compiler; building the
 * commits needs cc and make.  On failure *out is left zeroed (nothing to
 * free) and the partial directory is left for the caller to remove.
 * Returns 0, CP_ERR_IO (dir unusable), CP_ERR_NOMEM or CP_ERR_INTERNAL.
 */
int cp_demo_make_repo(const char *dir, unsigned seed, struct cp_demo_repo *out,
		      struct cp_error *err);

/* Frees the strings of repo (not the directory) and zeroes it. NULL-safe. */
void cp_demo_repo_free(struct cp_demo_repo *repo);

#endif
