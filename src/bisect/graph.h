/*
 * The candidate graph: the commits a bisection step chooses from, in the
 * order git's bisect processes them (oldest first: the reverse of the order
 * `git rev-list bad ^good...` pops them), with their parents.
 *
 * Invariants: parents of candidate i are parents[parent_off[i] ..
 * parent_off[i + 1]), in commit order, each a candidate index or
 * CP_NOT_CANDIDATE (the parent is reachable from a good commit, or, in
 * first-parent mode, was never walked).  bad is a candidate index.
 */
#ifndef CULPRIT_BISECT_GRAPH_H
#define CULPRIT_BISECT_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "util/oid.h"

#define CP_NOT_CANDIDATE (-1)

struct cp_graph {
	uint32_t n;		/* number of candidates */
	struct cp_oid *oids;	/* n ids */
	int64_t *dates;		/* n committer times */
	uint32_t *parent_off;	/* n + 1 offsets into parents */
	int32_t *parents;	/* candidate index or CP_NOT_CANDIDATE */
	uint32_t bad;		/* index of the bad commit (valid when n > 0) */
};

void cp_graph_free(struct cp_graph *graph);

/* Index of id among the candidates, or -1. Linear; for tests and the CLI. */
int64_t cp_graph_find(const struct cp_graph *graph, const struct cp_oid *id);

#endif
