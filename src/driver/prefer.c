/*
 * Cache-aware choice for the git policy.  In a farm, bisections of one tree
 * from nearby ranges pick nearby but different midpoints, and each misses
 * the others' builds.  A commit that splits the candidates 40/60 instead of
 * 50/50 costs about 3% of a step in information (H(0.4) = 0.97 bit), while
 * a build it finds in the cache saves a whole build (minutes for a kernel).
 * So when git's choice is not in the cache, a cached candidate that leaves
 * at least a third of the range on either side (H >= 0.92 bit) is tested
 * instead, the best-splitting one; the log says so.  Every verdict is still
 * a real test of that commit, so the answer stays git's; only the path to
 * it changes.  "cache_prefer": false in the job turns this off.
 */
#include "driver/internal.h"

#include "bisect/bisect.h"
#include "bisect/gitstep.h"

#include <stdlib.h>
#include <string.h>

/* 1 when id is one of the n skipped commits. */
static int skipped(const struct cp_git_state *st, const struct cp_oid *id)
{
	size_t i;

	for (i = 0; i < st->nskips; i++)
		if (!memcmp(&st->skips[i], id, sizeof(*id)))
			return 1;
	return 0;
}

int drv_cache_prefer(struct driver *d, const struct cp_git_state *st, struct cp_oid *commit)
{
	char key[CP_CACHE_KEY_HEXSZ], tree[CP_OID_HEXSZ + 1], hex[CP_OID_HEXSZ + 1];
	char was[CP_OID_HEXSZ + 1];
	struct cp_graph graph = { 0 };
	int32_t *w = NULL, best_split = 0, all;
	int64_t best = -1;
	uint32_t i;
	int ret;

	if (!d->cache || d->job->cache_exact)
		return 0;
	if (drv_cache_key(d, commit, key, tree) || cp_cache_has(d->cache, key))
		return 0;
	ret = cp_revwalk_candidates(&d->src, &st->bad, st->goods, st->ngoods, st->first_parent,
				    &graph, d->err);
	if (ret)
		return ret;
	all = (int32_t)graph.n;
	w = calloc(graph.n ? graph.n : 1, sizeof(*w));
	if (!w) {
		ret = cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	ret = cp_bisect_weights(&graph, st->first_parent, w, d->err);
	if (ret)
		goto out;
	for (i = 0; i < graph.n; i++) {
		int32_t split = w[i] < all - w[i] ? w[i] : all - w[i];

		/* the bad end is known; a third each side at least */
		if (i == graph.bad || split * 3 < all || split <= best_split ||
		    skipped(st, &graph.oids[i]))
			continue;
		if (drv_cache_key(d, &graph.oids[i], key, tree))
			break;	/* logged once; git's choice stands */
		if (cp_cache_has(d->cache, key)) {
			best = i;
			best_split = split;
		}
	}
	if (best >= 0 && memcmp(&graph.oids[best], commit, sizeof(*commit))) {
		cp_oid_to_hex(commit, was);
		cp_oid_to_hex(&graph.oids[best], hex);
		drv_log(d, "cache: testing %.12s instead of %.12s: built already, it splits %d/%d\n",
			hex, was, best_split, all - best_split);
		*commit = graph.oids[best];
	}
out:
	free(w);
	cp_graph_free(&graph);
	return ret;
}
