/*
 * git's bisect walk, reproduced.  git marks commits with flags while a
 * priority queue pops them newest first; a commit's parents are only known
 * once it is "parsed", and marking a commit uninteresting spreads to its
 * ancestors only through parsed commits.  Because the walk stops early once
 * only uninteresting commits are left, those details decide which commits
 * stay candidates when committer dates are skewed, so they are kept here.
 * The merge-base search and git's ancestry check, which leave parsed
 * commits behind for this walk, are in mergebase.c.
 */
#include "bisect/revwalk_internal.h"

#include <stdlib.h>
#include <string.h>

int rw_nomem(struct walker *w)
{
	return cp_error_set(w->err, CP_ERR_NOMEM, "out of memory in revision walk");
}

int rw_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

static size_t oid_hash(const struct cp_oid *oid)
{
	size_t h;

	memcpy(&h, oid->id, sizeof(h));
	return h;
}

static int table_grow(struct walker *w)
{
	size_t ncap = w->tmask ? (w->tmask + 1) * 2 : 1024, i;
	uint32_t *t = calloc(ncap, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < w->nnodes; i++) {
		size_t h = oid_hash(&w->nodes[i].oid) & (ncap - 1);

		while (t[h])
			h = (h + 1) & (ncap - 1);
		t[h] = (uint32_t)i + 1;
	}
	free(w->table);
	w->table = t;
	w->tmask = ncap - 1;
	return 0;
}

/* The node for oid, created unparsed when new; -1 on allocation failure. */
int64_t rw_get_node(struct walker *w, const struct cp_oid *oid)
{
	size_t h;
	struct node *n;

	if (!w->table || (size_t)w->nnodes * 2 >= w->tmask + 1)
		if (table_grow(w) < 0)
			return -1;
	h = oid_hash(oid) & w->tmask;
	while (w->table[h]) {
		uint32_t idx = w->table[h] - 1;

		if (cp_oid_equal(&w->nodes[idx].oid, oid))
			return idx;
		h = (h + 1) & w->tmask;
	}
	if (w->nnodes == UINT32_MAX - 1)
		return -1;
	{
		size_t cap = w->cap;

		if (rw_grow((void **)&w->nodes, &cap, (size_t)w->nnodes + 1, sizeof(*w->nodes)) < 0)
			return -1;
		w->cap = (uint32_t)cap;
	}
	n = &w->nodes[w->nnodes];
	memset(n, 0, sizeof(*n));
	n->oid = *oid;
	w->table[h] = w->nnodes + 1;
	return w->nnodes++;
}

int rw_parse(struct walker *w, uint32_t idx)
{
	const struct cp_oid *pids;
	size_t np, i;
	int64_t date;
	uint32_t off;
	int ret;

	if (w->nodes[idx].flags & F_PARSED)
		return 0;
	ret = w->src->lookup(w->src->ctx, &w->nodes[idx].oid, &date, &pids, &np, w->err);
	if (ret < 0)
		return ret;
	if (np > UINT32_MAX || rw_grow((void **)&w->parents, &w->parcap, w->nparents + np,
				    sizeof(*w->parents)) < 0)
		return rw_nomem(w);
	off = (uint32_t)w->nparents;
	for (i = 0; i < np; i++) {
		/* rw_get_node() may move w->nodes but not the source's array */
		int64_t p = rw_get_node(w, &pids[i]);

		if (p < 0)
			return rw_nomem(w);
		w->parents[off + i] = (uint32_t)p;
	}
	w->nparents += np;
	w->nodes[idx].date = date;
	w->nodes[idx].parent_off = off;
	w->nodes[idx].nparents = (uint32_t)np;
	w->nodes[idx].flags |= F_PARSED;
	return 0;
}

/* Heap order: newer committer time first, then first queued first. */
static int before(const struct walker *w, uint32_t a, uint32_t b)
{
	const struct node *x = &w->nodes[a], *y = &w->nodes[b];

	if (x->date != y->date)
		return x->date > y->date;
	return x->seq < y->seq;
}

static int heap_push(struct walker *w, uint32_t idx)
{
	size_t i;

	if (rw_grow((void **)&w->heap, &w->heapcap, w->heapn + 1, sizeof(*w->heap)) < 0)
		return rw_nomem(w);
	w->nodes[idx].seq = w->next_seq++;
	w->nodes[idx].flags |= F_IN_QUEUE;
	if (!(w->nodes[idx].flags & F_UNINTERESTING))
		w->queue_interesting++;
	i = w->heapn++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!before(w, idx, w->heap[parent]))
			break;
		w->heap[i] = w->heap[parent];
		i = parent;
	}
	w->heap[i] = idx;
	return 0;
}

static uint32_t heap_pop(struct walker *w)
{
	uint32_t top = w->heap[0], last = w->heap[--w->heapn];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= w->heapn)
			break;
		if (c + 1 < w->heapn && before(w, w->heap[c + 1], w->heap[c]))
			c++;
		if (!before(w, w->heap[c], last))
			break;
		w->heap[i] = w->heap[c];
		i = c;
	}
	if (w->heapn)
		w->heap[i] = last;
	w->nodes[top].flags &= ~(unsigned)F_IN_QUEUE;
	if (!(w->nodes[top].flags & F_UNINTERESTING))
		w->queue_interesting--;
	return top;
}

static void set_uninteresting(struct walker *w, uint32_t idx)
{
	struct node *n = &w->nodes[idx];

	if (n->flags & F_UNINTERESTING)
		return;
	n->flags |= F_UNINTERESTING;
	if (n->flags & F_IN_QUEUE)
		w->queue_interesting--;
}

int rw_push_parents(struct walker *w, uint32_t idx)
{
	const struct node *n = &w->nodes[idx];

	if (!n->nparents)
		return 0;
	if (rw_grow((void **)&w->stack, &w->stackcap, w->stackn + n->nparents,
		 sizeof(*w->stack)) < 0)
		return rw_nomem(w);
	memcpy(w->stack + w->stackn, w->parents + n->parent_off,
	       n->nparents * sizeof(*w->stack));
	w->stackn += n->nparents;
	return 0;
}

/* git's mark_parents_uninteresting(): spreads through parsed commits only. */
static int mark_parents_uninteresting(struct walker *w, uint32_t idx)
{
	int ret;

	if (!(w->nodes[idx].flags & F_PARSED))
		return 0;
	w->stackn = 0;
	ret = rw_push_parents(w, idx);
	while (!ret && w->stackn) {
		uint32_t p = w->stack[--w->stackn];

		if (w->nodes[p].flags & F_UNINTERESTING)
			continue;
		set_uninteresting(w, p);
		if (w->nodes[p].flags & F_PARSED)
			ret = rw_push_parents(w, p);
	}
	return ret;
}

static int process_parents(struct walker *w, uint32_t idx, int first_parent)
{
	uint32_t i, np;
	int ret;

	if (w->nodes[idx].flags & F_ADDED)
		return 0;
	w->nodes[idx].flags |= F_ADDED;
	np = w->nodes[idx].nparents;

	if (w->nodes[idx].flags & F_UNINTERESTING) {
		for (i = 0; i < np; i++) {
			uint32_t p = w->parents[w->nodes[idx].parent_off + i];

			set_uninteresting(w, p);
			/* git reads uninteresting parents "gently": skip bad ones */
			if (rw_parse(w, p) < 0) {
				cp_error_clear(w->err);
				continue;
			}
			if (w->nodes[p].nparents) {
				ret = mark_parents_uninteresting(w, p);
				if (ret < 0)
					return ret;
			}
			if (w->nodes[p].flags & F_SEEN)
				continue;
			w->nodes[p].flags |= F_SEEN;
			ret = heap_push(w, p);
			if (ret < 0)
				return ret;
		}
		return 0;
	}

	for (i = 0; i < np; i++) {
		uint32_t p = w->parents[w->nodes[idx].parent_off + i];

		ret = rw_parse(w, p);
		if (ret < 0)
			return ret;
		if (!(w->nodes[p].flags & F_SEEN)) {
			w->nodes[p].flags |= F_SEEN;
			ret = heap_push(w, p);
			if (ret < 0)
				return ret;
		}
		if (first_parent)
			break;
	}
	return 0;
}

static int still_interesting(const struct walker *w, int64_t date, int slop)
{
	if (!w->heapn)
		return 0;
	if (date <= w->nodes[w->heap[0]].date)
		return SLOP;
	if (w->queue_interesting)
		return SLOP;
	return slop - 1;
}

int rw_cmp_oid(const void *a, const void *b)
{
	return cp_oid_cmp(a, b);
}

/*
 * Sets up the walk for `tip` plus `others`, one side uninteresting, as git's
 * setup_revisions() + prepare_revision_walk() do: every start commit is
 * parsed and flagged first, then in argument order uninteresting ones mark
 * their parents, then the start list is sorted by date (stably).
 */
int rw_start_walk(struct walker *w, const struct cp_oid *tip, int tip_uninteresting,
		  const struct cp_oid *others, size_t nothers)
{
	struct cp_oid *sorted = NULL;
	uint32_t *start = NULL;
	size_t nstart = 0, i, j;
	int ret = 0;

	sorted = malloc((nothers + 1) * sizeof(*sorted));
	start = malloc((nothers + 1) * sizeof(*start));
	if (!sorted || !start) {
		ret = rw_nomem(w);
		goto out;
	}
	/* git lists the good commits in the order of their refs: by id */
	sorted[0] = *tip;
	memcpy(sorted + 1, others, nothers * sizeof(*others));
	qsort(sorted + 1, nothers, sizeof(*sorted), rw_cmp_oid);

	for (i = 0; i <= nothers; i++) {
		int64_t idx = rw_get_node(w, &sorted[i]);

		if (idx < 0) {
			ret = rw_nomem(w);
			goto out;
		}
		ret = rw_parse(w, (uint32_t)idx);
		if (ret < 0)
			goto out;
		if ((i == 0) == !!tip_uninteresting)
			set_uninteresting(w, (uint32_t)idx);
		start[i] = (uint32_t)idx;
	}
	for (i = 0; i <= nothers; i++) {
		uint32_t idx = start[i];

		if (w->nodes[idx].flags & F_UNINTERESTING) {
			ret = mark_parents_uninteresting(w, idx);
			if (ret < 0)
				goto out;
		}
		if (!(w->nodes[idx].flags & F_SEEN)) {
			w->nodes[idx].flags |= F_SEEN;
			start[nstart++] = idx;
		}
	}
	/* stable insertion sort by date, newest first */
	for (i = 1; i < nstart; i++) {
		uint32_t x = start[i];

		for (j = i; j > 0 && w->nodes[start[j - 1]].date < w->nodes[x].date; j--)
			start[j] = start[j - 1];
		start[j] = x;
	}
	for (i = 0; i < nstart && !ret; i++)
		ret = heap_push(w, start[i]);
out:
	free(sorted);
	free(start);
	return ret;
}

/* git's limit_list(): appends interesting commits in pop order to *list. */
int rw_limit(struct walker *w, int first_parent, uint32_t **list, size_t *nlist)
{
	int64_t date = INT64_MAX;
	int slop = SLOP, ret;
	size_t cap = 0;

	*list = NULL;
	*nlist = 0;
	while (w->heapn) {
		uint32_t c = heap_pop(w);

		ret = process_parents(w, c, first_parent);
		if (ret < 0)
			return ret;
		if (w->nodes[c].flags & F_UNINTERESTING) {
			ret = mark_parents_uninteresting(w, c);
			if (ret < 0)
				return ret;
			slop = still_interesting(w, date, slop);
			if (slop)
				continue;
			break;
		}
		date = w->nodes[c].date;
		if (rw_grow((void **)list, &cap, *nlist + 1, sizeof(**list)) < 0)
			return rw_nomem(w);
		(*list)[(*nlist)++] = c;
	}
	return 0;
}

void rw_walker_free(struct walker *w)
{
	free(w->nodes);
	free(w->table);
	free(w->parents);
	free(w->heap);
	free(w->stack);
}

void cp_graph_free(struct cp_graph *graph)
{
	if (!graph)
		return;
	free(graph->oids);
	free(graph->dates);
	free(graph->parent_off);
	free(graph->parents);
	memset(graph, 0, sizeof(*graph));
}

int64_t cp_graph_find(const struct cp_graph *graph, const struct cp_oid *id)
{
	uint32_t i;

	for (i = 0; i < graph->n; i++)
		if (cp_oid_equal(&graph->oids[i], id))
			return i;
	return -1;
}

int rw_build_graph(struct walker *w, const uint32_t *list, size_t nlist,
		   const struct cp_oid *bad, struct cp_graph *out)
{
	int32_t *cand = NULL;
	size_t i, n = 0, npar = 0;
	int64_t bad_idx;

	cand = malloc((w->nnodes ? w->nnodes : 1) * sizeof(*cand));
	if (!cand)
		return rw_nomem(w);
	for (i = 0; i < w->nnodes; i++)
		cand[i] = CP_NOT_CANDIDATE;
	/* processing order is the reverse of the pop order */
	for (i = nlist; i-- > 0;) {
		uint32_t c = list[i];

		if (w->nodes[c].flags & F_UNINTERESTING)
			continue;
		cand[c] = (int32_t)n++;
		npar += w->nodes[c].nparents;
	}
	out->n = (uint32_t)n;
	out->oids = malloc((n ? n : 1) * sizeof(*out->oids));
	out->dates = malloc((n ? n : 1) * sizeof(*out->dates));
	out->parent_off = malloc((n + 1) * sizeof(*out->parent_off));
	out->parents = malloc((npar ? npar : 1) * sizeof(*out->parents));
	if (!out->oids || !out->dates || !out->parent_off || !out->parents) {
		free(cand);
		cp_graph_free(out);
		return rw_nomem(w);
	}
	n = 0;
	npar = 0;
	for (i = nlist; i-- > 0;) {
		const struct node *c = &w->nodes[list[i]];
		uint32_t k;

		if (c->flags & F_UNINTERESTING)
			continue;
		out->oids[n] = c->oid;
		out->dates[n] = c->date;
		out->parent_off[n] = (uint32_t)npar;
		for (k = 0; k < c->nparents; k++)
			out->parents[npar++] = cand[w->parents[c->parent_off + k]];
		n++;
	}
	out->parent_off[n] = (uint32_t)npar;
	bad_idx = rw_get_node(w, bad);
	out->bad = bad_idx >= 0 && cand[bad_idx] != CP_NOT_CANDIDATE ?
		(uint32_t)cand[bad_idx] : UINT32_MAX;
	free(cand);
	return 0;
}

int cp_revwalk_candidates(const struct cp_commit_source *src,
			  const struct cp_oid *bad, const struct cp_oid *goods,
			  size_t ngoods, int first_parent, struct cp_graph *out,
			  struct cp_error *err)
{
	struct walker w = { .src = src, .err = err };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = rw_walk_candidates(&w, bad, goods, ngoods, first_parent, out);
	rw_walker_free(&w);
	return ret;
}

int cp_revwalk_goods_outside(const struct cp_commit_source *src,
			     const struct cp_oid *bad, const struct cp_oid *goods,
			     size_t ngoods, int *outside, struct cp_error *err)
{
	struct walker w = { .src = src, .err = err };
	uint32_t *list = NULL;
	size_t nlist = 0;
	int ret;

	*outside = 0;
	if (!ngoods)
		return 0;
	ret = rw_start_walk(&w, bad, 1, goods, ngoods);
	if (!ret)
		ret = rw_limit(&w, 0, &list, &nlist);
	if (!ret)
		*outside = nlist > 0;
	free(list);
	rw_walker_free(&w);
	return ret;
}

/*
 * The bisect walk proper on a walker that may have parsed commits already
 * (cp_revwalk_candidates_after_check() replays git's ancestry check first).
 */
int rw_walk_candidates(struct walker *w, const struct cp_oid *bad, const struct cp_oid *goods,
		       size_t ngoods, int first_parent, struct cp_graph *out)
{
	uint32_t *list = NULL;
	size_t nlist = 0;
	int ret;

	ret = rw_start_walk(w, bad, 0, goods, ngoods);
	if (!ret)
		ret = rw_limit(w, first_parent, &list, &nlist);
	if (!ret)
		ret = rw_build_graph(w, list, nlist, bad, out);
	free(list);
	return ret;
}
