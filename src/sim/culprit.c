/*
 * The simulator's culprit policy: the Bayesian engine (src/bisect/bayes.h)
 * after the start checks and the release search, driven by cp_plan_drive()
 * on the cost model's slots (builds and runs of several commits at once,
 * each result fed back when it ends on the simulated clock), or, with
 * --sequential, by cp_batch_drive() one action at a time.
 */
#include "sim/internal.h"

#include "bisect/batch.h"
#include "bisect/bayes.h"
#include "bisect/plan.h"
#include "bisect/revwalk.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- culprit: the Bayesian engine through cp_bayes_drive() ---- */

/* An action started on the simulated clock, its outcome drawn at the start. */
struct event {
	double end;
	unsigned long seq;
	struct cp_plan_result res;
};

struct cul {
	struct tester *t;
	struct cp_bayes *b;
	int trace;
	struct event *ev;	/* in flight (cp_plan_drive()) */
	size_t nev, cap;
	unsigned long seq;
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

/* Runs lost on the host side are run again, this many times at most per run. */
#define INFRA_RETRIES 5

static enum cp_bayes_outcome classify(struct cp_scenario *sc, enum run_kind kind, size_t bug)
{
	if (kind == RUN_OK)
		return CP_BAYES_CLEAN;
	if (kind == RUN_INFRA)
		return CP_BAYES_SILENT;	/* not reached: lost runs are retried */
	/* the target's title, at boot or during the run, is the target */
	return bug == sc->target ? CP_BAYES_TARGET : CP_BAYES_SILENT;
}

static int c_build(void *ctx, uint32_t slot, const struct cp_oid *id, int *ok,
		   char **signature, double *seconds, struct cp_error *err)
{
	struct cul *c = ctx;
	struct cp_oid sig;
	int ret = sim_test_build(c->t, id, ok);

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
	unsigned i, tries;

	for (i = 0; i < n; i++) {
		enum run_kind kind;
		size_t bug = 0;
		int ret;

		c->t->now = start;
		ret = sim_test_run(c->t, id, &kind, &bug, err);
		/* a lost run is run again once it is over, at most INFRA_RETRIES times */
		for (tries = 0; !ret && kind == RUN_INFRA && tries < INFRA_RETRIES; tries++)
			ret = sim_test_run(c->t, id, &kind, &bug, err);
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

/* cp_plan_drive()'s start: the action takes its slot now; its end is an event. */
static int c_start(void *ctx, const struct cp_bayes_action *act, const struct cp_oid *id,
		   struct cp_error *err)
{
	struct cul *c = ctx;
	double now = c->t->now;
	struct event e = { .seq = c->seq++ };
	int ret;

	e.res.kind = act->kind;
	e.res.slot = act->slot;
	if (act->kind == CP_BAYES_BUILD) {
		ret = c_build(c, act->slot, id, &e.res.ok, &e.res.signature, &e.res.seconds, err);
	} else {
		enum run_kind kind;
		size_t bug = 0;

		ret = sim_test_run(c->t, id, &kind, &bug, err);
		e.res.outcome = classify(c->t->sc, kind, bug);
		e.res.infra = kind == RUN_INFRA;
		e.res.seconds = c->t->last_s;
	}
	e.end = c->t->now;
	c->t->now = now;
	if (ret) {
		free(e.res.signature);
		return ret;
	}
	if (c->nev == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;
		struct event *p = realloc(c->ev, cap * sizeof(*p));

		if (!p) {
			free(e.res.signature);
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
		c->ev = p;
		c->cap = cap;
	}
	c->ev[c->nev++] = e;
	return 0;
}

/* cp_plan_drive()'s wait: the clock moves to the first end. */
static int c_wait(void *ctx, struct cp_plan_result *res, struct cp_error *err)
{
	struct cul *c = ctx;
	size_t i, first = 0;

	if (!c->nev)
		return cp_error_set(err, CP_ERR_INTERNAL, "waiting with nothing in flight");
	for (i = 1; i < c->nev; i++)
		if (c->ev[i].end < c->ev[first].end ||
		    (c->ev[i].end == c->ev[first].end && c->ev[i].seq < c->ev[first].seq))
			first = i;
	*res = c->ev[first].res;
	if (c->ev[first].end > c->t->now)
		c->t->now = c->ev[first].end;
	c->ev[first] = c->ev[--c->nev];
	return 0;
}

/*
 * Runs id until it showed the target want_t times or ran clean want_c
 * times, at most max runs, adding each run to *tc, *cc or *sc_.  Runs go in
 * rounds of up to START_WIDTH at once on the test slots (one at a time with
 * --sequential); a round is finished before the counts are looked at.
 */
#define START_WIDTH 4

static int run_until(struct tester *t, const struct cp_oid *id, unsigned max,
		     unsigned want_t, unsigned want_c, unsigned *tc, unsigned *cc,
		     unsigned *sc_, struct cp_error *err)
{
	unsigned i = 0, nt = 0, nc = 0, lost = 0, w = START_WIDTH, j;

	if (t->sc->sequential || w > t->sc->cost.test_slots)
		w = t->sc->sequential ? 1 : t->sc->cost.test_slots;
	while (i < max && nt < want_t && nc < want_c) {
		double start = t->now, done = t->now;
		unsigned n = max - i < w ? max - i : w;

		for (j = 0; j < n; j++) {
			enum run_kind kind;
			size_t bug = 0;
			int ret;

			t->now = start;
			ret = sim_test_run(t, id, &kind, &bug, err);
			if (ret)
				return ret;
			if (t->now > done)
				done = t->now;
			if (kind == RUN_INFRA && lost++ < INFRA_RETRIES * max)
				continue;	/* no verdict: run again in the next round */
			i++;
			switch (classify(t->sc, kind, bug)) {
			case CP_BAYES_TARGET: nt++; (*tc)++; break;
			case CP_BAYES_CLEAN: nc++; (*cc)++; break;
			default: (*sc_)++; break;
			}
		}
		t->now = done;
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

/* A prior component from the environment: weight[,a[,b]] (a tuning aid). */
static void mixture_env(const char *name, double *w, double *a, double *b)
{
	const char *v = getenv(name);
	char *end;

	if (!v)
		return;
	*w = strtod(v, &end);
	if (*end == ',')
		*a = strtod(end + 1, &end);
	if (*end == ',')
		*b = strtod(end + 1, &end);
}

int sim_policy_culprit(struct tester *t, double confidence, struct cp_error *err)
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
	ret = sim_test_build(t, &sc->bad, &ok);
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
		ret = sim_test_build(t, &e->id, &ok);
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
			ret = sim_test_build(t, &e->id, &ok);
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
	mixture_env("CULPRIT_SIM_RELIABLE", &cfg.prior_reliable, &cfg.reliable_a,
		    &cfg.reliable_b);
	mixture_env("CULPRIT_SIM_RARE", &cfg.prior_rare, &cfg.rare_a, &cfg.rare_b);
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
	if (!ret && sc->sequential) {
		ret = cp_batch_drive(b, &ops, &sc->cost, 1, &last, err);
	} else if (!ret) {
		const struct cp_plan_ops pops = { .ctx = &cul, .start = c_start, .wait = c_wait,
						  .step = c_step };

		ret = cp_plan_drive(b, &pops, &sc->cost, &last, err);
	}
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
	for (i = 0; i < cul.nev; i++)
		free(cul.ev[i].res.signature);
	free(cul.ev);
	cp_bayes_free(b);
	if (graph == &own)
		cp_graph_free(&own);
	free(ev);
	return ret;
}

