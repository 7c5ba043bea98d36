/* A set of object ids: open addressing, at most half full. */
#include "vcs/vcs_internal.h"

#include <stdlib.h>
#include <string.h>

static size_t oid_hash(const struct cp_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h;
}

int cp__oidset_contains(const struct cp__oidset *s, const struct cp_oid *id)
{
	size_t i;

	if (!s->cap)
		return 0;
	for (i = oid_hash(id) & (s->cap - 1); s->used[i];
	     i = (i + 1) & (s->cap - 1))
		if (cp_oid_equal(&s->slot[i], id))
			return 1;
	return 0;
}

int cp__oidset_add(struct cp__oidset *s, const struct cp_oid *id)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct cp__oidset big = { NULL, NULL, s->cap ? 2 * s->cap : 1024, 0 };

		big.slot = malloc(big.cap * sizeof(*big.slot));
		big.used = calloc(big.cap, 1);
		if (!big.slot || !big.used) {
			free(big.slot);
			free(big.used);
			return -1;
		}
		for (i = 0; i < s->cap; i++)
			if (s->used[i])
				cp__oidset_add(&big, &s->slot[i]);
		free(s->slot);
		free(s->used);
		*s = big;
	}
	for (i = oid_hash(id) & (s->cap - 1); s->used[i];
	     i = (i + 1) & (s->cap - 1))
		if (cp_oid_equal(&s->slot[i], id))
			return 0;
	s->used[i] = 1;
	s->slot[i] = *id;
	s->n++;
	return 1;
}

void cp__oidset_free(struct cp__oidset *s)
{
	free(s->slot);
	free(s->used);
	memset(s, 0, sizeof(*s));
}
