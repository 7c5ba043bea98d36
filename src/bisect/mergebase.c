/*
 * git's merge-base search (paint_down_to_common) and the ancestry check
 * git bisect makes before its walk (check_good_are_ancestors_of_bad), over
 * revwalk.c's walker: what they parse changes which commits the walk that
 * follows keeps, so they are reproduced, not approximated.
 */
#include "bisect/revwalk_internal.h"

#include <stdlib.h>
#include <string.h>

enum { MB_BAD = 1, MB_GOOD = 2 };

/*
 * Marks every ancestor of start (included) with bit.  All of them must be
 * parsed already, so no node is created and marks stays large enough.
 */
static int paint(struct walker *w, uint32_t start, unsigned bit, unsigned char *marks)
{
	int ret = 0;

	w->stackn = 0;
	if (rw_grow((void **)&w->stack, &w->stackcap, 1, sizeof(*w->stack)) < 0)
		return rw_nomem(w);
	w->stack[w->stackn++] = start;
	while (w->stackn && !ret) {
		uint32_t c = w->stack[--w->stackn];

		if (marks[c] & bit)
			continue;
		marks[c] |= (unsigned char)bit;
		ret = rw_push_parents(w, c);
	}
	return ret;
}

/* Parses every ancestor of start (included). */
static int discover(struct walker *w, uint32_t start)
{
	int ret = 0;

	w->stackn = 0;
	if (rw_grow((void **)&w->stack, &w->stackcap, 1, sizeof(*w->stack)) < 0)
		return rw_nomem(w);
	w->stack[w->stackn++] = start;
	while (w->stackn && !ret) {
		uint32_t c = w->stack[--w->stackn];

		if (w->nodes[c].flags & F_SEEN)
			continue;
		w->nodes[c].flags |= F_SEEN;
		ret = rw_parse(w, c);
		if (!ret)
			ret = rw_push_parents(w, c);
	}
	return ret;
}

enum { PD_ONE = 1, PD_TWO = 2, PD_STALE = 4, PD_RESULT = 8 };

struct pd_entry {
	uint32_t node;
	uint64_t seq;
};

struct painter {
	struct pd_entry *q;	/* binary heap */
	size_t n, cap;
	uint64_t seq;
};

/* git's prio_queue by committer date: newest first, then first queued. */
static int pd_before(const struct walker *w, const struct pd_entry *a,
		     const struct pd_entry *b)
{
	int64_t da = w->nodes[a->node].date, db = w->nodes[b->node].date;

	if (da != db)
		return da > db;
	return a->seq < b->seq;
}

static int pd_push(struct walker *w, struct painter *p, uint32_t node)
{
	struct pd_entry e = { node, p->seq++ };
	size_t i;

	if (rw_grow((void **)&p->q, &p->cap, p->n + 1, sizeof(*p->q)) < 0)
		return rw_nomem(w);
	i = p->n++;
	while (i > 0 && pd_before(w, &e, &p->q[(i - 1) / 2])) {
		p->q[i] = p->q[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	p->q[i] = e;
	return 0;
}

static uint32_t pd_pop(struct walker *w, struct painter *p)
{
	uint32_t top = p->q[0].node;
	struct pd_entry last = p->q[--p->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= p->n)
			break;
		if (c + 1 < p->n && pd_before(w, &p->q[c + 1], &p->q[c]))
			c++;
		if (!pd_before(w, &p->q[c], &last))
			break;
		p->q[i] = p->q[c];
		i = c;
	}
	if (p->n)
		p->q[i] = last;
	return top;
}

static void clear_pflags(struct walker *w)
{
	uint32_t i;

	for (i = 0; i < w->nnodes; i++)
		w->nodes[i].pflags = 0;
}

/*
 * git's paint_down_to_common() without generation numbers (no commit-graph):
 * marks one with PD_ONE and twos with PD_TWO, spreads the marks down in
 * committer-date order until only stale commits are queued, and parses
 * every commit it queues, as git does.  The commits found with both marks
 * are appended to *found (when found is not NULL) in the order git finds
 * them.  The marks stay in pflags until clear_pflags().  With a
 * commit-graph file git may stop this walk earlier by generation; on the
 * generated histories the answers matched all the same (the test
 * next/compare-with-git-commit-graph keeps comparing them).
 */
static int paint_down(struct walker *w, uint32_t one, const uint32_t *twos, size_t ntwos,
		      uint32_t **found, size_t *nfound)
{
	struct painter p = { NULL, 0, 0, 0 };
	size_t i, cap = 0;
	int ret = 0;

	if (found) {
		*found = NULL;
		*nfound = 0;
	}
	w->nodes[one].pflags |= PD_ONE;
	if (!ntwos)
		return 0;
	ret = pd_push(w, &p, one);
	for (i = 0; i < ntwos && !ret; i++) {
		w->nodes[twos[i]].pflags |= PD_TWO;
		ret = pd_push(w, &p, twos[i]);
	}
	while (!ret) {
		int nonstale = 0;
		uint32_t c, k;
		unsigned f;

		/* git scans the whole queue each time, with current marks */
		for (i = 0; i < p.n && !nonstale; i++)
			nonstale = !(w->nodes[p.q[i].node].pflags & PD_STALE);
		if (!nonstale)
			break;
		c = pd_pop(w, &p);
		f = w->nodes[c].pflags & (PD_ONE | PD_TWO | PD_STALE);
		if (f == (PD_ONE | PD_TWO)) {
			if (!(w->nodes[c].pflags & PD_RESULT)) {
				w->nodes[c].pflags |= PD_RESULT;
				if (found) {
					if (rw_grow((void **)found, &cap, *nfound + 1,
						 sizeof(**found)) < 0) {
						ret = rw_nomem(w);
						break;
					}
					(*found)[(*nfound)++] = c;
				}
			}
			f |= PD_STALE;
		}
		for (k = 0; k < w->nodes[c].nparents && !ret; k++) {
			uint32_t par = w->parents[w->nodes[c].parent_off + k];

			if ((w->nodes[par].pflags & f) == f)
				continue;
			ret = rw_parse(w, par);
			if (ret < 0)
				break;
			w->nodes[par].pflags |= (unsigned char)f;
			ret = pd_push(w, &p, par);
		}
	}
	free(p.q);
	if (ret < 0 && found) {
		free(*found);
		*found = NULL;
		*nfound = 0;
	}
	return ret;
}

/*
 * The order in which git's paint finds merge bases: git lists merge bases
 * with equal committer dates in that order.  rank[i] receives the order
 * (UINT32_MAX when i is not found).
 */
static int paint_rank(struct walker *w, const uint32_t *starts, size_t nstarts,
		      uint32_t *rank)
{
	uint32_t *found = NULL;
	size_t nfound = 0, i;
	int ret;

	for (i = 0; i < w->nnodes; i++)
		rank[i] = UINT32_MAX;
	ret = paint_down(w, starts[0], starts + 1, nstarts - 1, &found, &nfound);
	for (i = 0; !ret && i < nfound; i++)
		rank[found[i]] = (uint32_t)i;
	free(found);
	clear_pflags(w);
	return ret;
}

/*
 * Replays the parsing of git's get_merge_bases_many(bad, goods) and its
 * remove_redundant() (no commit-graph), for the commits it leaves parsed.
 */
static int replay_merge_bases(struct walker *w, uint32_t bad, const uint32_t *goods,
			      size_t ngoods)
{
	uint32_t *found = NULL, *res = NULL, *work = NULL;
	size_t nfound = 0, nres = 0, i, j, filled;
	size_t *work_index = NULL;
	unsigned char *redundant = NULL;
	int ret;

	for (i = 0; i < ngoods; i++)
		if (goods[i] == bad)
			return 0;
	ret = paint_down(w, bad, goods, ngoods, &found, &nfound);
	if (ret < 0)
		return ret;
	/* the non-stale ones, by date (stable), as commit_list_insert_by_date */
	res = malloc((nfound ? nfound : 1) * sizeof(*res));
	if (!res) {
		ret = rw_nomem(w);
		goto out;
	}
	for (i = 0; i < nfound; i++) {
		uint32_t x = found[i];

		if (w->nodes[x].pflags & PD_STALE)
			continue;
		for (j = nres; j > 0 && w->nodes[res[j - 1]].date < w->nodes[x].date; j--)
			res[j] = res[j - 1];
		res[j] = x;
		nres++;
	}
	clear_pflags(w);
	if (nres < 2)
		goto out;
	work = malloc(nres * sizeof(*work));
	work_index = malloc(nres * sizeof(*work_index));
	redundant = calloc(nres, 1);
	if (!work || !work_index || !redundant) {
		ret = rw_nomem(w);
		goto out;
	}
	for (i = 0; i < nres && !ret; i++) {
		if (redundant[i])
			continue;
		for (j = filled = 0; j < nres; j++) {
			if (i == j || redundant[j])
				continue;
			work_index[filled] = j;
			work[filled++] = res[j];
		}
		ret = paint_down(w, res[i], work, filled, NULL, NULL);
		if (ret < 0)
			break;
		if (w->nodes[res[i]].pflags & PD_TWO)
			redundant[i] = 1;
		for (j = 0; j < filled; j++)
			if (w->nodes[work[j]].pflags & PD_ONE)
				redundant[work_index[j]] = 1;
		clear_pflags(w);
	}
out:
	free(found);
	free(res);
	free(work);
	free(work_index);
	free(redundant);
	return ret;
}

int cp_revwalk_merge_bases(const struct cp_commit_source *src,
			   const struct cp_oid *bad, const struct cp_oid *goods,
			   size_t ngoods, struct cp_oid **out, size_t *count,
			   struct cp_error *err)
{
	struct walker w = { .src = src, .err = err };
	unsigned char *marks = NULL;
	unsigned char *has_common_child = NULL;
	uint32_t *bases = NULL, *starts = NULL, *rank = NULL;
	struct cp_oid *sorted_goods = NULL;
	size_t nbases = 0, i, j;
	int ret = 0;

	*out = NULL;
	*count = 0;
	starts = malloc((ngoods + 1) * sizeof(*starts));
	if (!starts) {
		ret = rw_nomem(&w);
		goto out;
	}
	/* git lists the good commits by id (the order of their refs) */
	sorted_goods = malloc((ngoods ? ngoods : 1) * sizeof(*sorted_goods));
	if (!sorted_goods) {
		ret = rw_nomem(&w);
		goto out;
	}
	memcpy(sorted_goods, goods, ngoods * sizeof(*goods));
	qsort(sorted_goods, ngoods, sizeof(*sorted_goods), rw_cmp_oid);
	for (i = 0; i <= ngoods; i++) {
		int64_t idx = rw_get_node(&w, i ? &sorted_goods[i - 1] : bad);

		if (idx < 0) {
			ret = rw_nomem(&w);
			goto out;
		}
		starts[i] = (uint32_t)idx;
	}
	for (i = 0; i <= ngoods && !ret; i++)
		ret = discover(&w, starts[i]);
	if (ret)
		goto out;
	marks = calloc(w.nnodes, 1);
	has_common_child = calloc(w.nnodes, 1);
	if (!marks || !has_common_child) {
		ret = rw_nomem(&w);
		goto out;
	}
	for (i = 0; i <= ngoods && !ret; i++)
		ret = paint(&w, starts[i], i ? MB_GOOD : MB_BAD, marks);
	if (ret)
		goto out;
	for (i = 0; i < w.nnodes; i++) {
		if (marks[i] != (MB_BAD | MB_GOOD))
			continue;
		for (j = 0; j < w.nodes[i].nparents; j++)
			has_common_child[w.parents[w.nodes[i].parent_off + j]] = 1;
	}
	bases = malloc((w.nnodes ? w.nnodes : 1) * sizeof(*bases));
	if (!bases) {
		ret = rw_nomem(&w);
		goto out;
	}
	for (i = 0; i < w.nnodes; i++)
		if (marks[i] == (MB_BAD | MB_GOOD) && !has_common_child[i])
			bases[nbases++] = (uint32_t)i;
	/* newest first; equal dates in the order git's paint finds them */
	rank = malloc((w.nnodes ? w.nnodes : 1) * sizeof(*rank));
	if (!rank) {
		ret = rw_nomem(&w);
		goto out;
	}
	ret = paint_rank(&w, starts, ngoods + 1, rank);
	if (ret)
		goto out;
	for (i = 1; i < nbases; i++) {
		uint32_t x = bases[i];

		for (j = i; j > 0 && (w.nodes[bases[j - 1]].date < w.nodes[x].date ||
				      (w.nodes[bases[j - 1]].date == w.nodes[x].date &&
				       rank[bases[j - 1]] > rank[x])); j--)
			bases[j] = bases[j - 1];
		bases[j] = x;
	}
	*out = malloc((nbases ? nbases : 1) * sizeof(**out));
	if (!*out) {
		ret = rw_nomem(&w);
		goto out;
	}
	for (i = 0; i < nbases; i++)
		(*out)[i] = w.nodes[bases[i]].oid;
	*count = nbases;
out:
	free(marks);
	free(has_common_child);
	free(bases);
	free(starts);
	free(rank);
	free(sorted_goods);
	rw_walker_free(&w);
	return ret;
}

/* clear_commit_marks(): every walk flag goes, what was parsed stays parsed. */
static void reset_walk(struct walker *w)
{
	uint32_t i;

	for (i = 0; i < w->nnodes; i++)
		w->nodes[i].flags &= F_PARSED;
	w->heapn = 0;
	w->queue_interesting = 0;
}

/*
 * What git's check_good_are_ancestors_of_bad() leaves behind: its walk
 * `goods ^bad` and, when that finds commits, its merge-base search parse
 * commits, and the bisect walk that follows spreads uninteresting marks
 * through every parsed commit.
 */
static int replay_ancestry_check(struct walker *w, const struct cp_oid *bad,
				 const struct cp_oid *goods, size_t ngoods)
{
	struct cp_oid *sorted = NULL;
	uint32_t *list = NULL, *gidx = NULL;
	size_t nlist = 0, n = 0, i;
	int64_t b;
	int ret;

	ret = rw_start_walk(w, bad, 1, goods, ngoods);
	if (!ret)
		ret = rw_limit(w, 0, &list, &nlist);
	free(list);
	reset_walk(w);
	if (ret < 0 || !nlist)
		return ret;
	/* get_merge_bases_many(bad, goods in the order of their refs) */
	sorted = malloc(ngoods * sizeof(*sorted));
	gidx = malloc(ngoods * sizeof(*gidx));
	b = rw_get_node(w, bad);
	if (!sorted || !gidx || b < 0) {
		ret = rw_nomem(w);
		goto out;
	}
	memcpy(sorted, goods, ngoods * sizeof(*goods));
	qsort(sorted, ngoods, sizeof(*sorted), rw_cmp_oid);
	for (i = 0; i < ngoods; i++) {
		int64_t g;

		if (i && cp_oid_equal(&sorted[i], &sorted[i - 1]))
			continue;
		g = rw_get_node(w, &sorted[i]);
		if (g < 0) {
			ret = rw_nomem(w);
			goto out;
		}
		gidx[n++] = (uint32_t)g;
	}
	ret = replay_merge_bases(w, (uint32_t)b, gidx, n);
	clear_pflags(w);
out:
	free(sorted);
	free(gidx);
	return ret;
}

int cp_revwalk_candidates_after_check(const struct cp_commit_source *src,
				      const struct cp_oid *bad, const struct cp_oid *goods,
				      size_t ngoods, int first_parent,
				      struct cp_graph *out, struct cp_error *err)
{
	struct walker w = { .src = src, .err = err };
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (ngoods)
		ret = replay_ancestry_check(&w, bad, goods, ngoods);
	if (!ret)
		ret = rw_walk_candidates(&w, bad, goods, ngoods, first_parent, out);
	rw_walker_free(&w);
	return ret;
}
