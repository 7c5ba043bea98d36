/*
 * The build signature of a generic project: SHA-256 over the build's
 * declared artifacts (the job's "artifacts", paths or globs relative to the
 * worktree; a directory stands for every file under it).  The files are
 * taken in sorted order of their names relative to the worktree; each adds
 * its name, its bytes (a symbolic link: its target's name) and its size.
 * Commits whose signatures are equal built the same binary, so they share
 * evidence (docs/job.md).
 */
#ifndef CULPRIT_DRIVER_ARTIFACTS_H
#define CULPRIT_DRIVER_ARTIFACTS_H

#include <stddef.h>

#include "util/error.h"

#define CP_ARTIFACTS_SIG_HEXSZ 65	/* 64 hex digits and NUL */

/*
 * Hashes the artifacts patterns name under root into out (hex) and sets
 * *nfiles.  A pattern matching nothing leaves out empty (no signature) and
 * names the pattern in missing; that is not an error.
 */
int cp_artifacts_signature(const char *root, char *const *patterns, size_t npatterns,
			   char out[CP_ARTIFACTS_SIG_HEXSZ], size_t *nfiles,
			   char *missing, size_t missing_size, struct cp_error *err);

/*
 * The files patterns name under root (absolute, sorted, each once) in
 * *paths (free with cp_artifacts_list_free()); a pattern matching nothing
 * gives no files and names the pattern in missing.
 */
int cp_artifacts_list(const char *root, char *const *patterns, size_t npatterns,
		      char ***paths, size_t *npaths, char *missing, size_t missing_size,
		      struct cp_error *err);
void cp_artifacts_list_free(char **paths, size_t n);

#endif
