/* An in-memory history for tests: commit i has id oid_of(i). */
#ifndef CULPRIT_TESTS_MEMSOURCE_H
#define CULPRIT_TESTS_MEMSOURCE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bisect/revwalk.h"

struct mem_commit {
	int64_t date;
	int nparents;
	int parents[4];
};

struct mem_history {
	struct mem_commit *c;
	int n;
	struct cp_oid buf[4];
};

static inline struct cp_oid oid_of(int i)
{
	struct cp_oid o;
	uint32_t x = (uint32_t)i * 2654435761u;

	memset(&o, 0, sizeof(o));
	memcpy(o.id, &x, sizeof(x));
	o.id[8] = (unsigned char)(i >> 8);
	o.id[9] = (unsigned char)i;
	return o;
}

/*
 * A linear history of n commits, dates 1000 + i, commit i's parent i - 1;
 * h.c is NULL when the allocation failed (free it with free(h.c)).
 */
static inline struct mem_history mem_linear(int n)
{
	struct mem_history h = { .n = n };
	int i;

	h.c = calloc((size_t)n, sizeof(*h.c));
	for (i = 0; h.c && i < n; i++) {
		h.c[i].date = 1000 + i;
		h.c[i].nparents = i ? 1 : 0;
		h.c[i].parents[0] = i - 1;
	}
	return h;
}

static inline int index_of(const struct mem_history *h, const struct cp_oid *id)
{
	int i;

	for (i = 0; i < h->n; i++) {
		struct cp_oid o = oid_of(i);

		if (cp_oid_equal(&o, id))
			return i;
	}
	return -1;
}

static inline int mem_lookup(void *ctx, const struct cp_oid *id, int64_t *t,
			     const struct cp_oid **parents, size_t *np,
			     struct cp_error *err)
{
	struct mem_history *h = ctx;
	int i = index_of(h, id), k;

	if (i < 0)
		return cp_error_set(err, CP_ERR_REPO_CORRUPT, "missing commit");
	*t = h->c[i].date;
	for (k = 0; k < h->c[i].nparents; k++)
		h->buf[k] = oid_of(h->c[i].parents[k]);
	*parents = h->buf;
	*np = (size_t)h->c[i].nparents;
	return 0;
}

#endif
