/*
 * Trials: the simulated tester and the three policies (sim.h).
 */
#include "sim/internal.h"

#include "bisect/batch.h"
#include "bisect/bayes.h"
#include "bisect/gitstep.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cp_sim_policy_parse(const char *name)
{
	if (!strcmp(name, "culprit"))
		return CP_SIM_CULPRIT;
	if (!strcmp(name, "git"))
		return CP_SIM_GIT;
	if (!strcmp(name, "syzkaller"))
		return CP_SIM_SYZKALLER;
	return -1;
}

const char *cp_sim_policy_name(enum cp_sim_policy policy)
{
	return policy == CP_SIM_CULPRIT ? "culprit" : policy == CP_SIM_GIT ? "git" : "syzkaller";
}


static void finish(struct cp_scenario *sc, struct cp_sim_trial *tr)
{
	if (sc->expect_outside)
		tr->correct = tr->outside;
	else
		tr->correct = tr->found && cp_oid_equal(&tr->commit, &sc->expect);
}

static int push(struct cp_oid **set, size_t *n, const struct cp_oid *id, struct cp_error *err)
{
	struct cp_oid *p = realloc(*set, (*n + 1) * sizeof(*p));

	if (!p)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	p[(*n)++] = *id;
	*set = p;
	return 0;
}

/*
 * git bisect driven by a verdict function, from tip (git's "bad"); goods
 * is the initial list (owned by the caller, copied).  In a fix bisection
 * tip is the fixed end, goods the start commit, and the verdict functions
 * answer in git's terms: "bad" is "the crash is gone".
 */
enum verdict { V_BAD, V_GOOD, V_SKIP };
typedef int (*verdict_fn)(void *ctx, const struct cp_oid *id, enum verdict *v,
			  struct cp_error *err);

static int git_loop(struct cp_scenario *sc, const struct cp_oid *tip,
		    const struct cp_oid *goods0, size_t ngoods0, verdict_fn fn, void *ctx,
		    struct cp_sim_trial *tr, struct cp_error *err)
{
	struct cp_oid *goods = NULL, *skips = NULL;
	size_t ngoods = 0, nskips = 0, i;
	struct cp_git_state st = { 0 };
	int ret = 0;

	for (i = 0; i < ngoods0 && !ret; i++)
		ret = push(&goods, &ngoods, &goods0[i], err);
	st.bad = *tip;
	while (!ret) {
		struct cp_git_step step = { 0 };
		enum verdict v;

		st.goods = goods;
		st.ngoods = ngoods;
		st.skips = skips;
		st.nskips = nskips;
		ret = cp_git_next(&sc->src, &st, &step, err);
		if (ret == CP_ERR_MERGE_BASE_BAD) {
			snprintf(tr->note, sizeof(tr->note), "a merge base is bad");
			ret = 0;
			break;
		}
		if (ret)
			break;
		if (step.action == CP_GIT_FOUND) {
			tr->found = 1;
			tr->commit = step.commit;
			cp_git_step_free(&step);
			break;
		}
		if (step.action != CP_GIT_TEST && step.action != CP_GIT_TEST_MERGE_BASE) {
			snprintf(tr->note, sizeof(tr->note), "%s",
				 step.action == CP_GIT_ONLY_SKIPPED ? "inconclusive: only skipped commits left" :
				 "nothing to bisect");
			cp_git_step_free(&step);
			break;
		}
		ret = fn(ctx, &step.commit, &v, err);
		if (!ret) {
			if (v == V_BAD)
				st.bad = step.commit;
			else if (v == V_GOOD)
				ret = push(&goods, &ngoods, &step.commit, err);
			else
				ret = push(&skips, &nskips, &step.commit, err);
		}
		cp_git_step_free(&step);
	}
	free(goods);
	free(skips);
	return ret;
}

/* ---- git: one run per commit, any crash is bad ---- */

static int git_verdict(void *ctx, const struct cp_oid *id, enum verdict *v, struct cp_error *err)
{
	struct tester *t = ctx;
	enum run_kind kind;
	size_t bug;
	int ok, ret = sim_test_build(t, id, &ok);

	if (ret || !ok) {
		*v = V_SKIP;
		return ret;
	}
	ret = sim_test_run(t, id, &kind, &bug, err);
	/* a lost run fails the test script as a crash does */
	*v = (kind == RUN_OK) != !!t->sc->fix ? V_GOOD : V_BAD;
	return ret;
}

/* git bisect start <fixed end> <start>, with any crash "old" */
static int policy_git_fix(struct tester *t, struct cp_error *err)
{
	struct cp_scenario *sc = t->sc;
	enum verdict v;
	int ret = git_verdict(t, &sc->bad, &v, err);

	if (ret)
		return ret;
	t->tr->confidence = 1;
	return git_loop(sc, &sc->goods[0], &sc->bad, 1, git_verdict, t, t->tr, err);
}

static int policy_git(struct tester *t, struct cp_error *err)
{
	struct cp_scenario *sc = t->sc;
	const struct cp_oid *goods = sc->goods;
	size_t ngoods = sc->ngoods, i;
	struct cp_oid good;
	int ret;

	if (sc->fix)
		return policy_git_fix(t, err);
	if (!ngoods) {
		for (i = 0; i < sc->nreleases; i++) {
			enum verdict v;

			ret = git_verdict(t, &sc->releases[i].commit, &v, err);
			if (ret)
				return ret;
			if (v == V_GOOD)
				break;
		}
		if (i == sc->nreleases) {
			snprintf(t->tr->note, sizeof(t->tr->note), "no good release");
			return 0;
		}
		good = sc->releases[i].commit;
		goods = &good;
		ngoods = 1;
	}
	/* the start commit is built and run once, as culprit bisect does; it
	 * is bad whatever the run says (git bisect start trusts the user) */
	{
		enum verdict v;

		ret = git_verdict(t, &sc->bad, &v, err);
		if (ret)
			return ret;
	}
	t->tr->confidence = 1;
	return git_loop(sc, &sc->bad, goods, ngoods, git_verdict, t, t->tr, err);
}

/* ---- syzkaller: pkg/bisect verdict rules (current version) ---- */

struct syz {
	struct tester *t;
	int flaky;
	int first;
	double repro;		/* reproChance */
	double conf;
	struct cp_oid *built;	/* commits built so far (the no-op check) */
	size_t nbuilt;
};

/*
 * total runs of id at once (built at ready): bad (crashes, no title
 * comparison) and good (clean) ones.  A boot failure is a skip run; so is a
 * run lost on the host side: pkg/bisect's isTransientError ignores
 * LOST_CONNECTION crashes when the original crash is of another type (its
 * issue #4888 was that it counted them as crashes).
 */
static int syz_runs(struct tester *t, const struct cp_oid *id, unsigned total,
		    unsigned *bad, unsigned *good, struct cp_error *err)
{
	double built = t->now, done = t->now;
	unsigned i;

	*bad = *good = 0;
	for (i = 0; i < total; i++) {
		enum run_kind kind;
		size_t bug;
		int ret;

		/* the runs of one commit all start once it is built; with fewer
		 * VMs than runs they queue (pkg/bisect runs them in parallel) */
		t->now = built;
		ret = sim_test_run(t, id, &kind, &bug, err);
		if (t->now > done)
			done = t->now;
		if (ret)
			return ret;
		if (kind == RUN_CRASH)
			(*bad)++;
		else if (kind == RUN_OK)
			(*good)++;
	}
	t->now = done;
	return 0;
}

static int syz_test(struct syz *z, const struct cp_oid *id, enum verdict *v,
		    struct cp_error *err)
{
	struct tester *t = z->t;
	unsigned total = (z->first || z->flaky) ? 20 : 10, bad = 0, good = 0;
	unsigned want_good = z->flaky ? 3 * total / 4 : total / 2;
	unsigned want_bad = total / 6 > 2 ? total / 6 : 2;
	int ok, ret = sim_test_build(t, id, &ok);

	z->first = 0;
	if (!ret)
		ret = push(&z->built, &z->nbuilt, id, err);
	if (ret || !ok) {
		*v = V_SKIP;
		return ret;
	}
	ret = syz_runs(t, id, total, &bad, &good, err);
	if (ret)
		return ret;
	if (!bad && good >= want_good) {
		*v = V_GOOD;
		z->conf *= 1 - pow(1 - z->repro, good);
	} else if (bad >= want_bad && bad + good >= total / 2) {
		double ratio = (double)bad / total;

		*v = V_BAD;
		if (ratio < 0.5)
			z->flaky = 1;
		if (z->repro < 0)
			z->repro = ratio;
		else if ((z->repro + ratio) / 2 < z->repro)
			z->repro = (z->repro + ratio) / 2;
	} else {
		*v = V_SKIP;
	}
	return 0;
}

static int syz_verdict(void *ctx, const struct cp_oid *id, enum verdict *v, struct cp_error *err)
{
	struct syz *z = ctx;
	int ret = syz_test(z, id, v, err);

	/* a fix bisection inverts the step verdicts: a crash is "old" */
	if (!ret && z->t->sc->fix && *v != V_SKIP)
		*v = *v == V_GOOD ? V_BAD : V_GOOD;
	return ret;
}

/*
 * Config minimization (env.minimizeConfig) on the start commit: each test
 * is a kernel with another config, so a cold build, and 10 runs (20 once
 * flaky); its verdict only picks the config, which the simulated bug
 * ignores.  sc->syz_minimize tests: 1 is dropInstrumentation alone, up to
 * 6 with the baseline config's delta debugging (at most 5 predicate runs).
 */
static int syz_minimize(struct syz *z, struct cp_error *err)
{
	struct tester *t = z->t;
	struct cp_scenario *sc = t->sc;
	unsigned i, bad, good;
	int ret = 0;

	for (i = 0; i < sc->syz_minimize && !ret; i++) {
		t->last_s = sc->cost.build_s;
		t->tr->builds++;
		t->tr->time_s += t->last_s;
		t->now = sim_clock_build(&t->clock, t->now, t->last_s);
		ret = syz_runs(t, &sc->bad, z->flaky ? 20 : 10, &bad, &good, err);
	}
	return ret;
}

/*
 * detectNoopChange: a culprit with one parent is compared with its
 * parent's signature; a parent never tested is built (no runs).
 */
static int syz_noop_check(struct syz *z, struct cp_error *err)
{
	struct tester *t = z->t;
	struct cp_scenario *sc = t->sc;
	const struct cp_oid *parents;
	size_t np, i;
	int64_t when;
	int ok, ret;

	if (!t->tr->found)
		return 0;
	ret = sc->src.lookup(sc->src.ctx, &t->tr->commit, &when, &parents, &np, err);
	if (ret || np != 1)
		return ret;
	for (i = 0; i < z->nbuilt; i++)
		if (cp_oid_equal(&z->built[i], &parents[0]))
			return 0;
	return sim_test_build(t, &parents[0], &ok);
}

static int syzkaller_steps(struct syz *z, struct cp_error *err);

static int policy_syzkaller(struct tester *t, struct cp_error *err)
{
	struct syz z = { .t = t, .first = 1, .repro = -1, .conf = 1 };
	int ret = syzkaller_steps(&z, err);

	if (!ret)
		ret = syz_noop_check(&z, err);
	free(z.built);
	return ret;
}

static int syzkaller_steps(struct syz *z_, struct cp_error *err)
{
	struct tester *t = z_->t;
	struct cp_scenario *sc = t->sc;
	struct syz *z = z_;
	const struct cp_oid *goods = sc->goods;
	size_t ngoods = sc->ngoods, i;
	struct cp_oid good;
	enum verdict v;
	int ret;

	ret = syz_test(z, &sc->bad, &v, err);
	if (ret)
		return ret;
	if (v != V_BAD) {
		snprintf(t->tr->note, sizeof(t->tr->note),
			 "the crash wasn't reproduced on the original commit");
		return 0;
	}
	ret = syz_minimize(z, err);
	if (ret)
		return ret;
	if (sc->fix) {
		/* HEAD (the fixed end) first: it must be Good */
		ret = syz_test(z, &sc->goods[0], &v, err);
		if (ret)
			return ret;
		if (v != V_GOOD) {
			snprintf(t->tr->note, sizeof(t->tr->note), "the crash is not gone on HEAD");
			return 0;
		}
		ret = git_loop(sc, &sc->goods[0], &sc->bad, 1, syz_verdict, z, t->tr, err);
		t->tr->confidence = z->conf;
		return ret;
	}
	if (!ngoods) {
		for (i = 0; i < sc->nreleases; i++) {
			ret = syz_test(z, &sc->releases[i].commit, &v, err);
			if (ret)
				return ret;
			if (v == V_GOOD)
				break;
		}
		if (i == sc->nreleases) {
			snprintf(t->tr->note, sizeof(t->tr->note),
				 "oldest tested release already had the bug");
			return 0;
		}
		good = sc->releases[i].commit;
		goods = &good;
		ngoods = 1;
	}
	ret = git_loop(sc, &sc->bad, goods, ngoods, syz_verdict, z, t->tr, err);
	t->tr->confidence = z->conf;
	return ret;
}

int cp_sim_trial(struct cp_scenario *sc, enum cp_sim_policy policy, uint64_t seed,
		 struct cp_sim_trial *out, struct cp_error *err)
{
	struct tester t = { .sc = sc, .tr = out };
	int ret;

	memset(out, 0, sizeof(*out));
	sim_rng_seed(&t.rng, seed);
	ret = sim_clock_init(&t.clock, &sc->cost, err);
	if (ret)
		return ret;
	switch (policy) {
	case CP_SIM_GIT: ret = policy_git(&t, err); break;
	case CP_SIM_SYZKALLER: ret = policy_syzkaller(&t, err); break;
	default: ret = sim_policy_culprit(&t, CP_BAYES_DEFAULT_CONFIDENCE, err); break;
	}
	out->wall_s = t.clock.wall;
	out->machine_h = (t.clock.build_busy + t.clock.test_busy) / 3600;
	sim_clock_free(&t.clock);
	if (!ret)
		finish(sc, out);
	return ret;
}
