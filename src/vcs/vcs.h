/*
 * Version control: everything culprit reads from or writes to a git
 * repository, on libgit2.  This is an edge module: the bisection core never
 * includes it; it hands the core plain data (ids, parents, dates).
 *
 * Caller's steps: cp_repo_open(), then resolve revisions, read commits, list
 * release tags, check commits out into a dedicated worktree; cp_repo_free().
 * All functions return 0 or a negative enum cp_status and fill err.
 * libgit2 is initialised by cp_repo_open() and shut down by cp_repo_free()
 * (reference counted, so several repositories may be open).
 */
#ifndef CULPRIT_VCS_VCS_H
#define CULPRIT_VCS_VCS_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/oid.h"

struct cp_repo;

/*
 * Opens the repository at path (the top of a work tree, its .git, or a bare
 * repository).  Parent directories are not searched: a subdirectory of a
 * work tree is CP_ERR_NOT_REPO, like any path that is not a repository.
 */
int cp_repo_open(struct cp_repo **out, const char *path, struct cp_error *err);
void cp_repo_free(struct cp_repo *repo);

/*
 * The directory holding the repository's objects and refs (".git", or the
 * common directory when path is a linked worktree), ending with '/'.
 */
const char *cp_repo_git_dir(const struct cp_repo *repo);
/* The work tree of the user's checkout, or NULL for a bare repository. */
const char *cp_repo_workdir(const struct cp_repo *repo);
/* 1 when the repository is a shallow clone (history is cut off). */
int cp_repo_is_shallow(const struct cp_repo *repo);
/*
 * 1 when id is a shallow-clone boundary (listed in the repository's shallow
 * file): the commit exists but its parents were not fetched.
 */
int cp_repo_is_shallow_boundary(const struct cp_repo *repo,
				const struct cp_oid *id);

/*
 * Resolves rev to a commit: full or abbreviated hashes, tags (peeled to their
 * commit), branches, HEAD, REV~N, REV^N and any other git revision syntax
 * libgit2 accepts.  CP_ERR_BAD_REV when it names nothing; CP_ERR_NOT_COMMIT
 * when it names a tree or a blob; CP_ERR_REPO_CORRUPT when the object is
 * missing or unreadable.
 */
int cp_repo_resolve(struct cp_repo *repo, const char *rev, struct cp_oid *out,
		    struct cp_error *err);

/*
 * The parents (in order) and committer time of one commit.  *parents points
 * into storage owned by the repository and stays valid until the next call
 * of this function.  CP_ERR_REPO_CORRUPT when the commit cannot be read
 * (missing object, corrupt object, or history cut off by a shallow clone:
 * asking for the parents of a shallow boundary commit is an error, "history
 * is cut off at <sha> (shallow clone); ...").
 */
int cp_repo_commit_parents(struct cp_repo *repo, const struct cp_oid *id,
			   int64_t *commit_time, const struct cp_oid **parents,
			   size_t *nparents, struct cp_error *err);

/*
 * The tree id of commit id: what the build cache keys builds by, so two
 * commits with the same files share one.
 */
int cp_repo_commit_tree(struct cp_repo *repo, const struct cp_oid *id, struct cp_oid *tree,
			struct cp_error *err);

/* One "Key: value" trailer at the end of a commit message. */
struct cp_trailer {
	char *key;
	char *value;
};

/* One changed file, against the first parent (or the empty tree). */
struct cp_file_change {
	char *path;		/* new path */
	char *old_path;		/* differs from path for renames */
	char status;		/* 'A', 'D', 'M', 'R', 'C', 'T' */
	unsigned mode;		/* new mode (0 when deleted) */
	int binary;
	size_t insertions;
	size_t deletions;
};

struct cp_signature {
	char *name;
	char *email;
	int64_t time;		/* seconds since the epoch */
	int offset;		/* minutes east of UTC */
};

struct cp_commit_info {
	struct cp_oid id;
	struct cp_signature author;
	struct cp_signature committer;
	char *message;		/* full message, as stored */
	char *subject;		/* first paragraph on one line, like %s
				   (in UTF-8, like git shows it) */
	struct cp_oid *parents;
	size_t nparents;
	struct cp_trailer *trailers;
	size_t ntrailers;
	struct cp_file_change *files;	/* only with CP_COMMIT_FILES */
	size_t nfiles;
	size_t insertions;
	size_t deletions;
};

#define CP_COMMIT_FILES 1u	/* also compute changed files and diffstat */

/*
 * Loads one commit.  Changed files are those `git show` lists: against the
 * first parent (the empty tree for a root or a shallow boundary), renames
 * detected as git does, a file is binary when a NUL is in its first 8000
 * bytes (its insertions and deletions are then 0).  CP_ERR_REPO_CORRUPT
 * when an object is missing or unreadable.  Free with cp_commit_info_free().
 */

int cp_commit_info_load(struct cp_repo *repo, const struct cp_oid *id,
			unsigned flags, struct cp_commit_info **out,
			struct cp_error *err);
void cp_commit_info_free(struct cp_commit_info *info);

/*
 * The commit as `git show --stat --summary --no-abbrev-commit
 * --diff-merges=first-parent` prints it (no colour, 80 columns).  *out is a
 * malloc'd NUL-terminated string.
 */
int cp_commit_format_show(struct cp_repo *repo, const struct cp_oid *id,
			  char **out, struct cp_error *err);

/*
 * The commit as git bisect 2.39 prints it after "<sha> is the first bad
 * commit" (its internal `git diff-tree --pretty --stat --summary --cc`):
 * empty for a root commit or one that changes nothing.
 */
int cp_commit_format_bisect(struct cp_repo *repo, const struct cp_oid *id,
			    char **out, struct cp_error *err);

/*
 * The file at path in commit id's tree, read without a checkout: *data is
 * malloc'd and NUL-terminated (*len bytes before the NUL).  CP_ERR_INPUT
 * when there is no such file or it is larger than max bytes.
 */
int cp_commit_read_file(struct cp_repo *repo, const struct cp_oid *id, const char *path,
			size_t max, char **data, size_t *len, struct cp_error *err);

/*
 * Calls fn(path, data, len, arg) for each file of commit id's tree whose
 * name (the last path component) starts with name_prefix, in tree order,
 * without a checkout; fn returns non-zero to stop the walk (not an error).
 */
int cp_commit_foreach_file(struct cp_repo *repo, const struct cp_oid *id, const char *name_prefix,
			   int (*fn)(const char *path, const char *data, size_t len, void *arg),
			   void *arg, struct cp_error *err);

/*
 * A release tag vX.Y or vX.Y.Z (digits only: release candidates and other
 * suffixes excluded).  patch is 0 for vX.Y.
 */
struct cp_release {
	char *name;		/* "v5.12" */
	struct cp_oid commit;	/* the tag peeled to its commit */
	int major, minor, patch;
};

/*
 * Release tags whose commit is an ancestor of (or equal to) from, newest
 * version first.  The array and names are malloc'd; free with
 * cp_releases_free().
 */
int cp_repo_release_tags(struct cp_repo *repo, const struct cp_oid *from,
			 struct cp_release **out, size_t *count,
			 struct cp_error *err);
void cp_releases_free(struct cp_release *releases, size_t count);

/*
 * A dedicated work tree for building commits: a linked git worktree at dir,
 * detached, owned by culprit (registered as <git dir>/worktrees/culprit-*,
 * no branch created).  The user's own checkout (HEAD, index, files) and
 * branches are never touched; bare repositories work.  dir must be missing
 * (it is created with its parents), empty, or a culprit worktree of this
 * repository:
 * reopening one reuses it, re-registering it if `git worktree prune` dropped
 * it.  Anything else is CP_ERR_IO.
 */
struct cp_worktree;

int cp_worktree_open(struct cp_repo *repo, const char *dir,
		     struct cp_worktree **out, struct cp_error *err);
/*
 * Checks id out into the worktree (forced), discarding changes and removing
 * untracked files; ignored files (in-tree build output) stay.
 */
int cp_worktree_checkout(struct cp_worktree *wt, const struct cp_oid *id,
			 struct cp_error *err);
const char *cp_worktree_path(const struct cp_worktree *wt);
/* Frees the handle; the directory stays for reuse (build trees are big). */
void cp_worktree_free(struct cp_worktree *wt);
/*
 * Removes the worktree directory and its registration in the repository.
 * A missing directory only drops its registration; a directory that is not
 * a worktree of this repository is refused (CP_ERR_IO), never deleted.
 */
int cp_worktree_remove(struct cp_repo *repo, const char *dir,
		       struct cp_error *err);

#endif
