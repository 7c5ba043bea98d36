/*
 * git's bisect walk, reproduced.  git marks commits with flags while a
 * priority queue pops them newest first; a commit's parents are only known
 * once it is "parsed", and marking a commit uninteresting spreads to its
 * ancestors only through parsed commits.  Because the walk stops early once
 * only uninteresting commits are left, those details decide which commits
 * stay candidates when committer dates are skewed, so they are kept here.
 */
#include "bisect/revwalk.h"

#include <stdlib.h>
#include <string.h>

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

static int nomem(struct walker *w)
{
	return cp_error_set(w->err, CP_ERR_NOMEM, "out of memory in revision walk");
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
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
static int64_t get_node(struct walker *w, const struct cp_oid *oid)
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

		if (grow((void **)&w->nodes, &cap, (size_t)w->nnodes + 1, sizeof(*w->nodes)) < 0)
			return -1;
		w->cap = (uint32_t)cap;
	}
	n = &w->nodes[w->nnodes];
	memset(n, 0, sizeof(*n));
	n->oid = *oid;
	w->table[h] = w->nnodes + 1;
	return w->nnodes++;
}

static int parse(struct walker *w, uint32_t idx)
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
	if (np > UINT32_MAX || grow((void **)&w->parents, &w->parcap, w->nparents + np,
				    sizeof(*w->parents)) < 0)
		return nomem(w);
	off = (uint32_t)w->nparents;
	for (i = 0; i < np; i++) {
		/* get_node() may move w->nodes but not the source's array */
		int64_t p = get_node(w, &pids[i]);

		if (p < 0)
			return nomem(w);
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

	if (grow((void **)&w->heap, &w->heapcap, w->heapn + 1, sizeof(*w->heap)) < 0)
		return nomem(w);
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

static int push_parents(struct walker *w, uint32_t idx)
{
	const struct node *n = &w->nodes[idx];

	if (!n->nparents)
		return 0;
	if (grow((void **)&w->stack, &w->stackcap, w->stackn + n->nparents,
		 sizeof(*w->stack)) < 0)
		return nomem(w);
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
	ret = push_parents(w, idx);
	while (!ret && w->stackn) {
		uint32_t p = w->stack[--w->stackn];

		if (w->nodes[p].flags & F_UNINTERESTING)
			continue;
		set_uninteresting(w, p);
		if (w->nodes[p].flags & F_PARSED)
			ret = push_parents(w, p);
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
			if (parse(w, p) < 0) {
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

		ret = parse(w, p);
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

static int cmp_oid(const void *a, const void *b)
{
	return cp_oid_cmp(a, b);
}

/*
 * Sets up the walk for `tip` plus `others`, one side uninteresting, as git's
 * setup_revisions() + prepare_revision_walk() do: every start commit is
 * parsed and flagged first, then in argument order uninteresting ones mark
 * their parents, then the start list is sorted by date (stably).
 */
static int start_walk(struct walker *w, const struct cp_oid *tip, int tip_uninteresting,
		      const struct cp_oid *others, size_t nothers)
{
	struct cp_oid *sorted = NULL;
	uint32_t *start = NULL;
	size_t nstart = 0, i, j;
	int ret = 0;

	sorted = malloc((nothers + 1) * sizeof(*sorted));
	start = malloc((nothers + 1) * sizeof(*start));
	if (!sorted || !start) {
		ret = nomem(w);
		goto out;
	}
	/* git lists the good commits in the order of their refs: by id */
	sorted[0] = *tip;
	memcpy(sorted + 1, others, nothers * sizeof(*others));
	qsort(sorted + 1, nothers, sizeof(*sorted), cmp_oid);

	for (i = 0; i <= nothers; i++) {
		int64_t idx = get_node(w, &sorted[i]);

		if (idx < 0) {
			ret = nomem(w);
			goto out;
		}
		ret = parse(w, (uint32_t)idx);
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
static int limit(struct walker *w, int first_parent, uint32_t **list, size_t *nlist)
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
		if (grow((void **)list, &cap, *nlist + 1, sizeof(**list)) < 0)
			return nomem(w);
		(*list)[(*nlist)++] = c;
	}
	return 0;
}

static int walk_candidates(const struct cp_commit_source *src, const struct cp_oid *bad,
			   const struct cp_oid *goods, size_t ngoods, int first_parent,
			   int replay_check, struct cp_graph *out, struct cp_error *err);

static void walker_free(struct walker *w)
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

static int build_graph(struct walker *w, const uint32_t *list, size_t nlist,
		       const struct cp_oid *bad, struct cp_graph *out)
{
	int32_t *cand = NULL;
	size_t i, n = 0, npar = 0;
	int64_t bad_idx;

	cand = malloc((w->nnodes ? w->nnodes : 1) * sizeof(*cand));
	if (!cand)
		return nomem(w);
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
		return nomem(w);
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
	bad_idx = get_node(w, bad);
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
	return walk_candidates(src, bad, goods, ngoods, first_parent, 0, out, err);
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
	ret = start_walk(&w, bad, 1, goods, ngoods);
	if (!ret)
		ret = limit(&w, 0, &list, &nlist);
	if (!ret)
		*outside = nlist > 0;
	free(list);
	walker_free(&w);
	return ret;
}

enum { MB_BAD = 1, MB_GOOD = 2 };

/*
 * Marks every ancestor of start (included) with bit.  All of them must be
 * parsed already, so no node is created and marks stays large enough.
 */
static int paint(struct walker *w, uint32_t start, unsigned bit, unsigned char *marks)
{
	int ret = 0;

	w->stackn = 0;
	if (grow((void **)&w->stack, &w->stackcap, 1, sizeof(*w->stack)) < 0)
		return nomem(w);
	w->stack[w->stackn++] = start;
	while (w->stackn && !ret) {
		uint32_t c = w->stack[--w->stackn];

		if (marks[c] & bit)
			continue;
		marks[c] |= (unsigned char)bit;
		ret = push_parents(w, c);
	}
	return ret;
}

/* Parses every ancestor of start (included). */
static int discover(struct walker *w, uint32_t start)
{
	int ret = 0;

	w->stackn = 0;
	if (grow((void **)&w->stack, &w->stackcap, 1, sizeof(*w->stack)) < 0)
		return nomem(w);
	w->stack[w->stackn++] = start;
	while (w->stackn && !ret) {
		uint32_t c = w->stack[--w->stackn];

		if (w->nodes[c].flags & F_SEEN)
			continue;
		w->nodes[c].flags |= F_SEEN;
		ret = parse(w, c);
		if (!ret)
			ret = push_parents(w, c);
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

	if (grow((void **)&p->q, &p->cap, p->n + 1, sizeof(*p->q)) < 0)
		return nomem(w);
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
					if (grow((void **)found, &cap, *nfound + 1,
						 sizeof(**found)) < 0) {
						ret = nomem(w);
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
			ret = parse(w, par);
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
		ret = nomem(w);
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
		ret = nomem(w);
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
		ret = nomem(&w);
		goto out;
	}
	/* git lists the good commits by id (the order of their refs) */
	sorted_goods = malloc((ngoods ? ngoods : 1) * sizeof(*sorted_goods));
	if (!sorted_goods) {
		ret = nomem(&w);
		goto out;
	}
	memcpy(sorted_goods, goods, ngoods * sizeof(*goods));
	qsort(sorted_goods, ngoods, sizeof(*sorted_goods), cmp_oid);
	for (i = 0; i <= ngoods; i++) {
		int64_t idx = get_node(&w, i ? &sorted_goods[i - 1] : bad);

		if (idx < 0) {
			ret = nomem(&w);
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
		ret = nomem(&w);
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
		ret = nomem(&w);
		goto out;
	}
	for (i = 0; i < w.nnodes; i++)
		if (marks[i] == (MB_BAD | MB_GOOD) && !has_common_child[i])
			bases[nbases++] = (uint32_t)i;
	/* newest first; equal dates in the order git's paint finds them */
	rank = malloc((w.nnodes ? w.nnodes : 1) * sizeof(*rank));
	if (!rank) {
		ret = nomem(&w);
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
		ret = nomem(&w);
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
	walker_free(&w);
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

	ret = start_walk(w, bad, 1, goods, ngoods);
	if (!ret)
		ret = limit(w, 0, &list, &nlist);
	free(list);
	reset_walk(w);
	if (ret < 0 || !nlist)
		return ret;
	/* get_merge_bases_many(bad, goods in the order of their refs) */
	sorted = malloc(ngoods * sizeof(*sorted));
	gidx = malloc(ngoods * sizeof(*gidx));
	b = get_node(w, bad);
	if (!sorted || !gidx || b < 0) {
		ret = nomem(w);
		goto out;
	}
	memcpy(sorted, goods, ngoods * sizeof(*goods));
	qsort(sorted, ngoods, sizeof(*sorted), cmp_oid);
	for (i = 0; i < ngoods; i++) {
		int64_t g;

		if (i && cp_oid_equal(&sorted[i], &sorted[i - 1]))
			continue;
		g = get_node(w, &sorted[i]);
		if (g < 0) {
			ret = nomem(w);
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

static int walk_candidates(const struct cp_commit_source *src, const struct cp_oid *bad,
			   const struct cp_oid *goods, size_t ngoods, int first_parent,
			   int replay_check, struct cp_graph *out, struct cp_error *err)
{
	struct walker w = { .src = src, .err = err };
	uint32_t *list = NULL;
	size_t nlist = 0;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (replay_check && ngoods)
		ret = replay_ancestry_check(&w, bad, goods, ngoods);
	if (!ret)
		ret = start_walk(&w, bad, 0, goods, ngoods);
	if (!ret)
		ret = limit(&w, first_parent, &list, &nlist);
	if (!ret)
		ret = build_graph(&w, list, nlist, bad, out);
	free(list);
	walker_free(&w);
	return ret;
}

int cp_revwalk_candidates_after_check(const struct cp_commit_source *src,
				      const struct cp_oid *bad, const struct cp_oid *goods,
				      size_t ngoods, int first_parent,
				      struct cp_graph *out, struct cp_error *err)
{
	return walk_candidates(src, bad, goods, ngoods, first_parent, 1, out, err);
}
