/*
 * Internals shared by the files of src/vcs (not part of the API): the
 * repository handle and helpers that turn libgit2 errors into cp_error.
 */
#ifndef CULPRIT_VCS_VCS_INTERNAL_H
#define CULPRIT_VCS_VCS_INTERNAL_H

#include <git2.h>

#include "vcs/vcs.h"

/*
 * Invariants: git is open; git_dir is never NULL and ends with '/';
 * workdir is NULL for a bare repository; shallow[] is sorted (the commits
 * listed in the repository's "shallow" file, whose parents are cut off).
 */
struct cp_repo {
	git_repository *git;
	git_odb *odb;		/* for fast raw commit reads */
	char *git_dir;
	char *workdir;
	int is_shallow;
	struct cp_oid *shallow;
	size_t nshallow;
	/* cp_repo_commit_parents() output buffer */
	struct cp_oid *parents;
	size_t parents_cap;
};

static inline const git_oid *cp__git_oid(const struct cp_oid *id)
{
	return (const git_oid *)(const void *)id;
}

static inline void cp__oid_from_git(struct cp_oid *out, const git_oid *id)
{
	memcpy(out->id, id->id, CP_OID_RAWSZ);
}

/* A set of object ids (zero-initialise; cp__oidset_free() when done). */
struct cp__oidset {
	struct cp_oid *slot;
	unsigned char *used;
	size_t cap, n;
};

/* 1 when added, 0 when already there, -1 when out of memory. */
int cp__oidset_add(struct cp__oidset *s, const struct cp_oid *id);
int cp__oidset_contains(const struct cp__oidset *s, const struct cp_oid *id);
void cp__oidset_free(struct cp__oidset *s);

/* The last libgit2 error message, or "unknown error" (odb.c). */
const char *cp__git_msg(void);

/* 1 when the last libgit2 error was an allocation failure. */
int cp__git_is_nomem(void);

/*
 * Maps a failed lookup of object id (a libgit2 error code) to a status:
 * missing → CP_ERR_REPO_CORRUPT "missing object <sha>", corrupt →
 * CP_ERR_REPO_CORRUPT "corrupt object <sha>: ...", out of memory → NOMEM.
 */
int cp__object_error(int gitcode, const git_oid *id, struct cp_error *err);

/* cp_oid_cmp for qsort/bsearch over arrays of struct cp_oid. */
int cp__oid_cmp_qsort(const void *a, const void *b);

/* 1 when id is listed in the repository's shallow file (odb.c). */
int cp__repo_is_shallow_boundary(const struct cp_repo *repo,
				 const struct cp_oid *id);

/*
 * Reads a commit object: committer time, parents (into repo->parents, valid
 * until the next read) and, when message is not NULL, a malloc'd copy of
 * its message.  Shallow boundaries are not special here.
 */
int cp__commit_raw(struct cp_repo *repo, const struct cp_oid *id,
		   int64_t *commit_time, size_t *nparents, char **message,
		   struct cp_error *err);

/* Resolves ":/regex" and ":/!-regex" as git does (search.c). */
int cp__resolve_message_search(struct cp_repo *repo, const char *rev,
			       struct cp_oid *out, struct cp_error *err);

/* The first paragraph of a commit message on one line, like git's %s. */
char *cp__subject(const char *msg);

/*
 * text converted from a commit's "encoding" header to UTF-8, as git shows
 * it; NULL when no conversion is needed or possible (git then shows the
 * bytes as they are).
 */
char *cp__to_utf8(const char *text, const char *encoding);

/*
 * " (HEAD -> main, tag: v1.0)": the refs naming id as git show decorates
 * it (full: whole ref names; all_refs: not only branches, remote branches,
 * tags and the stash); NULL when none or out of memory.
 */
char *cp__decorations(git_repository *git, const git_oid *id, int full,
		      int all_refs);

/* The shallow-clone error for boundary commit id. */
int cp__shallow_error(const struct cp_oid *id, struct cp_error *err);

#endif
