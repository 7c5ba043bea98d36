#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <cmocka.h>

#include "bisect/bisect.h"
#include "memsource.h"

static struct mem_history linear(int n)
{
	struct mem_history h = mem_linear(n);

	assert_non_null(h.c);
	return h;
}

static void step(struct mem_history *h, int bad, const int *goods, int ngoods,
		 const int *skips, int nskips, int fp, struct cp_graph *g,
		 struct cp_bisect_step *s)
{
	struct cp_commit_source src = { h, mem_lookup };
	struct cp_oid b = oid_of(bad), gd[8];
	unsigned char *skipped;
	struct cp_bisect_query q = { 0 };
	struct cp_error err;
	int i;

	for (i = 0; i < ngoods; i++)
		gd[i] = oid_of(goods[i]);
	assert_int_equal(cp_revwalk_candidates(&src, &b, gd, (size_t)ngoods, fp, g, &err), 0);
	skipped = calloc(g->n + 1, 1);
	for (i = 0; i < nskips; i++) {
		struct cp_oid o = oid_of(skips[i]);
		int64_t k = cp_graph_find(g, &o);

		if (k >= 0)
			skipped[k] = 1;
	}
	q.graph = g;
	q.skipped = skipped;
	q.have_skips = nskips > 0;
	q.first_parent = fp;
	assert_int_equal(cp_bisect_next(&q, s, &err), 0);
	free(skipped);
}

static int commit_index(const struct cp_graph *g, uint32_t c)
{
	uint32_t x;

	memcpy(&x, g->oids[c].id, sizeof(x));
	return (int)(g->oids[c].id[8] << 8 | g->oids[c].id[9]);
}

static void linear_history_picks_the_middle(void **state)
{
	struct mem_history h = linear(10);
	struct cp_graph g;
	struct cp_bisect_step s;
	int good = 0;

	(void)state;
	step(&h, 9, &good, 1, NULL, 0, 0, &g, &s);
	assert_int_equal(g.n, 9);
	assert_int_equal(s.kind, CP_BISECT_TEST);
	/* weights 1..9 oldest first; 5 is the first with |2w - 9| <= 1 */
	assert_int_equal(commit_index(&g, s.commit), 4);
	assert_int_equal(s.left, 9 - 4 - 1);
	assert_int_equal(s.steps, 2);
	cp_bisect_step_free(&s);
	cp_graph_free(&g);
	free(h.c);
}

static void single_candidate_is_the_first_bad(void **state)
{
	struct mem_history h = linear(3);
	struct cp_graph g;
	struct cp_bisect_step s;
	int good = 1;

	(void)state;
	step(&h, 2, &good, 1, NULL, 0, 0, &g, &s);
	assert_int_equal(g.n, 1);
	assert_int_equal(s.kind, CP_BISECT_FOUND);
	assert_int_equal(commit_index(&g, s.commit), 2);
	cp_bisect_step_free(&s);
	cp_graph_free(&g);
	free(h.c);
}

static void only_skipped_left_lists_them_then_bad(void **state)
{
	struct mem_history h = linear(4);
	struct cp_graph g;
	struct cp_bisect_step s;
	int good = 0, skips[] = { 1, 2 };

	(void)state;
	step(&h, 3, &good, 1, skips, 2, 0, &g, &s);
	assert_int_equal(s.kind, CP_BISECT_ONLY_SKIPPED);
	assert_int_equal(s.ncandidates, 3);
	assert_int_equal(commit_index(&g, s.candidates[2]), 3);
	cp_bisect_step_free(&s);
	cp_graph_free(&g);
	free(h.c);
}

static void bad_equal_to_good_is_empty(void **state)
{
	struct mem_history h = linear(3);
	struct cp_graph g;
	struct cp_bisect_step s;
	int good = 2;

	(void)state;
	step(&h, 2, &good, 1, NULL, 0, 0, &g, &s);
	assert_int_equal(s.kind, CP_BISECT_EMPTY);
	cp_graph_free(&g);
	free(h.c);
}

static void estimate_steps_matches_git(void **state)
{
	(void)state;
	assert_int_equal(cp_bisect_estimate_steps(0), 0);
	assert_int_equal(cp_bisect_estimate_steps(2), 0);
	assert_int_equal(cp_bisect_estimate_steps(3), 1);
	assert_int_equal(cp_bisect_estimate_steps(4), 1);	/* 4: n=2, x=0 */
	assert_int_equal(cp_bisect_estimate_steps(7), 2);
	assert_int_equal(cp_bisect_estimate_steps(9), 2);
	/* the reference log: 6798 left after the first step of 13597 */
	assert_int_equal(cp_bisect_estimate_steps(13597), 13);
}

static void skip_index_matches_git_arithmetic(void **state)
{
	(void)state;
	assert_int_equal(cp_bisect_skip_index(0), 0);
	assert_int_equal(cp_bisect_skip_index(1), 0);
	/* git 2.39 on count 63: prn 12237, (63 * 12237 / 32768) * 110 / 181 */
	assert_int_equal(cp_bisect_skip_index(63), 13);
	assert_int_equal(cp_bisect_skip_index(61), 12);
	assert_true(cp_bisect_skip_index(1000) >= 0 && cp_bisect_skip_index(1000) < 1000);
}

/* Random DAGs: weights from the fast walk equal brute-force reachability. */
static void weights_equal_brute_force(void **state)
{
	unsigned seed = 12345;
	int trial;

	(void)state;
	for (trial = 0; trial < 300; trial++) {
		int n = 2 + (int)(seed % 120), i, k;
		struct cp_graph g = { 0 };
		int32_t *w;
		unsigned char *seen;
		int *stack;
		struct cp_error err;

		seed = seed * 1103515245u + 12345u;
		g.n = (uint32_t)n;
		g.parent_off = calloc((size_t)n + 1, sizeof(*g.parent_off));
		g.parents = calloc((size_t)n * 4, sizeof(*g.parents));
		g.oids = calloc((size_t)n, sizeof(*g.oids));
		w = calloc((size_t)n, sizeof(*w));
		seen = calloc((size_t)n, 1);
		stack = calloc((size_t)n * 4 + 1, sizeof(*stack));
		for (i = 0; i < n; i++) {
			int np = 0;

			g.parent_off[i] = (uint32_t)(i ? g.parent_off[i] : 0);
			if (i > 0) {
				seed = seed * 1103515245u + 12345u;
				np = 1 + (int)((seed >> 16) % 10 < 3) + (int)((seed >> 20) % 20 == 0);
				if (np > i)
					np = i;
			}
			for (k = 0; k < np; k++) {
				seed = seed * 1103515245u + 12345u;
				g.parents[g.parent_off[i] + k] = (k == 0) ? i - 1 :
					(int32_t)((seed >> 8) % (unsigned)i);
			}
			/* sometimes a parent outside the candidates */
			if (np > 1 && (seed >> 3) % 7 == 0)
				g.parents[g.parent_off[i] + 1] = CP_NOT_CANDIDATE;
			g.parent_off[i + 1] = g.parent_off[i] + (uint32_t)np;
		}
		assert_int_equal(cp_bisect_weights(&g, 0, w, &err), 0);
		for (i = 0; i < n; i++) {
			int sp = 0, count = 0;

			memset(seen, 0, (size_t)n);
			stack[sp++] = i;
			while (sp) {
				int c = stack[--sp];
				uint32_t p;

				if (seen[c])
					continue;
				seen[c] = 1;
				count++;
				for (p = g.parent_off[c]; p < g.parent_off[c + 1]; p++)
					if (g.parents[p] != CP_NOT_CANDIDATE)
						stack[sp++] = g.parents[p];
			}
			if (w[i] != count)
				fail_msg("trial %d commit %d: weight %d, reachable %d", trial, i, w[i], count);
		}
		free(w);
		free(seen);
		free(stack);
		cp_graph_free(&g);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(linear_history_picks_the_middle),
		cmocka_unit_test(single_candidate_is_the_first_bad),
		cmocka_unit_test(only_skipped_left_lists_them_then_bad),
		cmocka_unit_test(bad_equal_to_good_is_empty),
		cmocka_unit_test(estimate_steps_matches_git),
		cmocka_unit_test(skip_index_matches_git_arithmetic),
		cmocka_unit_test(weights_equal_brute_force),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
