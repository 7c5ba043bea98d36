/*
 * The shared, content-addressed build cache: one directory that several
 * culprit processes (and Slurm nodes over a shared file system) use at
 * once, so a tree is built once for every bisection that tests it.
 *
 * Key: SHA-256 over the commit's tree id (not the commit id: two commits
 * with the same tree share a build), the build recipe (the build command),
 * the compiler identity and the artifact list.  Value: the artifacts and
 * their signature.  Layout under DIR:
 *
 *   entries/<key>/manifest        what the entry holds, with a hash per file
 *   entries/<key>/files/<path>    the artifacts, relative to the worktree
 *   locks/<key>                   flock()ed by the one process building key
 *   tmp/                          entries being written, then renamed in
 *
 * Publishing writes the entry under tmp/ and renames it into entries/, so
 * an entry is whole or absent.  The manifest ends with a hash of itself and
 * lists each file's SHA-256 and size; a fetch checks every byte, so a
 * corrupt or half-written entry is removed and rebuilt, never used.  The
 * manifest's mtime is the entry's last use; a publish evicts the least
 * recently used entries beyond the size limit (entries whose lock is held
 * are skipped).
 */
#ifndef CULPRIT_CACHE_CACHE_H
#define CULPRIT_CACHE_CACHE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define CP_CACHE_KEY_HEXSZ 65
#define CP_CACHE_MAX_DEFAULT (20ull << 30)

struct cp_cache;

/*
 * Opens (creating) the cache at dir with a size limit (0: the default).
 * CP_ERR_IO with the reason when dir cannot be created or read.  A cache
 * whose entries/ exists but which cannot be written (read-only, no write
 * permission, full) opens read-only: fetches work, a fetched entry that
 * fails its check is reported corrupt and left, publish keeps nothing and
 * no lock is taken (see cp_cache_read_only()).
 */
int cp_cache_open(struct cp_cache **out, const char *dir, uint64_t max_bytes,
		  struct cp_error *err);
/* NULL, or why the cache is read-only (one line, for the log). */
const char *cp_cache_read_only(const struct cp_cache *c);
void cp_cache_close(struct cp_cache *c);
const char *cp_cache_dir(const struct cp_cache *c);

/* The key of a build (hex SHA-256); artifacts in the job's order. */
int cp_cache_key(const char *tree_hex, const char *recipe, const char *compiler,
		 char *const *artifacts, size_t nartifacts, char out[CP_CACHE_KEY_HEXSZ],
		 struct cp_error *err);

/*
 * Waits for key's lock (polling *stop, which may be NULL; then
 * CP_ERR_INTERRUPTED).  *fd is the lock, released by cp_cache_unlock().
 */
int cp_cache_lock(struct cp_cache *c, const char *key, volatile sig_atomic_t *stop,
		  int *fd, struct cp_error *err);
void cp_cache_unlock(int fd);

enum cp_cache_found {
	CP_CACHE_MISS,		/* no entry */
	CP_CACHE_HIT,		/* the artifacts are now under root */
	CP_CACHE_CORRUPT,	/* an entry failed its check and was removed */
};

/*
 * Copies key's artifacts into root and its signature into sig.  A corrupt
 * entry is removed (why says what failed) and reported as such; files
 * already copied from it are left for the rebuild to overwrite.
 */
int cp_cache_fetch(struct cp_cache *c, const char *key, const char *root, char *sig,
		   size_t sigsize, enum cp_cache_found *found, char *why, size_t whysize,
		   struct cp_error *err);

/*
 * Publishes the files (absolute paths under root) and sig as key's entry,
 * then evicts beyond the size limit.  An entry published meanwhile by
 * another process wins; ours is dropped.  A read-only cache keeps nothing
 * (and returns 0).
 */
int cp_cache_publish(struct cp_cache *c, const char *key, const char *root,
		     char *const *files, size_t nfiles, const char *sig, struct cp_error *err);

/*
 * 1 when key has an entry (not checked: a fetch checks it), so a caller can
 * prefer work that is already done; 0 otherwise.
 */
int cp_cache_has(const struct cp_cache *c, const char *key);

/* Bytes held by the entries (from their manifests). */
uint64_t cp_cache_size(struct cp_cache *c);

#endif
