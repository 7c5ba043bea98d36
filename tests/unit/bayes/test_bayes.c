/*
 * The Bayesian engine on in-memory histories: with a deterministic test it
 * builds exactly the commits git bisect tests (then the culprit's first
 * parent if git never tested it, for the no-op check) and names git's culprit; with
 * a flaky one it still names the culprit; "not in range", signatures,
 * verification, budget and bad input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <cmocka.h>

#include "bisect/bayes.h"
#include "bisect/gitstep.h"
#include "memsource.h"

static struct mem_history linear(int n)
{
	struct mem_history h = mem_linear(n);

	assert_non_null(h.c);
	return h;
}

/*
 * A mainline with a two-commit topic merged every 5 commits: commit i is
 * a merge when i % 5 == 4 (parents i - 3 and i - 1), and i - 2, i - 1 form
 * the topic forked from i - 3.
 */
static struct mem_history merges(int n)
{
	struct mem_history h = { .n = n };
	int i;

	h.c = calloc((size_t)n, sizeof(*h.c));
	assert_non_null(h.c);
	for (i = 0; i < n; i++) {
		h.c[i].date = 1000 + i;
		if (!i)
			continue;
		h.c[i].nparents = 1;
		if (i % 5 == 4 && i >= 4) {
			h.c[i].nparents = 2;
			h.c[i].parents[0] = i - 3;
			h.c[i].parents[1] = i - 1;
		} else if (i % 5 == 2 && i >= 2) {
			h.c[i].parents[0] = i - 1;	/* topic start */
		} else if (i % 5 == 0) {
			h.c[i].parents[0] = i - 1;	/* after a merge */
		} else {
			h.c[i].parents[0] = i - 1;
		}
	}
	return h;
}

/* Is a an ancestor of c (or c)? By walking the in-memory parents. */
static int ancestor(const struct mem_history *h, int a, int c)
{
	int k;

	if (a == c)
		return 1;
	if (c < a)
		return 0;
	for (k = 0; k < h->c[c].nparents; k++)
		if (ancestor(h, a, h->c[c].parents[k]))
			return 1;
	return 0;
}

static int index_in(const struct mem_history *h, const struct cp_oid *id)
{
	return index_of(h, id);
}

struct tester {
	struct mem_history *h;
	int culprit;
	double p;
	uint64_t rng;
	int broken_lo, broken_hi;	/* commits that do not build */
	int noop;			/* a commit whose binary equals its parent's, or -1 */
	int silent;			/* 1 + a commit whose runs are all silent; 0: none */
	unsigned silent_runs;		/* runs asked of that commit */
	int fix;			/* culprit is a fix: the target shows where it is absent */
	int builds[64];
	int nbuilds;
	unsigned runs;
};

static double unit(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (double)(*s >> 11) / 9007199254740992.0;
}

static int t_build(void *ctx, uint32_t slot, const struct cp_oid *id, int *ok,
		   char **sig, double *secs, struct cp_error *err)
{
	struct tester *t = ctx;
	int i = index_in(t->h, id);

	(void)slot;
	(void)err;
	if (t->nbuilds < 64)
		t->builds[t->nbuilds++] = i;
	*ok = !(i >= t->broken_lo && i <= t->broken_hi);
	*secs = 600;
	*sig = NULL;
	if (*ok) {
		*sig = malloc(32);
		assert_non_null(*sig);
		snprintf(*sig, 32, "bin-%d", i == t->noop ? i - 1 : i);
	}
	return 0;
}

static int t_run(void *ctx, uint32_t slot, const struct cp_oid *id,
		 enum cp_bayes_outcome *o, double *secs, struct cp_error *err)
{
	struct tester *t = ctx;
	int i = index_in(t->h, id);

	(void)slot;
	(void)err;
	t->runs++;
	*secs = 60;
	if (t->silent && i == t->silent - 1) {
		t->silent_runs++;
		*o = CP_BAYES_SILENT;
		return 0;
	}
	*o = ancestor(t->h, t->culprit, i) != t->fix && unit(&t->rng) < t->p ? CP_BAYES_TARGET :
									     CP_BAYES_CLEAN;
	return 0;
}

/* Bisects h between good and bad with the engine; returns the culprit index. */
static int engine_bisect(struct mem_history *h, int bad, int good, struct tester *t,
			 struct cp_bayes_summary *sum, struct cp_bayes_action *last)
{
	struct cp_commit_source src = { h, mem_lookup };
	struct cp_oid b = oid_of(bad), g = oid_of(good);
	struct cp_graph graph;
	struct cp_bayes_config cfg;
	struct cp_bayes *e;
	struct cp_bayes_ops ops = { .ctx = t, .build = t_build, .run = t_run };
	struct cp_error err;
	int64_t s;
	int found;

	assert_int_equal(cp_revwalk_candidates(&src, &b, &g, 1, 0, &graph, &err), 0);
	cp_bayes_config_init(&cfg);
	cfg.src = &src;
	cfg.max_runs = 5000;
	cfg.fix = t->fix;
	assert_int_equal(cp_bayes_new(&e, &graph, &g, 1, &cfg, &err), 0);
	/*
	 * The start commit is run until it shows the target, as culprit does:
	 * bad for a cause, good (the old, crashing end) for a fix, whose newer
	 * end is then run once, clean.
	 */
	s = cp_bayes_slot_of(e, t->fix ? &g : &b);
	assert_true(s >= 0);
	assert_int_equal(cp_bayes_add_build(e, (uint32_t)s, 1, "bin-start", &err), 0);
	for (;;) {
		enum cp_bayes_outcome o;
		double secs;

		assert_int_equal(t_run(t, (uint32_t)s, t->fix ? &g : &b, &o, &secs, &err), 0);
		assert_int_equal(cp_bayes_add_run(e, (uint32_t)s, o, 1, &err), 0);
		if (o == CP_BAYES_TARGET)
			break;
	}
	if (t->fix) {
		enum cp_bayes_outcome o;
		double secs;

		s = cp_bayes_slot_of(e, &b);
		assert_int_equal(cp_bayes_add_build(e, (uint32_t)s, 1, "bin-end", &err), 0);
		assert_int_equal(t_run(t, (uint32_t)s, &b, &o, &secs, &err), 0);
		assert_int_equal(o, CP_BAYES_CLEAN);
		assert_int_equal(cp_bayes_add_run(e, (uint32_t)s, o, 1, &err), 0);
	}
	assert_int_equal(cp_bayes_drive(e, &ops, last, &err), 0);
	assert_int_equal(cp_bayes_summarize(e, sum, &err), 0);
	found = sum->best >= 0 ? index_in(h, cp_bayes_slot_oid(e, (uint32_t)sum->best)) : -1;
	cp_bayes_free(e);
	cp_graph_free(&graph);
	return found;
}

/* The commits git bisect tests with a deterministic test; returns the culprit. */
static int git_bisect(struct mem_history *h, int bad, int good, int culprit, int *tested,
		      int *ntested)
{
	struct cp_commit_source src = { h, mem_lookup };
	struct cp_oid goods[64];
	struct cp_git_state st = { 0 };
	struct cp_error err;
	int ng = 0, found = -1;

	goods[ng++] = oid_of(good);
	st.bad = oid_of(bad);
	*ntested = 0;
	for (;;) {
		struct cp_git_step step = { 0 };
		int i;

		st.goods = goods;
		st.ngoods = (size_t)ng;
		assert_int_equal(cp_git_next(&src, &st, &step, &err), 0);
		i = index_in(h, &step.commit);
		if (step.action == CP_GIT_FOUND) {
			found = i;
			cp_git_step_free(&step);
			break;
		}
		assert_int_equal(step.action, CP_GIT_TEST);
		tested[(*ntested)++] = i;
		if (ancestor(h, culprit, i))
			st.bad = step.commit;
		else
			goods[ng++] = step.commit;
		cp_git_step_free(&step);
	}
	return found;
}

/*
 * git's choice for a fix bisection is git bisect's with the terms swapped
 * (old: crashes, new: fixed), so the same commits for the same predicate.
 * The engine may add one build at the end, never a run: the culprit's
 * first parent when git never tested it, for the no-op check.
 */
static void check_same_builds_as_git(struct mem_history *h, int bad, int good, int culprit,
				     int fix)
{
	struct tester t = { .h = h, .culprit = culprit, .p = 1, .broken_lo = -1,
			    .broken_hi = -1, .noop = -1, .fix = fix };
	struct cp_bayes_summary sum;
	struct cp_bayes_action last;
	int gt[64], ng, i, gfound, parent, noop_check;

	gfound = git_bisect(h, bad, good, culprit, gt, &ng);
	parent = h->c[culprit].nparents ? h->c[culprit].parents[0] : good;
	noop_check = parent != good;
	for (i = 0; i < ng; i++)
		noop_check &= gt[i] != parent;
	assert_int_equal(gfound, culprit);
	assert_int_equal(engine_bisect(h, bad, good, &t, &sum, &last), culprit);
	assert_int_equal(last.reason, CP_BAYES_CONFIDENT);
	assert_true(sum.best_p >= 0.99);
	assert_true(sum.verified);
	/* every build has its own binary: known to differ from the parent's */
	assert_int_equal(sum.noop, parent != good ? 0 : -1);
	if (noop_check)
		gt[ng++] = parent;
	/*
	 * A culprit whose parent is the good commit: "not in range" has 1% of
	 * one candidate's prior, so above 0.99 the good commit is built and
	 * run once, which git trusts without a test (git's builds + 1).
	 */
	if (parent == good && t.nbuilds == ng + 1 && t.builds[ng] == good)
		gt[ng++] = good;
	if (t.nbuilds != ng || memcmp(t.builds, gt, sizeof(int) * (size_t)ng)) {
		printf("culprit %d: git", culprit);
		for (i = 0; i < ng; i++)
			printf(" %d", gt[i]);
		printf("; engine");
		for (i = 0; i < t.nbuilds; i++)
			printf(" %d", t.builds[i]);
		printf("\n");
	}
	assert_int_equal(t.nbuilds, ng);
	for (i = 0; i < ng; i++)
		assert_int_equal(t.builds[i], gt[i]);
}

static void deterministic_linear_builds_what_git_tests(void **state)
{
	struct mem_history h = linear(200);
	int culprit;

	(void)state;
	for (culprit = 1; culprit < 200; culprit += 13)
		check_same_builds_as_git(&h, 199, 0, culprit, 0);
	check_same_builds_as_git(&h, 199, 0, 199, 0);
	free(h.c);
}

static void deterministic_merges_builds_what_git_tests(void **state)
{
	struct mem_history h = merges(120);
	int culprit;

	(void)state;
	for (culprit = 1; culprit < 120; culprit += 7)
		check_same_builds_as_git(&h, 119, 0, culprit, 0);
	free(h.c);
}

/*
 * A reliable reproducer: after a few consistent results single runs count
 * (the reliable component of the prior), so the engine spends few runs
 * beyond one per build.
 */
static void deterministic_few_runs_per_build(void **state)
{
	struct mem_history h = linear(200);
	unsigned runs = 0, builds = 0;
	int culprit;

	(void)state;
	for (culprit = 5; culprit < 200; culprit += 19) {
		struct tester t = { .h = &h, .culprit = culprit, .p = 1, .broken_lo = -1,
				    .broken_hi = -1, .noop = -1 };
		struct cp_bayes_summary sum;
		struct cp_bayes_action last;

		assert_int_equal(engine_bisect(&h, 199, 0, &t, &sum, &last), culprit);
		runs += t.runs;
		builds += (unsigned)t.nbuilds;
	}
	printf("deterministic: %u runs for %u builds\n", runs, builds);
	/* runs cost a tenth of a build here (60 s, 600 s): some re-runs pay */
	assert_true(runs <= 3 * builds);
	free(h.c);
}

static void flaky_test_still_finds_the_culprit(void **state)
{
	struct mem_history h = merges(150);
	int seed, right = 0;

	(void)state;
	for (seed = 1; seed <= 10; seed++) {
		struct tester t = { .h = &h, .culprit = 77, .p = 0.4, .rng = (uint64_t)seed,
				    .broken_lo = -1, .broken_hi = -1, .noop = -1 };
		struct cp_bayes_summary sum;
		struct cp_bayes_action last;

		int f = engine_bisect(&h, 149, 0, &t, &sum, &last);

		if (f != 77)
			printf("seed %d: found %d (p %.3f, runs %u, reason %d, repro %.2f, need %u, parent clean %u, culprit t %u c %u)\n", seed, f, sum.best_p, t.runs, last.reason, sum.repro, sum.needed_clean, sum.parents[0].clean_runs, sum.culprit_target_runs, sum.culprit_clean_runs);
		right += f == 77;
		assert_true(sum.repro > 0.1 && sum.repro < 0.8);
		assert_true(sum.runner_up != sum.best);
	}
	assert_true(right >= 9);
	free(h.c);
}

static void broken_builds_next_to_the_culprit(void **state)
{
	struct mem_history h = linear(100);
	struct tester t = { .h = &h, .culprit = 60, .p = 1, .broken_lo = 55, .broken_hi = 59,
			    .noop = -1 };
	struct cp_bayes_summary sum;
	struct cp_bayes_action last;
	int found;

	(void)state;
	found = engine_bisect(&h, 99, 0, &t, &sum, &last);
	/* 60's parent cannot be built: the culprit is one of 55..60, not verified */
	assert_true(found >= 55 && found <= 60);
	assert_true(last.reason != CP_BAYES_CONFIDENT || !sum.verified || found == 60);
	free(h.c);
}

/* An engine over h, a linear history: bad its last commit, *good its root (kept by the engine). */
static struct cp_bayes *linear_engine(struct mem_history *h, struct cp_graph *graph,
				      struct cp_oid *good)
{
	struct cp_commit_source src = { h, mem_lookup };
	struct cp_oid bad = oid_of((int)h->n - 1);
	struct cp_bayes *e;
	struct cp_error err;

	*good = oid_of(0);
	assert_int_equal(cp_revwalk_candidates(&src, &bad, good, 1, 0, graph, &err), 0);
	assert_int_equal(cp_bayes_new(&e, graph, good, 1, NULL, &err), 0);
	return e;
}

static int64_t slot_of_commit(const struct cp_bayes *e, int i)
{
	struct cp_oid id = oid_of(i);
	int64_t s = cp_bayes_slot_of(e, &id);

	assert_true(s >= 0);
	return s;
}

static void equal_signatures_flag_a_noop_culprit(void **state)
{
	struct mem_history h = linear(40);
	struct cp_oid g;
	struct cp_graph graph;
	struct cp_bayes *e = linear_engine(&h, &graph, &g);
	struct cp_bayes_summary sum;
	struct cp_error err;
	int64_t s20 = slot_of_commit(e, 20), s19 = slot_of_commit(e, 19), sbad = slot_of_commit(e, 39);

	(void)state;
	assert_int_equal(cp_bayes_add_run(e, (uint32_t)sbad, CP_BAYES_TARGET, 5, &err), 0);
	assert_int_equal(cp_bayes_add_build(e, (uint32_t)s20, 1, "same", &err), 0);
	assert_int_equal(cp_bayes_add_run(e, (uint32_t)s20, CP_BAYES_TARGET, 5, &err), 0);
	assert_int_equal(cp_bayes_add_build(e, (uint32_t)s19, 1, "same", &err), 0);
	/* runs on 20 count for 19 too: 19 is bad with no run of its own */
	assert_true(cp_bayes_posterior(e, s20) < 0.05);
	assert_int_equal(cp_bayes_summarize(e, &sum, &err), 0);
	assert_true(sum.best != s20);
	/* a commit whose build equals its parent's is flagged */
	assert_int_equal(cp_bayes_add_build(e, (uint32_t)s19, 1, "other", &err), 0);
	assert_int_equal(cp_bayes_add_run(e, (uint32_t)s19, CP_BAYES_CLEAN, 30, &err), 0);
	assert_int_equal(cp_bayes_add_build(e, (uint32_t)s20, 1, "other", &err), 0);
	assert_int_equal(cp_bayes_summarize(e, &sum, &err), 0);
	assert_int_equal(sum.best, s20);
	assert_int_equal(sum.noop, 1);
	cp_bayes_free(e);
	cp_graph_free(&graph);
	free(h.c);
}

/* Without both signatures the no-op check is "not known", never "a change". */
static void unknown_signature_leaves_noop_unknown(void **state)
{
	struct mem_history h = linear(40);
	struct cp_oid g;
	struct cp_graph graph;
	struct cp_bayes *e = linear_engine(&h, &graph, &g);
	struct cp_bayes_summary sum;
	struct cp_error err;
	int64_t s20 = slot_of_commit(e, 20), s19 = slot_of_commit(e, 19), sbad = slot_of_commit(e, 39);

	(void)state;
	assert_int_equal(cp_bayes_add_run(e, (uint32_t)sbad, CP_BAYES_TARGET, 5, &err), 0);
	assert_int_equal(cp_bayes_add_build(e, (uint32_t)s20, 1, NULL, &err), 0);
	assert_int_equal(cp_bayes_add_run(e, (uint32_t)s20, CP_BAYES_TARGET, 5, &err), 0);
	assert_int_equal(cp_bayes_add_build(e, (uint32_t)s19, 1, "b", &err), 0);
	assert_int_equal(cp_bayes_add_run(e, (uint32_t)s19, CP_BAYES_CLEAN, 30, &err), 0);
	assert_int_equal(cp_bayes_summarize(e, &sum, &err), 0);
	assert_int_equal(sum.best, s20);
	assert_int_equal(sum.noop, -1);
	assert_int_equal(cp_bayes_add_build(e, (uint32_t)s20, 1, "c", &err), 0);
	assert_int_equal(cp_bayes_summarize(e, &sum, &err), 0);
	assert_int_equal(sum.best, s20);
	assert_int_equal(sum.noop, 0);
	cp_bayes_free(e);
	cp_graph_free(&graph);
	free(h.c);
}

static void crash_everywhere_is_not_in_range(void **state)
{
	struct mem_history h = linear(30);
	struct cp_commit_source src = { &h, mem_lookup };
	struct cp_oid b = oid_of(29), g = oid_of(0);
	struct cp_graph graph;
	struct cp_bayes *e;
	struct cp_bayes_summary sum;
	struct cp_error err;
	uint32_t i;

	(void)state;
	assert_int_equal(cp_revwalk_candidates(&src, &b, &g, 1, 0, &graph, &err), 0);
	assert_int_equal(cp_bayes_new(&e, &graph, &g, 1, NULL, &err), 0);
	for (i = 0; i < cp_bayes_nslots(e); i++)
		assert_int_equal(cp_bayes_add_run(e, i, CP_BAYES_TARGET, 3, &err), 0);
	assert_int_equal(cp_bayes_summarize(e, &sum, &err), 0);
	assert_int_equal(sum.best, CP_BAYES_OUTSIDE);
	assert_true(sum.outside_p > 0.99);
	cp_bayes_free(e);
	cp_graph_free(&graph);
	free(h.c);
}

static void silent_runs_carry_no_evidence(void **state)
{
	struct mem_history h = linear(30);
	struct cp_commit_source src = { &h, mem_lookup };
	struct cp_oid b = oid_of(29), g = oid_of(0), m = oid_of(15);
	struct cp_graph graph;
	struct cp_bayes *e;
	struct cp_error err;
	double before;

	(void)state;
	assert_int_equal(cp_revwalk_candidates(&src, &b, &g, 1, 0, &graph, &err), 0);
	assert_int_equal(cp_bayes_new(&e, &graph, &g, 1, NULL, &err), 0);
	assert_int_equal(cp_bayes_add_run(e, (uint32_t)cp_bayes_slot_of(e, &b), CP_BAYES_TARGET, 3, &err), 0);
	before = cp_bayes_posterior(e, cp_bayes_slot_of(e, &m));
	assert_int_equal(cp_bayes_add_run(e, (uint32_t)cp_bayes_slot_of(e, &m), CP_BAYES_SILENT, 10, &err), 0);
	assert_true(fabs(cp_bayes_posterior(e, cp_bayes_slot_of(e, &m)) - before) < 1e-12);
	cp_bayes_free(e);
	cp_graph_free(&graph);
	free(h.c);
}

/*
 * The culprit's parent cannot be tested (every run there is another crash):
 * after a few runs the engine leaves it alone and stops without a verified
 * culprit, instead of asking for its runs until the budget.
 */
static void untestable_parent_is_left_alone(void **state)
{
	struct mem_history h = linear(40);
	struct tester t = { .h = &h, .culprit = 20, .p = 1, .rng = 7, .broken_lo = -1,
			    .broken_hi = -1, .noop = -1, .silent = 1 + 19 };
	struct cp_bayes_summary sum;
	struct cp_bayes_action last;

	(void)state;
	engine_bisect(&h, 39, 0, &t, &sum, &last);
	assert_int_equal(last.kind, CP_BAYES_DONE);
	assert_int_not_equal(last.reason, CP_BAYES_BUDGET);
	assert_in_range(t.silent_runs, 1, 8);
	assert_false(sum.verified);
	assert_true(t.runs < 100);
	free(h.c);
}

static void fix_deterministic_builds_what_git_tests(void **state)
{
	struct mem_history h = linear(200), m = merges(150);
	int fix;

	(void)state;
	for (fix = 1; fix < 200; fix += 17)
		check_same_builds_as_git(&h, 199, 0, fix, 1);
	for (fix = 1; fix < 150; fix += 11)
		check_same_builds_as_git(&m, 149, 0, fix, 1);
	free(h.c);
	free(m.c);
}

/* A fix seen through a reproducer that crashes in 40% of runs. */
static void fix_flaky_test_still_finds_the_fix(void **state)
{
	struct mem_history h = merges(150);
	int seed, right = 0, verified = 0;

	(void)state;
	for (seed = 1; seed <= 10; seed++) {
		struct tester t = { .h = &h, .culprit = 77, .p = 0.4, .rng = (uint64_t)seed,
				    .broken_lo = -1, .broken_hi = -1, .noop = -1, .fix = 1 };
		struct cp_bayes_summary sum;
		struct cp_bayes_action last;

		right += engine_bisect(&h, 149, 0, &t, &sum, &last) == 77;
		verified += sum.verified;
		assert_true(sum.repro > 0.1 && sum.repro < 0.8);
		assert_true(t.runs < 1000);
	}
	assert_true(right >= 9);
	assert_true(verified >= 9);
	free(h.c);
}

static void budget_stops_the_search(void **state)
{
	struct mem_history h = linear(100);
	struct cp_commit_source src = { &h, mem_lookup };
	struct cp_oid b = oid_of(99), g = oid_of(0);
	struct cp_graph graph;
	struct cp_bayes_config cfg;
	struct cp_bayes *e;
	struct cp_bayes_action a;
	struct cp_error err;

	(void)state;
	assert_int_equal(cp_revwalk_candidates(&src, &b, &g, 1, 0, &graph, &err), 0);
	cp_bayes_config_init(&cfg);
	cfg.max_runs = 3;
	assert_int_equal(cp_bayes_new(&e, &graph, &g, 1, &cfg, &err), 0);
	assert_int_equal(cp_bayes_add_run(e, (uint32_t)cp_bayes_slot_of(e, &b), CP_BAYES_TARGET, 3, &err), 0);
	assert_int_equal(cp_bayes_next(e, &a, &err), 0);
	assert_int_equal(a.kind, CP_BAYES_DONE);
	assert_int_equal(a.reason, CP_BAYES_BUDGET);
	cp_bayes_free(e);
	cp_graph_free(&graph);
	free(h.c);
}

static void bad_input(void **state)
{
	struct mem_history h = linear(10);
	struct cp_commit_source src = { &h, mem_lookup };
	struct cp_oid b = oid_of(9), g = oid_of(0);
	struct cp_graph graph, empty = { 0 };
	struct cp_bayes *e;
	struct cp_error err;

	(void)state;
	assert_int_equal(cp_bayes_new(&e, &empty, NULL, 0, NULL, &err), CP_ERR_RANGE);
	assert_null(e);
	assert_int_equal(cp_revwalk_candidates(&src, &b, &g, 1, 0, &graph, &err), 0);
	assert_int_equal(cp_bayes_new(&e, &graph, &g, 1, NULL, &err), 0);
	assert_int_equal(cp_bayes_add_run(e, 1000, CP_BAYES_CLEAN, 1, &err), CP_ERR_USAGE);
	assert_int_equal(cp_bayes_add_build(e, 1000, 1, NULL, &err), CP_ERR_USAGE);
	assert_int_equal(cp_bayes_add_build(e, 2, 0, NULL, &err), 0);
	assert_int_equal(cp_bayes_add_run(e, 2, CP_BAYES_CLEAN, 1, &err), CP_ERR_USAGE);
	cp_bayes_free(e);
	cp_bayes_free(NULL);
	cp_graph_free(&graph);
	free(h.c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deterministic_linear_builds_what_git_tests),
		cmocka_unit_test(deterministic_merges_builds_what_git_tests),
		cmocka_unit_test(deterministic_few_runs_per_build),
		cmocka_unit_test(flaky_test_still_finds_the_culprit),
		cmocka_unit_test(broken_builds_next_to_the_culprit),
		cmocka_unit_test(equal_signatures_flag_a_noop_culprit),
		cmocka_unit_test(unknown_signature_leaves_noop_unknown),
		cmocka_unit_test(crash_everywhere_is_not_in_range),
		cmocka_unit_test(silent_runs_carry_no_evidence),
		cmocka_unit_test(untestable_parent_is_left_alone),
		cmocka_unit_test(fix_deterministic_builds_what_git_tests),
		cmocka_unit_test(fix_flaky_test_still_finds_the_fix),
		cmocka_unit_test(budget_stops_the_search),
		cmocka_unit_test(bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
