/*
 * The engine's answer: the culprit's verification (its own runs and its
 * parents' clean runs), the no-op check, and result.json's "bayes" object.
 */
#include "driver/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * What the reported confidence assumes (docs/model.md), for result.json and
 * the page: a posterior is only as true as its model.
 */
static json_t *model_json(const struct cp_bayes *b)
{
	const struct cp_bayes_config *c = cp_bayes_config_of(b);
	double flaky = 1 - c->prior_reliable - c->prior_rare;

	return json_pack("{s:s, s:[{s:s, s:f, s:f, s:f}, {s:s, s:f, s:f, s:f}, {s:s, s:f, s:f, s:f}],"
			 " s:f, s:f, s:[s, s, s, s]}",
		"hypotheses", "one commit of the range introduced the crash, or it is older "
			"than the good commits (not in range)",
		"prior_p",
		"component", "reliable", "weight", c->prior_reliable, "a", c->reliable_a,
			"b", c->reliable_b,
		"component", "flaky", "weight", flaky, "a", c->prior_a, "b", c->prior_b,
		"component", "rare", "weight", c->prior_rare, "a", c->rare_a, "b", c->rare_b,
		"false_positive", c->false_positive,
		"prior_not_in_range", c->prior_outside,
		"assumptions",
		"every commit that contains the culprit shows the crash with one chance p, "
			"unknown (Beta mixture prior above); a p that changes along the range is "
			"not modelled, only guarded against by the parent check",
		"a commit without the culprit shows the crash only by a false positive",
		"other crashes, boot failures and infra problems are no evidence either way",
		"runs are independent: the chance of a crash does not depend on earlier runs");
}

int drv_bayes_report(struct driver *d, const struct cp_bayes_summary *s,
		     const struct cp_bayes_action *last)
{
	const char *what = d->job->fix ? "fix" : "culprit";
	char hex[CP_OID_HEXSZ + 1];
	json_t *parents = json_array(), *obj;
	unsigned i;

	if (!parents)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	if (s->best >= 0) {
		cp_oid_to_hex(cp_bayes_slot_oid(d->bayes, (uint32_t)s->best), hex);
		drv_log(d, "%s: %s (posterior %.4f)\n", what, hex, s->best_p);
	} else {
		drv_log(d, "%s: not in range (posterior %.4f)\n", what, s->best_p);
	}
	if (s->runner_up >= 0) {
		cp_oid_to_hex(cp_bayes_slot_oid(d->bayes, (uint32_t)s->runner_up), hex);
		drv_log(d, "runner-up: %s (posterior %.4f)\n", hex, s->runner_up_p);
	}
	drv_log(d, "not in range: %.4f\n", s->outside_p);
	drv_log(d, "reproduction chance estimate: %.2f\n", s->repro);
	if (s->best >= 0) {
		if (d->job->fix)
			drv_log(d, "verified: %s; the fix was clean in %u of %u runs (needed %u)\n",
			      s->verified ? "yes" : "no", s->culprit_clean_runs,
			      s->culprit_target_runs + s->culprit_clean_runs, s->needed_clean);
		else
			drv_log(d, "verified: %s; the culprit showed the crash in %u of %u runs\n",
			      s->verified ? "yes" : "no", s->culprit_target_runs,
			      s->culprit_target_runs + s->culprit_clean_runs);
		for (i = 0; i < s->nparents; i++) {
			const struct cp_bayes_parent *p = &s->parents[i];
			const char *unit = d->job->fix ? "runs with the crash" : "clean runs";
			json_t *po;

			if (p->slot >= 0) {
				cp_oid_to_hex(cp_bayes_slot_oid(d->bayes, (uint32_t)p->slot), hex);
				if (d->job->fix)
					drv_log(d, "parent %s: %u %s (needed 1)\n", hex, p->clean_runs, unit);
				else if (p->target_runs)
					drv_log(d, "parent %s: %u %s (needed %u), %u with the crash too\n",
					      hex, p->clean_runs, unit, s->needed_clean, p->target_runs);
				else
					drv_log(d, "parent %s: %u %s (needed %u)\n", hex, p->clean_runs,
					      unit, s->needed_clean);
			} else {
				snprintf(hex, sizeof(hex), "outside the range");
				drv_log(d, "parent outside the range (%s): %u %s\n",
				      d->job->fix ? "the start commit's ancestor" :
				      "a good commit's ancestor", p->clean_runs, unit);
			}
			po = json_pack("{s:s?, s:i, s:i, s:b}", "commit", p->slot >= 0 ? hex : NULL,
				       "clean_runs", (int)p->clean_runs, "target_runs", (int)p->target_runs,
				       "ok", p->ok);
			if (po)
				json_array_append_new(parents, po);
		}
		if (s->noop == 1)
			drv_log(d, "the %s's build equals its parent's (same signature): "
			      "the change may not be what %s\n", what,
			      d->job->fix ? "fixed the crash" : "caused the crash");
		else if (s->noop < 0)
			drv_log(d, "no-op check: not made (%s)\n",
			      s->nparents && s->parents[0].slot == CP_BAYES_OUTSIDE ?
			      "the first parent is outside the range" :
			      "no build signature of it or of its first parent");
	}
	obj = json_pack("{s:f, s:f, s:f, s:f, s:s, s:b, s:o, s:i, s:{s:i, s:i}, s:o, s:i, s:i, s:i}",
			"confidence", cp_bayes_config_of(d->bayes)->confidence,
			"posterior", s->best_p, "not_in_range", s->outside_p, "repro", s->repro,
			"stopped", last->reason == CP_BAYES_CONFIDENT ? "confident" :
				   last->reason == CP_BAYES_BUDGET ? "budget" : "stuck",
			"verified", s->verified,
			"noop", s->noop < 0 ? json_null() : json_boolean(s->noop),
			"needed_clean", (int)s->needed_clean,
			"culprit_runs", "target", (int)s->culprit_target_runs,
			"clean", (int)s->culprit_clean_runs,
			"parents", parents, "builds", (int)s->builds, "runs", (int)s->runs,
			"runs_per_evidence", 1);
	if (!obj)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	if (s->best == CP_BAYES_OUTSIDE)
		json_object_set_new(obj, "culprit", json_null());
	else
		json_object_set_new(obj, "culprit", json_string(
			(cp_oid_to_hex(cp_bayes_slot_oid(d->bayes, (uint32_t)s->best), hex), hex)));
	if (s->runner_up >= 0) {
		cp_oid_to_hex(cp_bayes_slot_oid(d->bayes, (uint32_t)s->runner_up), hex);
		json_object_set_new(obj, "runner_up", json_pack("{s:s, s:f}", "commit", hex,
								"posterior", s->runner_up_p));
	}
	json_object_set_new(obj, "model", model_json(d->bayes));
	d->bayes_result = obj;
	return 0;
}

size_t drv_bayes_candidates(struct driver *d, struct cp_oid *cands, double *post,
			    size_t max)
{
	uint32_t n = d->graph ? d->graph->n : 0, i;
	size_t nc = 0, k;

	for (i = 0; i < n; i++) {
		double p = cp_bayes_posterior(d->bayes, i);

		if (p < 1e-4 || (nc == max && p <= post[nc - 1]))
			continue;
		if (nc < max)
			nc++;
		for (k = nc - 1; k > 0 && post[k - 1] < p; k--) {
			post[k] = post[k - 1];
			cands[k] = cands[k - 1];
		}
		post[k] = p;
		cands[k] = *cp_bayes_slot_oid(d->bayes, i);
	}
	return nc;
}
