/*
 * One commit tested as git's policy and the start checks test it: built
 * (unless the journal has it), run the job's number of times, and judged
 * target, clean or skip; the target crash is learnt on the start commit.
 */
#include "driver/internal.h"

#include "report/report.h"
#include "util/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int drv_is_target(struct driver *d, const char *outcome)
{
	if (drv_outcome_is_boot_target(d, outcome))
		return 1;	/* the crash bisected, at boot */
	if (d->boot_bisect || strncmp(outcome, "crashed: ", 9))
		return 0;
	return d->job->any_crash || !d->target || cp_report_same_title(outcome + 9, d->target);
}

const char *drv_verdict_name(enum verdict v)
{
	return v == V_TARGET ? "crashed" : v == V_CLEAN ? "clean" : "skip";
}

/* The tested index, other than t, built with t's signature, or -1. */
static int64_t same_signature(const struct driver *d, const struct tested *t)
{
	size_t i;

	if (!t->sig[0])
		return -1;
	for (i = 0; i < d->ntested; i++)
		if (&d->tested[i] != t && d->tested[i].built && !strcmp(d->tested[i].sig, t->sig))
			return (int64_t)i;
	return -1;
}

unsigned drv_clean_runs(const struct tested *t)
{
	unsigned i, n = 0;

	for (i = 0; t->built && i < t->nruns; i++)
		n += t->outcomes[i] && !strcmp(t->outcomes[i], "OK");
	return n;
}

int drv_test_commit(struct driver *d, const struct cp_oid *id, const char *label,
		    enum verdict *verdict)
{
	struct tested *t, *p;
	char hex[CP_OID_HEXSZ + 1], dir[4200];
	unsigned i, ntarget = 0, done = 0;
	json_t *rec;
	int ret = 0, ok = 1;

	p = realloc(d->tested, (d->ntested + 1) * sizeof(*p));
	if (!p)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	d->tested = p;
	t = &d->tested[d->ntested++];
	memset(t, 0, sizeof(*t));
	t->id = *id;
	t->same_as = -1;
	snprintf(t->label, sizeof(t->label), "%s", label ? label : "");
	t->nruns = d->job->runs;
	t->outcomes = calloc(t->nruns, sizeof(*t->outcomes));
	t->run_s = calloc(t->nruns, sizeof(*t->run_s));
	if (!t->outcomes || !t->run_s)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");

	cp_oid_to_hex(id, hex);
	d->pst.step++;
	snprintf(d->pst_label, sizeof(d->pst_label), "%s", label ? label : "");
	d->pst.label = label ? d->pst_label : NULL;
	/* a new commit: the store's row catches up with the journal */
	drv_store_update(d, "running");
	drv_progress(d, CP_PROGRESS_CHECKOUT, hex, 0, 0);
	if (label)
		drv_log(d, "testing %s\n", label);
	drv_log_testing(d, hex, id);
	snprintf(dir, sizeof(dir), "%s/commits/%s", d->job->out, hex);
	ret = cp_mkdir_p(dir, d->err);
	if (ret)
		return ret;

	for (i = 0; i < t->nruns; i++) {
		rec = drv_find_record(d, "run", hex, (int)i);
		if (rec) {
			t->outcomes[i] = strdup(json_string_value(json_object_get(rec, "outcome")) ?: "");
			t->run_s[i] = json_real_value(json_object_get(rec, "duration_s"));
			if (!t->outcomes[i])
				return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
			done++;
		}
	}
	rec = drv_find_record(d, "build", hex, -1);
	if (rec) {
		ok = json_is_true(json_object_get(rec, "ok"));
		t->build_s = json_real_value(json_object_get(rec, "duration_s"));
		snprintf(t->sig, sizeof(t->sig), "%s",
			 json_string_value(json_object_get(rec, "signature")) ?: "");
	}
	/*
	 * Runs still to do need this commit built in the worktree, which after
	 * a restart may hold anything: build again unless the build failed, or
	 * its journaled signature makes the runs unnecessary (below).
	 */
	if (ok && done < t->nruns && !(rec && !done && same_signature(d, t) >= 0)) {
		ret = drv_build(d, id, hex, &ok, &t->build_s, t->sig, sizeof(t->sig));
		if (ret)
			return ret;
		d->in_worktree = ok ? (int64_t)(t - d->tested) : -1;
	}
	d->build_s += t->build_s;
	t->built = ok;
	if (!ok) {
		drv_log_build_failed(d, dir);
		t->verdict = V_SKIP;
		*verdict = V_SKIP;
		return 0;
	}
	/*
	 * The same binary as a commit tested already: its runs would say the
	 * same, so its verdict is taken (git policy; the culprit policy shares
	 * the evidence in the engine instead).
	 */
	if (!done && (t->same_as = same_signature(d, t)) >= 0) {
		const struct tested *o = &d->tested[t->same_as];
		char ohex[CP_OID_HEXSZ + 1];

		cp_oid_to_hex(&o->id, ohex);
		drv_log(d, "same signature as %s: %s\n", ohex, drv_verdict_name(o->verdict));
		t->nruns = 0;
		t->verdict = o->verdict;
		*verdict = t->verdict;
		return 0;
	}

	/* the boot test: a kernel that does not boot cleanly gets no reproducer */
	{
		enum drv_boot b;

		ret = drv_boot_check(d, t, hex, done < t->nruns, &b);
		if (ret)
			return ret;
		if (b == DRV_BOOT_TARGET && !done) {
			/* its crash is one run's evidence, the runs are not needed */
			t->outcomes[0] = strdup(t->boot_outcome);
			if (!t->outcomes[0])
				return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
			t->nruns = 1;
			t->verdict = V_TARGET;
			*verdict = V_TARGET;
			return 0;
		}
		if (DRV_BOOT_BLOCKS(t) && !done) {
			t->nruns = 0;
			t->verdict = V_SKIP;
			*verdict = V_SKIP;
			return 0;
		}
	}
	ret = drv_run_missing(d, t, hex, 0, t->nruns);
	if (ret)
		return ret;

	/* the crash to look for: the most frequent one on the start commit */
	if (!d->target && !d->job->any_crash) {
		unsigned best = 0, k, j;

		for (k = 0; k < t->nruns; k++) {
			unsigned count = 0;

			if (strncmp(t->outcomes[k], "crashed: ", 9))
				continue;
			for (j = 0; j < t->nruns; j++)
				count += !strcmp(t->outcomes[j], t->outcomes[k]);
			if (count > best) {
				best = count;
				free(d->target);
				d->target = strdup(t->outcomes[k] + 9);
				if (!d->target)
					return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
			}
		}
	}
	for (i = 0; i < t->nruns; i++) {
		d->test_s += t->run_s[i];
		ntarget += drv_is_target(d, t->outcomes[i]);
	}
	{
		int same = 1;

		for (i = 1; i < t->nruns; i++)
			same &= !strcmp(t->outcomes[i], t->outcomes[0]);
		if (same)
			drv_log(d, "all runs: %s\n", t->outcomes[0]);
		else
			for (i = 0; i < t->nruns; i++)
				drv_log(d, "run #%u: %s\n", i, t->outcomes[i]);
	}
	t->verdict = ntarget ? V_TARGET : drv_clean_runs(t) == t->nruns ? V_CLEAN : V_SKIP;
	*verdict = t->verdict;
	return 0;
}
