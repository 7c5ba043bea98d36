/*
 * git's find_bisection() and skip handling, computed another way.
 *
 * git counts the ancestors of every merge with a full walk, oldest merge
 * first, and returns early when one is "approximately halfway"; commits with
 * one parent then take their parent's count plus one, in repeated passes
 * over the list, with the same early return.  The weights do not depend on
 * how they are computed, so they are computed here in topological order
 * (merges by a generation-ordered walk that visits only what the other
 * parents add), and git's early returns are replayed afterwards: the first
 * merge in list order that is halfway, else the first single-parent commit
 * that is halfway in (pass, position) order, where a commit's pass is
 * derived from its parent's.
 */
#include "bisect/bisect.h"

#include <stdlib.h>
#include <string.h>

static int nomem(struct cp_error *err)
{
	return cp_error_set(err, CP_ERR_NOMEM, "out of memory in bisection");
}

int cp_bisect_estimate_steps(int all)
{
	int n = 0, e, x;

	if (all < 3)
		return 0;
	while ((2 << n) <= all)
		n++;
	e = 1 << n;
	x = all - e;
	return e < 3 * x ? n : n - 1;
}

/* Index of the first interesting parent entry of i, or -1. */
static inline int32_t first_interesting(const struct cp_graph *g, uint32_t i, int fp)
{
	uint32_t k;

	for (k = g->parent_off[i]; k < g->parent_off[i + 1]; k++) {
		if (g->parents[k] != CP_NOT_CANDIDATE)
			return g->parents[k];
		if (fp)
			break;
	}
	return -1;
}

/* git's count_interesting_parents() */
static inline uint32_t interesting_parents(const struct cp_graph *g, uint32_t i, int fp)
{
	uint32_t k, count = 0;

	for (k = g->parent_off[i]; k < g->parent_off[i + 1]; k++) {
		if (g->parents[k] != CP_NOT_CANDIDATE)
			count++;
		if (fp)
			break;
	}
	return count;
}

/*
 * Parents before children.  Fails (CP_ERR_INPUT) on a cycle, which a real
 * history cannot have but a corrupt one might.
 */
static int topo_order(const struct cp_graph *g, int fp, uint32_t *order, struct cp_error *err)
{
	uint32_t n = g->n, i, k, head = 0, tail = 0;
	uint32_t *pending = NULL, *child_off = NULL, *children = NULL;
	int ret = 0;

	pending = calloc(n ? n : 1, sizeof(*pending));
	child_off = calloc((size_t)n + 1, sizeof(*child_off));
	children = malloc((g->parent_off[n] ? g->parent_off[n] : 1) * sizeof(*children));
	if (!pending || !child_off || !children) {
		ret = nomem(err);
		goto out;
	}
	for (i = 0; i < n; i++)
		for (k = g->parent_off[i]; k < g->parent_off[i + 1]; k++) {
			if (g->parents[k] != CP_NOT_CANDIDATE) {
				child_off[g->parents[k] + 1]++;
				pending[i]++;
			}
			if (fp)
				break;
		}
	for (i = 0; i < n; i++)
		child_off[i + 1] += child_off[i];
	{
		uint32_t *fill = malloc((n ? n : 1) * sizeof(*fill));

		if (!fill) {
			ret = nomem(err);
			goto out;
		}
		memcpy(fill, child_off, (n ? n : 1) * sizeof(*fill));
		for (i = 0; i < n; i++)
			for (k = g->parent_off[i]; k < g->parent_off[i + 1]; k++) {
				if (g->parents[k] != CP_NOT_CANDIDATE)
					children[fill[g->parents[k]]++] = i;
				if (fp)
					break;
			}
		free(fill);
	}
	for (i = 0; i < n; i++)
		if (!pending[i])
			order[tail++] = i;
	while (head < tail) {
		uint32_t c = order[head++];

		for (k = child_off[c]; k < child_off[c + 1]; k++)
			if (--pending[children[k]] == 0)
				order[tail++] = children[k];
	}
	if (tail != n)
		ret = cp_error_set(err, CP_ERR_INPUT, "commit graph has a cycle");
out:
	free(pending);
	free(child_off);
	free(children);
	return ret;
}

/* Max-heap of candidates by generation, for the merge walk. */
struct gen_heap {
	uint32_t *items;
	size_t n;
	const uint32_t *gen;
};

static void gh_push(struct gen_heap *h, uint32_t x)
{
	size_t i = h->n++;

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (h->gen[h->items[p]] >= h->gen[x])
			break;
		h->items[i] = h->items[p];
		i = p;
	}
	h->items[i] = x;
}

static uint32_t gh_pop(struct gen_heap *h)
{
	uint32_t top = h->items[0], last = h->items[--h->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->gen[h->items[c + 1]] > h->gen[h->items[c]])
			c++;
		if (h->gen[h->items[c]] <= h->gen[last])
			break;
		h->items[i] = h->items[c];
		i = c;
	}
	if (h->n)
		h->items[i] = last;
	return top;
}

enum { FROM_BASE = 1, FROM_OTHER = 2, QUEUED = 4 };

/* Fills w and, when order_out is set, hands over the topological order. */
static int weights(const struct cp_graph *g, int fp, int32_t *w, uint32_t **order_out,
		   struct cp_error *err)
{
	uint32_t n = g->n, i, k, epoch = 0;
	uint32_t *order = NULL, *gen = NULL, *stamp = NULL;
	unsigned char *bits = NULL;
	struct gen_heap heap = { 0 };
	int ret;

	order = malloc((n ? n : 1) * sizeof(*order));
	gen = malloc((n ? n : 1) * sizeof(*gen));
	stamp = calloc(n ? n : 1, sizeof(*stamp));
	bits = malloc(n ? n : 1);
	heap.items = malloc((n ? n : 1) * sizeof(*heap.items));
	heap.gen = gen;
	if (!order || !gen || !stamp || !bits || !heap.items) {
		ret = nomem(err);
		goto out;
	}
	ret = topo_order(g, fp, order, err);
	if (ret)
		goto out;

	for (i = 0; i < n; i++) {
		uint32_t c = order[i], g_max = 0, np = interesting_parents(g, c, fp);
		int32_t base = -1;
		size_t nonstale = 0;
		int32_t count = 0;

		for (k = g->parent_off[c]; k < g->parent_off[c + 1]; k++) {
			int32_t p = g->parents[k];

			if (p != CP_NOT_CANDIDATE) {
				if (gen[p] > g_max)
					g_max = gen[p];
				if (base < 0 || w[p] > w[base])
					base = p;
			}
			if (fp)
				break;
		}
		gen[c] = g_max + 1;
		if (np == 0) {
			w[c] = 1;
			continue;
		}
		if (np == 1) {
			w[c] = w[base] + 1;
			continue;
		}
		/*
		 * A merge reaches its own ancestors through base plus what the
		 * other parents reach outside base's ancestry.  Walking down by
		 * generation, a commit is final when popped: every path to it
		 * from the parents went through higher generations first.
		 */
		epoch++;
		heap.n = 0;
		stamp[base] = epoch;
		bits[base] = FROM_BASE | QUEUED;
		gh_push(&heap, (uint32_t)base);
		for (k = g->parent_off[c]; k < g->parent_off[c + 1]; k++) {
			int32_t p = g->parents[k];

			if (p == CP_NOT_CANDIDATE || stamp[p] == epoch)
				continue;
			stamp[p] = epoch;
			bits[p] = FROM_OTHER | QUEUED;
			gh_push(&heap, (uint32_t)p);
			nonstale++;
		}
		while (nonstale) {
			uint32_t x = gh_pop(&heap);
			unsigned char b = bits[x] & (FROM_BASE | FROM_OTHER);

			bits[x] &= (unsigned char)~QUEUED;
			if (!(b & FROM_BASE)) {
				nonstale--;
				count++;
			}
			for (k = g->parent_off[x]; k < g->parent_off[x + 1]; k++) {
				int32_t p = g->parents[k];

				if (p == CP_NOT_CANDIDATE)
					continue;
				if (stamp[p] != epoch) {
					stamp[p] = epoch;
					bits[p] = b | QUEUED;
					gh_push(&heap, (uint32_t)p);
					if (!(b & FROM_BASE))
						nonstale++;
				} else if ((bits[p] & QUEUED) && (b & FROM_BASE) &&
					   !(bits[p] & FROM_BASE)) {
					bits[p] |= FROM_BASE;
					nonstale--;
				} else {
					bits[p] |= b;
				}
			}
		}
		w[c] = w[base] + count + 1;
	}
	if (order_out) {
		*order_out = order;
		order = NULL;
	}
out:
	free(order);
	free(gen);
	free(stamp);
	free(bits);
	free(heap.items);
	return ret;
}

int cp_bisect_weights(const struct cp_graph *g, int fp, int32_t *w, struct cp_error *err)
{
	return weights(g, fp, w, NULL, err);
}

static inline int approx_halfway(int weight, int nr)
{
	int diff = 2 * weight - nr;

	if (diff >= -1 && diff <= 1)
		return 1;
	return abs(diff) < nr / 1024;
}

static inline int distance(int weight, int nr)
{
	return nr - weight < weight ? nr - weight : weight;
}

/* The commit git's find_bisection() returns when nothing was skipped. */
static int choose_unskipped(const struct cp_graph *g, int fp, const int32_t *w,
			    const uint32_t *order, uint32_t *choice, struct cp_error *err)
{
	uint32_t n = g->n, i;
	int nr = (int)n, best_dist = -1;
	uint32_t *pass = NULL, best = 0;
	int64_t found = -1;
	int ret = 0;

	/* pass over merges, in list order */
	if (!fp) {
		for (i = 0; i < n; i++)
			if (interesting_parents(g, i, fp) >= 2 && approx_halfway(w[i], nr)) {
				*choice = i;
				return 0;
			}
	}
	/* passes over single-parent commits, parents first */
	pass = malloc((n ? n : 1) * sizeof(*pass));
	if (!pass)
		return nomem(err);
	for (i = 0; i < n; i++) {
		uint32_t c = order[i];
		int32_t q;

		if (interesting_parents(g, c, fp) != 1) {
			pass[c] = 0;	/* known before the passes start */
			continue;
		}
		q = first_interesting(g, c, fp);
		if (pass[q] == 0)
			pass[c] = 1;
		else
			pass[c] = pass[q] + ((uint32_t)q < c ? 0 : 1);
		if (approx_halfway(w[c], nr) &&
		    (found < 0 || pass[c] < pass[found] ||
		     (pass[c] == pass[found] && c < (uint32_t)found)))
			found = c;
	}
	if (found >= 0) {
		*choice = (uint32_t)found;
		goto out;
	}
	/* git's best_bisection(): the earliest with the largest distance */
	for (i = 0; i < n; i++) {
		int d = distance(w[i], nr);

		if (d > best_dist) {
			best = i;
			best_dist = d;
		}
	}
	*choice = best;
out:
	free(pass);
	return ret;
}

struct ranked {
	uint32_t idx;
	int dist;
	const struct cp_oid *oid;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->dist != y->dist)
		return y->dist - x->dist;
	return cp_oid_cmp(x->oid, y->oid);
}

/* git's sqrti(): a float Newton iteration, truncated to an int */
static int sqrti(int val)
{
	float d, x = (float)val;

	if (!val)
		return 0;
	do {
		float y = (x + (float)val / x) / 2;

		d = (y > x) ? y - x : x - y;
		x = y;
	} while (d >= 0.5);
	return (int)x;
}

int cp_bisect_skip_index(int count)
{
	uint32_t c = (uint32_t)count * 1103515245u + 12345u;
	int prn = (int)((c / 65536) % 32768);
	/* git multiplies in int; wrap as the compiled code does */
	int32_t prod = (int32_t)((uint32_t)count * (uint32_t)prn);

	return prod / 32768 * sqrti(prn) / sqrti(32768);
}

void cp_bisect_step_free(struct cp_bisect_step *step)
{
	if (!step)
		return;
	free(step->candidates);
	step->candidates = NULL;
	step->ncandidates = 0;
}

static int choose_with_skips(const struct cp_bisect_query *q, const int32_t *w,
			     struct cp_bisect_step *out, struct cp_error *err)
{
	const struct cp_graph *g = q->graph;
	struct ranked *r = NULL;
	uint32_t *filtered = NULL, n = g->n, i, nf = 0, ntried = 0;
	int nr = (int)n, ret = 0, index;
	int64_t pick = -1;

	r = malloc(n * sizeof(*r));
	filtered = malloc(n * sizeof(*filtered));
	out->candidates = malloc((n + 1) * sizeof(*out->candidates));
	if (!r || !filtered || !out->candidates) {
		ret = nomem(err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		r[i].idx = i;
		r[i].dist = distance(w[i], nr);
		r[i].oid = &g->oids[i];
	}
	qsort(r, n, sizeof(*r), cmp_ranked);
	out->reaches = w[r[0].idx];
	if (!q->skipped || !q->skipped[r[0].idx]) {
		pick = r[0].idx;
	} else {
		for (i = 0; i < n; i++) {
			if (q->skipped[r[i].idx])
				out->candidates[ntried++] = r[i].idx;
			else
				filtered[nf++] = r[i].idx;
		}
		/* git's skip_away() */
		index = cp_bisect_skip_index((int)nf);
		if (nf) {
			pick = filtered[0];
			if (index >= 0 && (uint32_t)index < nf) {
				if (filtered[index] != g->bad)
					pick = filtered[index];
				else if (index > 0)
					pick = filtered[index - 1];
			}
		}
	}
	if (pick < 0) {
		/* everything left is skipped, bad included */
		out->kind = CP_BISECT_ONLY_SKIPPED;
		out->ncandidates = ntried;
	} else if ((uint32_t)pick == g->bad) {
		out->commit = g->bad;
		if (ntried) {
			out->kind = CP_BISECT_ONLY_SKIPPED;
			out->candidates[ntried++] = g->bad;
			out->ncandidates = ntried;
		} else {
			out->kind = CP_BISECT_FOUND;
		}
	} else {
		out->kind = CP_BISECT_TEST;
		out->commit = (uint32_t)pick;
	}
out:
	free(r);
	free(filtered);
	if (out->kind != CP_BISECT_ONLY_SKIPPED) {
		free(out->candidates);
		out->candidates = NULL;
	}
	return ret;
}

int cp_bisect_next(const struct cp_bisect_query *q, struct cp_bisect_step *out,
		   struct cp_error *err)
{
	const struct cp_graph *g = q->graph;
	uint32_t *order = NULL;
	int32_t *w = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	out->all = (int)g->n;
	if (g->n == 0) {
		out->kind = CP_BISECT_EMPTY;
		return 0;
	}
	if (g->n > INT32_MAX / 2)
		return cp_error_set(err, CP_ERR_INPUT, "too many commits to bisect");
	w = malloc(g->n * sizeof(*w));
	if (!w)
		return nomem(err);
	ret = weights(g, q->first_parent, w, &order, err);
	if (ret)
		goto out;
	if (q->have_skips) {
		ret = choose_with_skips(q, w, out, err);
	} else {
		uint32_t choice = 0;

		ret = choose_unskipped(g, q->first_parent, w, order, &choice, err);
		if (!ret) {
			out->commit = choice;
			out->reaches = w[choice];
			out->kind = choice == g->bad ? CP_BISECT_FOUND : CP_BISECT_TEST;
		}
	}
	if (ret)
		goto out;
	out->left = out->all - out->reaches - 1;
	out->steps = cp_bisect_estimate_steps(out->all);
out:
	free(w);
	free(order);
	if (ret)
		cp_bisect_step_free(out);
	return ret;
}
