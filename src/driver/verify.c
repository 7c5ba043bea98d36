/*
 * The engine's answer: the culprit's verification (its own runs and its
 * parents' clean runs), the no-op check, and result.json's "bayes" object.
 */
#include "driver/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
			"confidence", d->job->confidence > 0 ? d->job->confidence : 0.99,
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
	d->bayes_result = obj;
	return 0;
}
