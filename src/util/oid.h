/*
 * Commit identities: 20-byte SHA-1 object ids, as git and libgit2 use them.
 * A struct cp_oid has the same layout as git_oid (SHA-1), so vcs code may
 * convert by memcpy.
 */
#ifndef CULPRIT_UTIL_OID_H
#define CULPRIT_UTIL_OID_H

#include <stddef.h>
#include <string.h>

#define CP_OID_RAWSZ 20
#define CP_OID_HEXSZ 40

struct cp_oid {
	unsigned char id[CP_OID_RAWSZ];
};

static inline int cp_oid_cmp(const struct cp_oid *a, const struct cp_oid *b)
{
	return memcmp(a->id, b->id, CP_OID_RAWSZ);
}

static inline int cp_oid_equal(const struct cp_oid *a, const struct cp_oid *b)
{
	return !memcmp(a->id, b->id, CP_OID_RAWSZ);
}

/* Writes 40 lowercase hex digits and a NUL into out (41 bytes). */
void cp_oid_to_hex(const struct cp_oid *oid, char out[CP_OID_HEXSZ + 1]);

/* Parses exactly 40 hex digits; returns 0 or -1. */
int cp_oid_from_hex(struct cp_oid *oid, const char *hex);

struct cp_error;

/* Appends id to the malloc'd array *set of *n ids; 0 or CP_ERR_NOMEM. */
int cp_oid_push(struct cp_oid **set, size_t *n, const struct cp_oid *id,
		struct cp_error *err);

#endif
