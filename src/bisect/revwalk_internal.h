/*
 * The walker shared by revwalk.c (git's bisect walk) and mergebase.c (its
 * merge-base search and ancestry check).  Not for users: they include
 * bisect/revwalk.h.
 */
#ifndef CULPRIT_BISECT_REVWALK_INTERNAL_H
#define CULPRIT_BISECT_REVWALK_INTERNAL_H

#include "bisect/revwalk.h"

#define SLOP 5

enum {
	F_SEEN = 1u << 0,
	F_UNINTERESTING = 1u << 1,
	F_PARSED = 1u << 2,
	F_ADDED = 1u << 3,
	F_IN_QUEUE = 1u << 4,
	F_ON_LIST = 1u << 5,
};

struct node {
	struct cp_oid oid;
	int64_t date;
	uint64_t seq;		/* queue order among equal dates */
	uint32_t parent_off;	/* into walker.parents */
	uint32_t nparents;
	unsigned flags;
	unsigned char pflags;	/* paint_down() marks */
};

struct walker {
	const struct cp_commit_source *src;
	struct cp_error *err;
	struct node *nodes;
	uint32_t nnodes, cap;
	uint32_t *table;	/* open addressing: node index + 1, 0 = empty */
	size_t tmask;
	uint32_t *parents;
	size_t nparents, parcap;
	uint32_t *heap;
	size_t heapn, heapcap;
	uint64_t next_seq;
	size_t queue_interesting;	/* queued nodes without F_UNINTERESTING */
	uint32_t *stack;
	size_t stackn, stackcap;
};

int rw_nomem(struct walker *w);
int rw_grow(void **arr, size_t *cap, size_t need, size_t elem);
/* The node for oid, created unparsed when new; -1 on allocation failure. */
int64_t rw_get_node(struct walker *w, const struct cp_oid *oid);
int rw_parse(struct walker *w, uint32_t idx);
int rw_push_parents(struct walker *w, uint32_t idx);
int rw_cmp_oid(const void *a, const void *b);
int rw_start_walk(struct walker *w, const struct cp_oid *tip, int tip_uninteresting,
		  const struct cp_oid *others, size_t nothers);
int rw_limit(struct walker *w, int first_parent, uint32_t **list, size_t *nlist);
int rw_build_graph(struct walker *w, const uint32_t *list, size_t nlist,
		   const struct cp_oid *bad, struct cp_graph *out);
void rw_walker_free(struct walker *w);
int rw_walk_candidates(struct walker *w, const struct cp_oid *bad, const struct cp_oid *goods,
		       size_t ngoods, int first_parent, struct cp_graph *out);

#endif
