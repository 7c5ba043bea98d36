/*
 * Batches of builds and runs (bisect/plan.h) on in-memory linear
 * histories: with b build slots the plan builds different commits at once,
 * the second one informative whatever the first shows (not its neighbour);
 * one build slot builds one commit; cp_plan_drive() over an asynchronous
 * fake tester (results in the order they end) names the culprit, keeps
 * two builds in flight at times, never more than the slots, and stops with
 * nothing in flight; runs lost on the host side (infra) never move the
 * posterior.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "bisect/plan.h"
#include "memsource.h"

static struct mem_history linear(int n)
{
	struct mem_history h = mem_linear(n);

	assert_non_null(h.c);
	return h;
}

struct fixture {
	struct mem_history h;
	struct cp_graph graph;
	struct cp_oid good;
	struct cp_bayes *e;
};

static void setup_engine(struct fixture *f, int n)
{
	struct cp_commit_source src;
	struct cp_oid bad;
	struct cp_error err;
	int64_t sbad;

	f->h = linear(n);
	src = (struct cp_commit_source){ &f->h, mem_lookup };
	bad = oid_of(n - 1);
	f->good = oid_of(0);
	assert_int_equal(cp_revwalk_candidates(&src, &bad, &f->good, 1, 0, &f->graph, &err), 0);
	assert_int_equal(cp_bayes_new(&f->e, &f->graph, &f->good, 1, NULL, &err), 0);
	sbad = cp_bayes_slot_of(f->e, &bad);
	assert_true(sbad >= 0);
	assert_int_equal(cp_bayes_add_run(f->e, (uint32_t)sbad, CP_BAYES_TARGET, 3, &err), 0);
}

static void teardown_engine(struct fixture *f)
{
	cp_bayes_free(f->e);
	cp_graph_free(&f->graph);
	free(f->h.c);
}

/* Index in the history of slot's commit. */
static int commit_of(const struct fixture *f, uint32_t slot)
{
	return index_of(&f->h, cp_bayes_slot_oid(f->e, slot));
}

static void two_build_slots_build_two_spread_commits(void **state)
{
	struct fixture f;
	struct cp_cost_model m;
	struct cp_plan_state st = { 0 };
	struct cp_plan *p = malloc(sizeof(*p));
	struct cp_error err;
	int a, b, gap;
	uint32_t first;

	(void)state;
	assert_non_null(p);
	setup_engine(&f, 129);
	cp_cost_kernel(&m);	/* k = 20, b = 2 */
	assert_int_equal(cp_plan_next(f.e, &m, &st, p, &err), 0);
	assert_false(p->done);
	assert_int_equal(p->n, 2);
	assert_int_equal(p->acts[0].kind, CP_BAYES_BUILD);
	assert_int_equal(p->acts[1].kind, CP_BAYES_BUILD);
	a = commit_of(&f, p->acts[0].slot);
	b = commit_of(&f, p->acts[1].slot);
	gap = a > b ? a - b : b - a;
	print_message("builds %d and %d\n", a, b);
	/* the middle, then about a quarter point: not a neighbour */
	assert_true(a >= 60 && a <= 68);
	assert_true(gap >= 20 && gap <= 44);
	/* with the first in flight, the one free slot gets the second */
	first = p->acts[0].slot;
	st.building = &first;
	st.nbuilding = 1;
	assert_int_equal(cp_plan_next(f.e, &m, &st, p, &err), 0);
	assert_int_equal(p->n, 1);
	assert_int_equal(p->acts[0].kind, CP_BAYES_BUILD);
	assert_int_equal(commit_of(&f, p->acts[0].slot), b);
	/* both slots busy: wait */
	{
		uint32_t two[2] = { first, p->acts[0].slot };

		st.building = two;
		st.nbuilding = 2;
		assert_int_equal(cp_plan_next(f.e, &m, &st, p, &err), 0);
		assert_int_equal(p->n, 0);
		assert_false(p->done);
	}
	/* one build slot: one build */
	m.build_slots = 1;
	st.nbuilding = 0;
	assert_int_equal(cp_plan_next(f.e, &m, &st, p, &err), 0);
	assert_int_equal(p->n, 1);
	assert_int_equal(commit_of(&f, p->acts[0].slot), a);
	teardown_engine(&f);
	free(p);
}

/* A fake asynchronous tester: each action ends after its cost; culprit commit c. */
struct fake {
	struct fixture *f;
	int culprit;
	double now;
	struct {
		double end;
		struct cp_plan_result res;
	} ev[64];
	int nev, builds_now, max_builds_now, runs_now, max_runs_now;
	unsigned builds, runs;
	unsigned infra_every;	/* every nth run is lost (0: none) */
	unsigned infra;
	int check;		/* the last result was infra: the posterior must not have moved */
	double post[256];
};

static void snapshot(struct fake *k, double *out)
{
	uint32_t s, n = k->f->graph.n;

	assert_true(n < 256);
	for (s = 0; s < n; s++)
		out[s] = cp_bayes_posterior(k->f->e, s);
	out[n] = cp_bayes_posterior(k->f->e, CP_BAYES_OUTSIDE);
}

/* Called at every start and wait: after an infra result, nothing moved. */
static void check_unmoved(struct fake *k)
{
	double now[256];
	uint32_t s;

	if (!k->check)
		return;
	snapshot(k, now);
	for (s = 0; s <= k->f->graph.n; s++)
		assert_true(now[s] == k->post[s]);
	k->check = 0;
}

static int fake_start(void *ctx, const struct cp_bayes_action *act, const struct cp_oid *id,
		      struct cp_error *err)
{
	struct fake *k = ctx;
	struct cp_plan_result *r;

	(void)err;
	check_unmoved(k);
	assert_true(k->nev < 64);
	r = &k->ev[k->nev].res;
	memset(r, 0, sizeof(*r));
	r->kind = act->kind;
	r->slot = act->slot;
	if (act->kind == CP_BAYES_BUILD) {
		k->ev[k->nev].end = k->now + 120;
		r->ok = 1;
		r->seconds = 120;
		k->builds++;
		if (++k->builds_now > k->max_builds_now)
			k->max_builds_now = k->builds_now;
	} else {
		k->ev[k->nev].end = k->now + 240;
		r->outcome = index_of(&k->f->h, id) >= k->culprit ? CP_BAYES_TARGET : CP_BAYES_CLEAN;
		r->seconds = 240;
		k->runs++;
		r->infra = k->infra_every && k->runs % k->infra_every == 0;
		k->infra += (unsigned)r->infra;
		if (++k->runs_now > k->max_runs_now)
			k->max_runs_now = k->runs_now;
	}
	k->nev++;
	return 0;
}

static int fake_wait(void *ctx, struct cp_plan_result *res, struct cp_error *err)
{
	struct fake *k = ctx;
	int i, first = 0;

	(void)err;
	check_unmoved(k);
	assert_true(k->nev > 0);
	for (i = 1; i < k->nev; i++)
		if (k->ev[i].end < k->ev[first].end)
			first = i;
	*res = k->ev[first].res;
	k->now = k->ev[first].end;
	if (res->kind == CP_BAYES_BUILD)
		k->builds_now--;
	else
		k->runs_now--;
	for (i = first; i + 1 < k->nev; i++)
		k->ev[i] = k->ev[i + 1];
	k->nev--;
	if (res->kind == CP_BAYES_RUN && res->infra) {
		snapshot(k, k->post);
		k->check = 1;
	}
	return 0;
}

static void drive_names_the_culprit_with_builds_at_once(void **state)
{
	int culprits[] = { 1, 17, 64, 100, 128 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(culprits) / sizeof(*culprits); i++) {
		struct fixture f;
		struct cp_cost_model m;
		struct fake k = { .f = &f, .culprit = culprits[i] };
		const struct cp_plan_ops ops = { .ctx = &k, .start = fake_start, .wait = fake_wait };
		struct cp_bayes_action last;
		struct cp_bayes_summary sum;
		struct cp_error err;

		setup_engine(&f, 129);
		cp_cost_kernel(&m);
		m.test_slots = 4;
		assert_int_equal(cp_plan_drive(f.e, &ops, &m, &last, &err), 0);
		assert_int_equal(last.kind, CP_BAYES_DONE);
		assert_int_equal(last.reason, CP_BAYES_CONFIDENT);
		assert_int_equal(k.nev, 0);
		assert_int_equal(cp_bayes_summarize(f.e, &sum, &err), 0);
		assert_int_equal(commit_of(&f, (uint32_t)sum.best), culprits[i]);
		assert_true(sum.verified);
		assert_int_equal(k.max_builds_now, 2);
		assert_true(k.max_runs_now <= 4);
		assert_int_equal(sum.builds, k.builds + 1);	/* + the start commit */
		assert_int_equal(sum.runs, k.runs - k.infra + 3);
		/* git needs 7 or 8 for 128 commits: builds at once cost a few more */
		assert_true(k.builds <= 16);
		teardown_engine(&f);
	}
}

/*
 * Every third run is lost (infra): the posterior never moves on one (checked
 * at the next start or wait), the engine counts only the others, and the
 * culprit and its confidence are those of the same bisection without losses.
 */
static void infra_runs_are_not_evidence(void **state)
{
	int culprits[] = { 17, 100 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(culprits) / sizeof(*culprits); i++) {
		double conf[2];
		int lossy;

		for (lossy = 0; lossy < 2; lossy++) {
			struct fixture f;
			struct cp_cost_model m;
			struct fake k = { .f = &f, .culprit = culprits[i], .infra_every = lossy ? 3 : 0 };
			const struct cp_plan_ops ops = { .ctx = &k, .start = fake_start, .wait = fake_wait };
			struct cp_bayes_action last;
			struct cp_bayes_summary sum;
			struct cp_error err;

			setup_engine(&f, 129);
			cp_cost_kernel(&m);
			m.test_slots = 4;
			assert_int_equal(cp_plan_drive(f.e, &ops, &m, &last, &err), 0);
			assert_int_equal(last.reason, CP_BAYES_CONFIDENT);
			assert_int_equal(cp_bayes_summarize(f.e, &sum, &err), 0);
			assert_int_equal(commit_of(&f, (uint32_t)sum.best), culprits[i]);
			assert_int_equal(sum.runs, k.runs - k.infra + 3);
			if (lossy)
				assert_true(k.infra > 3);
			conf[lossy] = sum.best_p;
			teardown_engine(&f);
		}
		assert_true(conf[1] >= 0.99 && conf[0] >= 0.99);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_build_slots_build_two_spread_commits),
		cmocka_unit_test(drive_names_the_culprit_with_builds_at_once),
		cmocka_unit_test(infra_runs_are_not_evidence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
