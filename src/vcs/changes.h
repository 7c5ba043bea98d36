/*
 * The files a commit changes against its first parent (or the empty tree),
 * computed the way `git show` computes them: tree diff, then git's default
 * rename detection (exact renames, then inexact ones scored like
 * diffcore-rename with a 50% threshold), then per-file line counts, with
 * git's binary rule (a NUL byte in the first 8000 bytes).
 * Internal to src/vcs.
 */
#ifndef CULPRIT_VCS_CHANGES_H
#define CULPRIT_VCS_CHANGES_H

#include <git2.h>
#include <stddef.h>

#include "util/error.h"

#define CP__MAX_SCORE 60000

/* Invariant: old_path/new_path are both set (equal unless renamed). */
struct cp__change {
	char status;		/* 'A', 'D', 'M', 'R', 'T' */
	char *old_path;
	char *new_path;
	unsigned old_mode;	/* 0 when added */
	unsigned new_mode;	/* 0 when deleted */
	git_oid old_id;
	git_oid new_id;
	int binary;
	size_t insertions;	/* lines; 0 for binary files */
	size_t deletions;
	size_t old_size;	/* bytes, for "Bin X -> Y bytes"; both 0 when */
	size_t new_size;	/* the content is unchanged */
	int score;		/* rename similarity, 0..CP__MAX_SCORE */
};

struct cp__changes {
	struct cp__change *v;
	size_t n;
	size_t cap;
};

/*
 * Computes the changes of commit against its first parent, or against the
 * empty tree when as_root (a root commit, or a shallow clone's boundary,
 * which git shows as a root).
 */
int cp__changes_load(git_repository *repo, git_commit *commit, int as_root,
		     struct cp__changes *out, struct cp_error *err);
/* The same, with rename detection on by default or only when configured. */
int cp__changes_load_renames(git_repository *repo, git_commit *commit, int as_root,
			     int renames_default_on, struct cp__changes *out,
			     struct cp_error *err);
void cp__changes_free(struct cp__changes *ch);

/* A file's content cut and hashed for similarity (git's spanhash). */
struct cp__span {
	unsigned hash;
	size_t cnt;
};

struct cp__spans {
	struct cp__span *v;
	size_t n;
	size_t size;	/* bytes of the file */
	int ready;
};

/* 0 when the sizes differ too much for a rename at minimum_score. */
int cp__size_ok(size_t src_size, size_t dst_size, int minimum_score);
int cp__spans_compute(const void *buf, size_t size, struct cp__spans *out);
void cp__spans_free(struct cp__spans *s);
/* Git's estimate of how much of dst comes from src, 0..CP__MAX_SCORE. */
int cp__spans_score(const struct cp__spans *src, const struct cp__spans *dst);

/* 1 when git would treat the buffer as binary. */
int cp__is_binary(const void *data, size_t size);

#endif
