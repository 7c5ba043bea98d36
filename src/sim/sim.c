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

/* xoshiro256** */
struct rng {
	uint64_t s[4];
};

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t res = rotl(r->s[1] * 5, 7) * 9, t = r->s[1] << 17;

	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return res;
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		r->s[i] = z ^ (z >> 31);
	}
}

static double rng_unit(struct rng *r)
{
	return (rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- the simulated tester ---- */

enum run_kind { RUN_OK, RUN_CRASH, RUN_BOOT };

struct tester {
	struct cp_scenario *sc;
	struct rng rng;
	struct cp_sim_trial *tr;
	struct sim_clock clock;
	double now;		/* when the policy knows every answer it waits for */
	double last_s;		/* cost of the last build or run */
};

static int t_build(struct tester *t, const struct cp_oid *id, int *ok)
{
	t->last_s = cp_cost_build(&t->sc->cost, t->tr->builds);
	t->tr->builds++;
	t->tr->time_s += t->last_s;
	t->now = sim_clock_build(&t->clock, t->now, t->last_s);
	*ok = !sim_is_broken(t->sc, id);
	return 0;
}

/* One run: what crashed (bug index in *bug) or nothing. */
static int t_run(struct tester *t, const struct cp_oid *id, enum run_kind *kind, size_t *bug,
		 struct cp_error *err)
{
	struct cp_scenario *sc = t->sc;
	size_t boot[SIM_MAX_BUGS], crash[SIM_MAX_BUGS], nb = 0, nc = 0, b;
	uint32_t present;
	int ret = sim_presence(sc, id, &present, err);

	if (ret)
		return ret;
	t->tr->runs++;
	t->last_s = cp_cost_run(&sc->cost);
	t->tr->time_s += t->last_s;
	t->now = sim_clock_run(&t->clock, t->now, t->last_s);
	for (b = 0; b < sc->nbugs; b++) {
		if (!(present >> b & 1))
			continue;
		if (rng_unit(&t->rng) < sc->bugs[b].p_boot)
			boot[nb++] = b;
		else if (rng_unit(&t->rng) < sim_bug_p(sc, id, b))
			crash[nc++] = b;
	}
	if (nb) {
		*kind = RUN_BOOT;
		*bug = boot[rng_next(&t->rng) % nb];
	} else if (nc) {
		*kind = RUN_CRASH;
		*bug = crash[rng_next(&t->rng) % nc];
	} else {
		*kind = RUN_OK;
	}
	return 0;
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
	int ok, ret = t_build(t, id, &ok);

	if (ret || !ok) {
		*v = V_SKIP;
		return ret;
	}
	ret = t_run(t, id, &kind, &bug, err);
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
};

static int syz_test(struct syz *z, const struct cp_oid *id, enum verdict *v,
		    struct cp_error *err)
{
	struct tester *t = z->t;
	unsigned total = (z->first || z->flaky) ? 20 : 10, bad = 0, good = 0, i;
	unsigned want_good = z->flaky ? 3 * total / 4 : total / 2;
	unsigned want_bad = total / 6 > 2 ? total / 6 : 2;
	int ok, ret = t_build(t, id, &ok);
	double built, done = t->now;

	z->first = 0;
	if (ret || !ok) {
		*v = V_SKIP;
		return ret;
	}
	built = t->now;
	for (i = 0; i < total; i++) {
		enum run_kind kind;
		size_t bug;

		/* the runs of one commit all start once it is built; with fewer
		 * VMs than runs they queue (pkg/bisect runs them in parallel) */
		t->now = built;
		ret = t_run(t, id, &kind, &bug, err);
		if (t->now > done)
			done = t->now;
		if (ret)
			return ret;
		if (kind == RUN_CRASH)
			bad++;	/* no title comparison */
		else if (kind == RUN_OK)
			good++;
		/* a boot failure is a skip run */
	}
	t->now = done;
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

static int policy_syzkaller(struct tester *t, struct cp_error *err)
{
	struct cp_scenario *sc = t->sc;
	struct syz z = { .t = t, .first = 1, .repro = -1, .conf = 1 };
	const struct cp_oid *goods = sc->goods;
	size_t ngoods = sc->ngoods, i;
	struct cp_oid good;
	enum verdict v;
	int ret;

	ret = syz_test(&z, &sc->bad, &v, err);
	if (ret)
		return ret;
	if (v != V_BAD) {
		snprintf(t->tr->note, sizeof(t->tr->note),
			 "the crash wasn't reproduced on the original commit");
		return 0;
	}
	if (sc->fix) {
		/* HEAD (the fixed end) first: it must be Good */
		ret = syz_test(&z, &sc->goods[0], &v, err);
		if (ret)
			return ret;
		if (v != V_GOOD) {
			snprintf(t->tr->note, sizeof(t->tr->note), "the crash is not gone on HEAD");
			return 0;
		}
		ret = git_loop(sc, &sc->goods[0], &sc->bad, 1, syz_verdict, &z, t->tr, err);
		t->tr->confidence = z.conf;
		return ret;
	}
	if (!ngoods) {
		for (i = 0; i < sc->nreleases; i++) {
			ret = syz_test(&z, &sc->releases[i].commit, &v, err);
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
	ret = git_loop(sc, &sc->bad, goods, ngoods, syz_verdict, &z, t->tr, err);
	t->tr->confidence = z.conf;
	return ret;
}

/* ---- culprit: the Bayesian engine through cp_bayes_drive() ---- */

struct cul {
	struct tester *t;
	struct cp_bayes *b;
	int trace;
};

/* CULPRIT_SIM_TRACE=1: every action on stderr. */
static void c_step(void *ctx, const struct cp_bayes_action *act)
{
	struct cul *c = ctx;
	struct cp_bayes_summary s;
	struct cp_error err;

	if (!c->trace || cp_bayes_summarize(c->b, &s, &err))
		return;
	fprintf(stderr, "%s slot %u gain %.3f%s%s | best %lld p %.3f second %lld p %.3f out %.3f repro %.2f\n",
		act->kind == CP_BAYES_RUN ? "run" : act->kind == CP_BAYES_BUILD ? "build" : "done",
		act->slot, act->gain, act->git_choice ? " git" : "", act->verify ? " verify" : "",
		(long long)s.best, s.best_p, (long long)s.runner_up, s.runner_up_p, s.outside_p, s.repro);
}

static enum cp_bayes_outcome classify(struct cp_scenario *sc, enum run_kind kind, size_t bug)
{
	if (kind == RUN_OK)
		return CP_BAYES_CLEAN;
	/* the target's title, at boot or during the run, is the target */
	return bug == sc->target ? CP_BAYES_TARGET : CP_BAYES_SILENT;
}

static int c_build(void *ctx, uint32_t slot, const struct cp_oid *id, int *ok,
		   char **signature, double *seconds, struct cp_error *err)
{
	struct cul *c = ctx;
	struct cp_oid sig;
	int ret = t_build(c->t, id, ok);

	*seconds = c->t->last_s;
	*signature = NULL;
	if (ret || !*ok)
		return ret;
	ret = sim_signature(c->t->sc, id, &sig, err);
	if (ret)
		return ret;
	*signature = malloc(CP_OID_HEXSZ + 1);
	if (!*signature)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	cp_oid_to_hex(&sig, *signature);
	return 0;
}

/* n runs at once: each starts when the policy asked (test slots permitting) */
static int c_runs(void *ctx, uint32_t slot, const struct cp_oid *id, unsigned n,
		  enum cp_bayes_outcome *outcomes, double *seconds, struct cp_error *err)
{
	struct cul *c = ctx;
	double start = c->t->now, done = start;
	unsigned i;

	for (i = 0; i < n; i++) {
		enum run_kind kind;
		size_t bug = 0;
		int ret;

		c->t->now = start;
		ret = t_run(c->t, id, &kind, &bug, err);
		if (ret)
			return ret;
		if (c->t->now > done)
			done = c->t->now;
		outcomes[i] = classify(c->t->sc, kind, bug);
	}
	c->t->now = done;
	*seconds = c->t->last_s;
	return 0;
}

/*
 * Runs id until it showed the target want_t times or ran clean want_c
 * times, at most max runs, adding each run to *tc, *cc or *sc_.
 */
static int run_until(struct tester *t, const struct cp_oid *id, unsigned max,
		     unsigned want_t, unsigned want_c, unsigned *tc, unsigned *cc,
		     unsigned *sc_, struct cp_error *err)
{
	unsigned i, nt = 0, nc = 0;

	for (i = 0; i < max && nt < want_t && nc < want_c; i++) {
		enum run_kind kind;
		size_t bug = 0;
		int ret = t_run(t, id, &kind, &bug, err);

		if (ret)
			return ret;
		switch (classify(t->sc, kind, bug)) {
		case CP_BAYES_TARGET: nt++; (*tc)++; break;
		case CP_BAYES_CLEAN: nc++; (*cc)++; break;
		default: (*sc_)++; break;
		}
	}
	return 0;
}

/* Runs id until it shows the target (1) or has enough clean runs (0). */
static int probe(struct tester *t, const struct cp_oid *id, double p, unsigned *tc,
		 unsigned *cc, unsigned *sc_, int *crashes, struct cp_error *err)
{
	unsigned need = (unsigned)ceil(log(0.05) / log1p(-(p < 0.999 ? p : 0.999)));
	unsigned before = *tc;
	int ret;

	if (need > 30)
		need = 30;
	ret = run_until(t, id, 3 * need + 10, 1, need, tc, cc, sc_, err);
	*crashes = *tc > before;
	return ret;
}

struct evidence {
	struct cp_oid id;
	unsigned t, c, s;
	int built;
};

static int policy_culprit(struct tester *t, double confidence, struct cp_error *err)
{
	struct cp_scenario *sc = t->sc;
	struct evidence *ev = NULL;
	size_t nev = 0, i;
	struct cp_graph own = { 0 };
	const struct cp_graph *graph = NULL;
	struct cp_oid good;
	const struct cp_oid *goods = sc->goods;
	size_t ngoods = sc->ngoods;
	struct cp_bayes_config cfg;
	struct cp_bayes *b = NULL;
	struct cp_bayes_summary sum;
	struct cp_bayes_action last;
	struct cul cul = { .t = t, .trace = getenv("CULPRIT_SIM_TRACE") != NULL };
	struct cp_batch_ops ops = { .ctx = &cul, .build = c_build, .runs = c_runs, .step = c_step };
	unsigned bt = 0, bc = 0, bs = 0;
	double p;
	int ok, ret;

	/* the start commit must show the target: run until it did */
	ret = t_build(t, &sc->bad, &ok);
	if (ret)
		return ret;
	if (!ok) {
		snprintf(t->tr->note, sizeof(t->tr->note), "the start commit does not build");
		return 0;
	}
	ret = run_until(t, &sc->bad, 80, getenv("CULPRIT_SIM_START") ?
			(unsigned)atoi(getenv("CULPRIT_SIM_START")) : 1u, UINT_MAX,
			&bt, &bc, &bs, err);
	if (ret)
		return ret;
	if (!bt) {
		snprintf(t->tr->note, sizeof(t->tr->note), "the crash does not reproduce on the start commit");
		return 0;
	}
	p = (bt + 1.0) / (bt + bc + 2.0);
	ev = calloc(sc->nreleases + 1, sizeof(*ev));
	if (!ev)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	if (sc->fix) {
		/*
		 * The fixed end must build, run clean and not show the target, as
		 * culprit bisect --fix checks; other crashes there are run past
		 * (at most 10 runs), as a user would with --runs.
		 */
		struct evidence *e = &ev[nev++];

		e->id = sc->goods[0];
		ret = t_build(t, &e->id, &ok);
		if (ret)
			goto out;
		e->built = ok;
		if (!ok) {
			snprintf(t->tr->note, sizeof(t->tr->note), "the fixed end does not build");
			goto out;
		}
		ret = run_until(t, &e->id, 10, 1, 1, &e->t, &e->c, &e->s, err);
		if (ret)
			goto out;
		if (!e->c || e->t) {
			snprintf(t->tr->note, sizeof(t->tr->note), "%s",
				 e->t ? "the crash still reproduces on the fixed end" :
				 "the fixed end cannot be tested");
			goto out;
		}
		/* the start commit contains no fix: it plays the good commit */
		goods = &sc->bad;
		ngoods = 1;
		graph = &sc->graph;
	} else if (!ngoods) {
		int found = 0;

		for (i = 0; i < sc->nreleases && !found; i++) {
			struct evidence *e = &ev[nev++];
			int crashes = 0;

			e->id = sc->releases[i].commit;
			ret = t_build(t, &e->id, &ok);
			if (ret)
				goto out;
			e->built = ok;
			if (!ok)
				continue;
			ret = probe(t, &e->id, p, &e->t, &e->c, &e->s, &crashes, err);
			if (ret)
				goto out;
			if (!crashes && e->c) {
				found = 1;
				good = e->id;
			}
		}
		if (!found) {
			snprintf(t->tr->note, sizeof(t->tr->note), "no clean release");
			goto out;
		}
		goods = &good;
		ngoods = 1;
		ret = cp_revwalk_candidates(&sc->src, &sc->bad, goods, 1, 0, &own, err);
		if (ret)
			goto out;
		graph = &own;
	} else {
		graph = &sc->graph;
	}
	cp_bayes_config_init(&cfg);
	cfg.confidence = confidence;
	if (getenv("CULPRIT_SIM_CONFIDENCE"))
		cfg.confidence = atof(getenv("CULPRIT_SIM_CONFIDENCE"));
	if (getenv("CULPRIT_SIM_PRIOR_A"))
		cfg.prior_a = atof(getenv("CULPRIT_SIM_PRIOR_A"));
	if (getenv("CULPRIT_SIM_PRIOR_B"))
		cfg.prior_b = atof(getenv("CULPRIT_SIM_PRIOR_B"));
	if (getenv("CULPRIT_SIM_RELIABLE")) {
		/* weight[,a[,b]] of the reliable component */
		const char *v = getenv("CULPRIT_SIM_RELIABLE");
		char *end;

		cfg.prior_reliable = strtod(v, &end);
		if (*end == ',')
			cfg.reliable_a = strtod(end + 1, &end);
		if (*end == ',')
			cfg.reliable_b = strtod(end + 1, &end);
	}
	cfg.build_cost = fmax(cp_cost_build(&sc->cost, 1), 1e-3);
	cfg.run_cost = fmax(cp_cost_run(&sc->cost), 1e-3);
	cfg.max_builds = 300;
	cfg.max_runs = 3000;
	cfg.fix = sc->fix;
	cfg.src = &sc->src;
	ret = cp_bayes_new(&b, graph, goods, ngoods, &cfg, err);
	if (ret)
		goto out;
	{
		int64_t s = cp_bayes_slot_of(b, &sc->bad);
		char *sig = NULL;
		double secs;

		ret = s < 0 ? cp_error_set(err, CP_ERR_INTERNAL, "bad commit not a candidate") : 0;
		if (!ret) {
			/* a build already counted: only its signature */
			struct cp_oid so;

			ret = sim_signature(sc, &sc->bad, &so, err);
			if (!ret && (sig = malloc(CP_OID_HEXSZ + 1)))
				cp_oid_to_hex(&so, sig);
			(void)secs;
			if (!ret)
				ret = cp_bayes_add_build(b, (uint32_t)s, 1, sig, err);
			free(sig);
		}
		if (!ret)
			ret = cp_bayes_add_run(b, (uint32_t)s, CP_BAYES_TARGET, bt, err);
		if (!ret)
			ret = cp_bayes_add_run(b, (uint32_t)s, CP_BAYES_CLEAN, bc, err);
		if (!ret)
			ret = cp_bayes_add_run(b, (uint32_t)s, CP_BAYES_SILENT, bs, err);
	}
	for (i = 0; i < nev && !ret; i++) {
		int64_t s = cp_bayes_slot_of(b, &ev[i].id);

		if (s < 0)
			continue;
		ret = cp_bayes_add_build(b, (uint32_t)s, ev[i].built, NULL, err);
		if (!ret && ev[i].built) {
			ret = cp_bayes_add_run(b, (uint32_t)s, CP_BAYES_TARGET, ev[i].t, err);
			if (!ret)
				ret = cp_bayes_add_run(b, (uint32_t)s, CP_BAYES_CLEAN, ev[i].c, err);
			if (!ret)
				ret = cp_bayes_add_run(b, (uint32_t)s, CP_BAYES_SILENT, ev[i].s, err);
		}
	}
	cul.b = b;
	if (!ret)
		ret = cp_batch_drive(b, &ops, &sc->cost, sc->sequential ? 1 : sc->cost.test_slots,
				     &last, err);
	if (!ret)
		ret = cp_bayes_summarize(b, &sum, err);
	if (ret)
		goto out;
	t->tr->confidence = sum.best_p;
	if (sum.best == CP_BAYES_OUTSIDE) {
		t->tr->outside = 1;
		snprintf(t->tr->note, sizeof(t->tr->note), "not in range");
	} else {
		t->tr->found = 1;
		t->tr->commit = *cp_bayes_slot_oid(b, (uint32_t)sum.best);
		if (last.reason != CP_BAYES_CONFIDENT)
			snprintf(t->tr->note, sizeof(t->tr->note), "%s",
				 last.reason == CP_BAYES_BUDGET ? "budget reached" : "stuck");
		else if (!sum.verified)
			snprintf(t->tr->note, sizeof(t->tr->note), "not verified");
	}
out:
	cp_bayes_free(b);
	if (graph == &own)
		cp_graph_free(&own);
	free(ev);
	return ret;
}

int cp_sim_trial(struct cp_scenario *sc, enum cp_sim_policy policy, uint64_t seed,
		 struct cp_sim_trial *out, struct cp_error *err)
{
	struct tester t = { .sc = sc, .tr = out };
	int ret;

	memset(out, 0, sizeof(*out));
	rng_seed(&t.rng, seed);
	ret = sim_clock_init(&t.clock, &sc->cost, err);
	if (ret)
		return ret;
	switch (policy) {
	case CP_SIM_GIT: ret = policy_git(&t, err); break;
	case CP_SIM_SYZKALLER: ret = policy_syzkaller(&t, err); break;
	default: ret = policy_culprit(&t, 0.99, err); break;
	}
	out->wall_s = t.clock.wall;
	out->machine_h = (t.clock.build_busy + t.clock.test_busy) / 3600;
	sim_clock_free(&t.clock);
	if (!ret)
		finish(sc, out);
	return ret;
}
