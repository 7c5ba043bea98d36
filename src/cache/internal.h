/* Shared between cache.c (directory, keys, locks, eviction) and entry.c. */
#ifndef CULPRIT_CACHE_INTERNAL_H
#define CULPRIT_CACHE_INTERNAL_H

#include <stdint.h>

#include "cache/cache.h"

struct cp_cache {
	char *dir;
	uint64_t max_bytes;
	unsigned seq;		/* names of this process's temporary entries */
	char *read_only;	/* why nothing can be written, or NULL */
};

#define CP_CACHE__MAGIC "culprit-cache 1"

/* rm -rf path; best effort, 0 or -1. */
int cp_cache__remove_tree(const char *path);
/* Moves an entry aside (atomic) and deletes it. */
void cp_cache__drop(struct cp_cache *c, const char *key);
/* Evicts least recently used entries until the size is under the limit. */
void cp_cache__evict(struct cp_cache *c, const char *keep);
/* The "bytes" a manifest declares, or -1 when it cannot be read. */
int64_t cp_cache__manifest_bytes(const char *path);

#endif
