/*
 * The culprit policy: the Bayesian engine (bisect/bayes.h) chooses the
 * builds and runs; this file executes them and feeds the evidence back.
 */
#include "driver/internal.h"

#include "bisect/batch.h"

#include "bisect/revwalk.h"
#include "util/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum cp_bayes_outcome drv_evidence_of(struct driver *d, const char *outcome)
{
	if (drv_is_target(d, outcome))
		return CP_BAYES_TARGET;
	return !strcmp(outcome, "OK") ? CP_BAYES_CLEAN : CP_BAYES_SILENT;
}

/* The tested entry of id, added when new (culprit policy: runs grow). */
static int tested_of(struct driver *d, const struct cp_oid *id, struct tested **out)
{
	struct tested *p;
	size_t i;

	for (i = 0; i < d->ntested; i++)
		if (cp_oid_equal(&d->tested[i].id, id)) {
			*out = &d->tested[i];
			return 0;
		}
	p = realloc(d->tested, (d->ntested + 1) * sizeof(*p));
	if (!p)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	d->tested = p;
	*out = &d->tested[d->ntested++];
	memset(*out, 0, sizeof(**out));
	(*out)->id = *id;
	(*out)->verdict = V_SKIP;
	(*out)->same_as = -1;
	return 0;
}

/* Room for need runs in t's outcomes and run_s. */
static int grow_runs(struct driver *d, struct tested *t, unsigned need)
{
	unsigned cap = t->cap ? t->cap : 16;
	char **o;
	double *s;

	if (need <= t->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	o = realloc(t->outcomes, cap * sizeof(*o));
	if (!o)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	t->outcomes = o;
	memset(o + t->cap, 0, (cap - t->cap) * sizeof(*o));
	s = realloc(t->run_s, cap * sizeof(*s));
	if (!s)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	t->run_s = s;
	memset(s + t->cap, 0, (cap - t->cap) * sizeof(*s));
	t->cap = cap;
	return 0;
}

/*
 * Builds commit id for the engine.  A build the journal has is not made
 * again: its outcome, time and signature are the journal's (so a resumed
 * bisection feeds the engine what the first one did), and a run that needs
 * it in the worktree rebuilds it then.
 */
static int b_build(struct driver *d, const struct cp_oid *id, int *ok, struct tested **out,
		   double *seconds)
{
	struct tested *t;
	char hex[CP_OID_HEXSZ + 1], dir[4200];
	json_t *rec;
	int ret;

	ret = tested_of(d, id, &t);
	if (ret)
		return ret;
	*out = t;
	cp_oid_to_hex(id, hex);
	d->pst.step++;
	d->pst.label = NULL;
	/* a new commit: the store's row catches up with the journal */
	drv_store_update(d, "running");
	drv_progress(d, CP_PROGRESS_CHECKOUT, hex, 0, 0);
	drv_log_testing(d, hex, id);
	snprintf(dir, sizeof(dir), "%s/commits/%s", d->job->out, hex);
	ret = cp_mkdir_p(dir, d->err);
	if (ret)
		return ret;
	rec = drv_find_record(d, "build", hex, -1);
	if (rec) {
		*ok = json_is_true(json_object_get(rec, "ok"));
		t->build_s = json_real_value(json_object_get(rec, "duration_s"));
		snprintf(t->sig, sizeof(t->sig), "%s",
			 json_string_value(json_object_get(rec, "signature")) ?: "");
		d->in_worktree = -1;
	} else {
		ret = drv_build(d, id, hex, ok, &t->build_s, t->sig, sizeof(t->sig));
		if (ret)
			return ret;
		d->in_worktree = *ok ? (int64_t)(t - d->tested) : -1;
	}
	*seconds = t->build_s;
	d->build_s += t->build_s;
	t->built = *ok;
	if (*ok) {
		/* the boot test; a kernel that does not boot is not testable for the engine */
		enum drv_boot b;

		ret = drv_boot_check(d, t, hex, 1, &b);
		if (ret)
			return ret;
		if (DRV_BOOT_BLOCKS(t))
			*ok = 0;
	}
	if (!t->built)
		drv_log_build_failed(d, dir);
	else if (*ok && t->sig[0]) {
		size_t i;

		/* the engine counts the runs of equal builds for both */
		for (i = 0; i < d->ntested; i++) {
			const struct tested *o = &d->tested[i];

			if (o != t && o->built && !strcmp(o->sig, t->sig)) {
				char ohex[CP_OID_HEXSZ + 1];

				cp_oid_to_hex(&o->id, ohex);
				drv_log(d, "same signature as %s: their runs count for both\n", ohex);
				break;
			}
		}
	}
	return 0;
}

/* The crash bisected at boot: one run's evidence of "crashed" for the engine. */
static int boot_evidence(struct driver *d, struct tested *t, uint32_t slot)
{
	int ret = grow_runs(d, t, 1);

	if (ret)
		return ret;
	t->outcomes[0] = strdup(t->boot_outcome);
	if (!t->outcomes[0])
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	t->nruns = 1;
	t->verdict = V_TARGET;
	drv_log(d, "run #0: %s (the boot test)\n", t->outcomes[0]);
	return cp_bayes_add_run(d->bayes, slot, CP_BAYES_TARGET, 1, d->err);
}

/*
 * Runs base .. base + n - 1 of t (the journal's, or new ones, jobs at
 * once), rebuilding t first when the worktree holds another build.
 */
static int b_runs(struct driver *d, struct tested *t, unsigned n)
{
	char hex[CP_OID_HEXSZ + 1];
	unsigned base = t->nruns, k, missing = 0;
	int ret;

	ret = grow_runs(d, t, base + n);
	if (ret)
		return ret;
	cp_oid_to_hex(&t->id, hex);
	for (k = base; k < base + n; k++) {
		json_t *rec = drv_find_record(d, "run", hex, (int)k);

		if (!rec) {
			missing++;
			continue;
		}
		t->outcomes[k] = strdup(json_string_value(json_object_get(rec, "outcome")) ?: "");
		t->run_s[k] = json_real_value(json_object_get(rec, "duration_s"));
		if (!t->outcomes[k]) {
			ret = cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
			goto fail;
		}
	}
	if (missing && d->in_worktree != (int64_t)(t - d->tested)) {
		char sig[sizeof(t->sig)];
		double secs = 0;
		int ok = 0;

		/* the worktree holds another build: build this one again */
		drv_log(d, "rebuilding commit %s\n", hex);
		ret = drv_build(d, &t->id, hex, &ok, &secs, sig, sizeof(sig));
		if (ret)
			goto fail;
		d->build_s += secs;
		if (!ok) {
			ret = cp_error_set(d->err, CP_ERR_CHILD,
					   "commit %s built before but not now", hex);
			goto fail;
		}
		d->in_worktree = (int64_t)(t - d->tested);
	}
	if (missing) {
		ret = drv_run_missing(d, t, hex, base, n);
		if (ret)
			goto fail;
	}
	t->nruns = base + n;
	for (k = base; k < base + n; k++) {
		enum cp_bayes_outcome o = drv_evidence_of(d, t->outcomes[k]);

		d->test_s += t->run_s[k];
		if (o == CP_BAYES_TARGET)
			t->verdict = V_TARGET;
		else if (o == CP_BAYES_CLEAN && t->verdict != V_TARGET)
			t->verdict = V_CLEAN;
		drv_log(d, "run #%u: %s\n", k, t->outcomes[k]);
	}
	return 0;
fail:
	/* an unfinished batch is not counted: its outcomes are the journal's now */
	for (k = base; k < base + n; k++) {
		free(t->outcomes[k]);
		t->outcomes[k] = NULL;
	}
	return ret;
}

/*
 * Mean build time and wall time per run of everything tested so far, for
 * the engine's choice.  Runs go jobs at once; in a fix bisection the
 * engine's run is a batch of `runs` runs.
 */
static void measured_costs(const struct driver *d, double *build_s, double *run_s)
{
	double bs = 0, rs = 0;
	unsigned nb = 0, nr = 0, jobs = d->job->jobs ? d->job->jobs : 1;
	size_t i, k;

	for (i = 0; i < d->ntested; i++) {
		if (d->tested[i].build_s > 0) {
			nb++;
			bs += d->tested[i].build_s;
		}
		for (k = 0; k < d->tested[i].nruns; k++) {
			nr++;
			rs += d->tested[i].run_s[k];
		}
	}
	*build_s = nb ? bs / nb : 0;
	*run_s = nr ? rs / nr : 0;
	if (d->job->fix)
		*run_s *= (d->job->runs + jobs - 1) / jobs;
	else
		*run_s /= jobs;
}

/*
 * Runs for one run request: `jobs` at once cost the wall time of one, but
 * a reliable reproducer needs fewer (cp_batch_width(): docs/cost.md), so
 * the machines are not kept busy for nothing.  A fix bisection's evidence
 * is a batch of `runs` runs: all of them.
 */
static unsigned batch_width(struct driver *d, int *ret)
{
	unsigned jobs = d->job->jobs ? d->job->jobs : 1;
	struct cp_bayes_summary sum;
	struct cp_cost_model m;

	*ret = 0;
	if (d->job->fix || jobs == 1)
		return jobs;
	*ret = cp_bayes_summarize(d->bayes, &sum, d->err);
	cp_cost_generic(&m);
	m.test_slots = jobs;
	return *ret ? 0 : cp_batch_width(&m, sum.repro, jobs);
}

/*
 * The engine's loop (cp_bayes_drive()'s, done here because one run request
 * becomes a batch: `jobs` runs at once cost the wall time of one, and a fix
 * bisection's evidence is a batch of `runs` runs).
 */
static int bayes_drive(struct driver *d, struct cp_bayes_action *last)
{
	double bc, rc;
	int ret;

	for (;;) {
		struct cp_bayes_action act;
		struct tested *t = NULL;
		const struct cp_oid *id;

		ret = cp_bayes_next(d->bayes, &act, d->err);
		if (ret)
			return ret;
		if (act.kind == CP_BAYES_DONE) {
			*last = act;
			return 0;
		}
		id = cp_bayes_slot_oid(d->bayes, act.slot);
		if (act.kind == CP_BAYES_BUILD) {
			double secs = 0;
			int ok = 0;

			if (act.noop_check)
				drv_log(d, "building the %s's first parent for the no-op check\n",
				      d->job->fix ? "fix" : "culprit");
			ret = b_build(d, id, &ok, &t, &secs);
			if (!ret)
				ret = cp_bayes_add_build(d->bayes, act.slot, ok, t->sig, d->err);
			if (!ret && ok && t->boot == DRV_BOOT_TARGET && !t->nruns)
				ret = boot_evidence(d, t, act.slot);
		} else {
			unsigned base, n = batch_width(d, &ret), k;

			if (!ret)
				ret = tested_of(d, id, &t);
			base = t ? t->nruns : 0;
			if (!ret)
				ret = b_runs(d, t, n);
			for (k = base; k < base + n && !ret; k++)
				ret = cp_bayes_add_run(d->bayes, act.slot,
						       drv_evidence_of(d, t->outcomes[k]), 1, d->err);
			/*
			 * The worktree now holds this build (cp_bayes_drive()
			 * records that too): a repeated report says so.  A
			 * commit whose runs never say target or clean (a test
			 * that hangs or cannot run there) is left alone by the
			 * engine (cp_bayes_untestable()): it is reported as
			 * skipped, as git skips it.
			 */
			if (!ret && cp_bayes_untestable(d->bayes, act.slot)) {
				drv_log(d, "%u runs and no evidence: the commit cannot be tested, skipped\n",
				      t->nruns);
				t->verdict = V_SKIP;
				ret = cp_bayes_add_build(d->bayes, act.slot, 0, NULL, d->err);
			} else if (!ret) {
				ret = cp_bayes_add_build(d->bayes, act.slot, 1, t->sig, d->err);
			}
		}
		if (ret)
			return ret;
		measured_costs(d, &bc, &rc);
		cp_bayes_set_costs(d->bayes, bc, rc);
		if (cp_progress_enabled(d->progress)) {
			struct cp_bayes_summary sum;

			/* the status line's "culprit 0.83 of 0.99" */
			if (!cp_bayes_summarize(d->bayes, &sum, d->err))
				d->pst.leader_p = sum.best_p;
		}
	}
}

/*
 * The evidence could not reach the confidence target (the budget is spent,
 * or nothing left to do carries information): status "uncertain" with the
 * leading candidates and their posteriors, never a single answer.
 */
static int uncertain(struct driver *d, const struct cp_bayes_summary *sum,
		     const struct cp_bayes_action *last)
{
	struct cp_oid cands[DRV_CANDIDATES_MAX];
	double post[DRV_CANDIDATES_MAX];
	char hex[CP_OID_HEXSZ + 1];
	size_t nc, i;
	int ret;

	nc = drv_bayes_candidates(d, cands, post, DRV_CANDIDATES_MAX);
	drv_log(d, "uncertain: no %s reached the confidence target %.3f (%s); the candidates:\n",
		d->job->fix ? "fix" : "culprit", d->pst.target_p,
		last->reason == CP_BAYES_BUDGET ? "the budget is spent" :
		"no test left carries enough information");
	for (i = 0; i < nc; i++) {
		cp_oid_to_hex(&cands[i], hex);
		drv_log(d, "  %s %.4f\n", hex, post[i]);
	}
	/* drv_write_result() adds their posteriors ("posterior") */
	ret = drv_write_result(d, "uncertain", NULL, cands, nc);
	if (ret)
		return ret;
	return cp_error_set(d->err, CP_ERR_UNCERTAIN,
			    "uncertain: the best candidate has posterior %.3f, below %.3f "
			    "(%zu candidates in result.json)", sum->best_p, d->pst.target_p, nc);
}

/*
 * The culprit policy.  Cause: the candidates are the start commit's
 * ancestors that are not the good commits'.  Fix: the fixed end's that are
 * not the start commit's, which plays the good commit (it contains no fix).
 */
int drv_bayes_loop(struct driver *d, const struct cp_oid *start,
		   struct cp_oid *goods, size_t ngoods)
{
	struct cp_graph graph = { 0 };
	struct cp_bayes_config cfg;
	struct cp_bayes_summary sum;
	struct cp_bayes_action last;
	const struct cp_oid *tip = d->job->fix ? &goods[0] : start;
	const struct cp_oid *egoods = d->job->fix ? start : goods;
	size_t negoods = d->job->fix ? 1 : ngoods;
	size_t i, k;
	int ret;

	ret = cp_revwalk_candidates(&d->src, tip, egoods, negoods, d->job->first_parent,
				    &graph, d->err);
	if (ret)
		return ret;
	if (!graph.n) {
		cp_graph_free(&graph);
		return cp_error_set(d->err, CP_ERR_RANGE, "nothing to bisect: bad is also good");
	}
	cp_bayes_config_init(&cfg);
	if (d->job->confidence > 0)
		cfg.confidence = d->job->confidence;
	cfg.first_parent = d->job->first_parent;
	cfg.fix = d->job->fix;
	cfg.one_worktree = 1;
	cfg.src = &d->src;
	cfg.max_runs = d->job->max_runs ? d->job->max_runs : 100 * d->job->runs + 1000;
	cfg.max_builds = d->job->max_builds;
	{
		double bc, rc;

		measured_costs(d, &bc, &rc);
		if (bc > 0)
			cfg.build_cost = bc;
		if (rc > 0)
			cfg.run_cost = rc;
	}
	ret = cp_bayes_new(&d->bayes, &graph, egoods, negoods, &cfg, d->err);
	if (ret)
		goto out;
	d->graph = &graph;
	drv_log(d, "bisecting with the Bayesian policy: %u candidates, confidence target %.3f\n",
	      graph.n, cfg.confidence);
	d->pst.target_p = cfg.confidence;
	/* what the start test and the release search saw */
	for (i = 0; i < d->ntested && !ret; i++) {
		struct tested *t = &d->tested[i];
		int64_t s = cp_bayes_slot_of(d->bayes, &t->id);

		if (s < 0)
			continue;
		t->cap = t->nruns;
		ret = cp_bayes_add_build(d->bayes, (uint32_t)s, t->built && !DRV_BOOT_BLOCKS(t),
					 t->sig, d->err);
		for (k = 0; k < t->nruns && !ret && t->built; k++)
			if (t->outcomes[k])
				ret = cp_bayes_add_run(d->bayes, (uint32_t)s,
						       drv_evidence_of(d, t->outcomes[k]), 1, d->err);
	}
	/* the engine's runs of the build in the worktree need no rebuild */
	if (!ret && d->in_worktree >= 0) {
		int64_t s = cp_bayes_slot_of(d->bayes, &d->tested[d->in_worktree].id);

		if (s >= 0 && d->tested[d->in_worktree].built)
			ret = cp_bayes_add_build(d->bayes, (uint32_t)s, 1,
						 d->tested[d->in_worktree].sig, d->err);
	}
	if (!ret)
		ret = bayes_drive(d, &last);
	if (!ret)
		ret = cp_bayes_summarize(d->bayes, &sum, d->err);
	if (!ret)
		ret = drv_bayes_report(d, &sum, &last);
	if (ret)
		goto out;
	if (sum.best >= 0 && last.reason == CP_BAYES_CONFIDENT) {
		const struct cp_oid *c = cp_bayes_slot_oid(d->bayes, (uint32_t)sum.best);
		char *show = NULL;

		/* the answer as git shows it (merges with their parents), as the git policy does */
		ret = cp_commit_format_show(d->repo, c, &show, d->err);
		if (!ret)
			drv_log(d, "%s", show);
		free(show);
		if (!ret)
			ret = drv_found(d, c);
	} else if (sum.best >= 0) {
		ret = uncertain(d, &sum, &last);
	} else {
		struct cp_oid cands[1];
		size_t nc = 0;

		if (sum.runner_up >= 0)
			cands[nc++] = *cp_bayes_slot_oid(d->bayes, (uint32_t)sum.runner_up);
		ret = drv_write_result(d, "inconclusive", NULL, cands, nc);
		if (!ret)
			ret = cp_error_set(d->err, CP_ERR_RANGE, d->job->fix ?
					   "the crash seems gone before the start commit (not in range: %.3f)" :
					   "the crash seems older than the good commits (not in range: %.3f)",
					   sum.best_p);
	}
out:
	cp_bayes_free(d->bayes);
	d->bayes = NULL;
	d->graph = NULL;
	cp_graph_free(&graph);
	return ret;
}
