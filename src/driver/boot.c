/*
 * The boot test (job "boot_test", a kernel job's culprit vm-run --boot):
 * once per built commit, before any reproducer run, as syzkaller's
 * instance test boots and runs a basic program first.  Its crash is titled
 * like any crash: the crash bisected is evidence that the commit crashes;
 * another one ("another crash"), a boot that never reaches user space or a
 * host-side problem makes the commit a skip, and the reproducer is not run
 * on it.  In a boot-failure bisection (crash "boot failed[: TITLE]") the
 * boot test is the reproducer itself (drv_test_cmd()) and this step is off.
 */
#include "driver/internal.h"

#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *drv_boot_name(enum drv_boot b)
{
	switch (b) {
	case DRV_BOOT_OK:
		return "OK";
	case DRV_BOOT_TARGET:
		return "crashed";
	case DRV_BOOT_OTHER:
		return "another crash";
	case DRV_BOOT_FAILED:
		return "boot failed";
	case DRV_BOOT_INFRA:
		return "infra problem";
	default:
		return "";
	}
}

/* A title of the crash bisected (boot-failure bisection: any, when no title was named). */
static int is_target_title(const struct driver *d, const char *title)
{
	if (!title[0])
		return 0;
	if (d->boot_bisect && !d->target)
		return 1;
	return d->target && cp_report_same_title(title, d->target);
}

int drv_outcome_is_boot_target(const struct driver *d, const char *outcome)
{
	static const char *const prefix[] = { "boot failed: ", "basic kernel testing failed: " };
	size_t i;

	for (i = 0; i < 2; i++) {
		size_t n = strlen(prefix[i]);

		if (!strncmp(outcome, prefix[i], n))
			return d->boot_bisect && !d->target ? 1 : is_target_title(d, outcome + n);
	}
	return 0;
}

/* The verdict of a boot outcome with the crash title found in its output. */
static enum drv_boot classify(const struct driver *d, const char *outcome, const char *title)
{
	if (!strcmp(outcome, "OK"))
		return DRV_BOOT_OK;
	if (title[0])
		return is_target_title(d, title) ? DRV_BOOT_TARGET : DRV_BOOT_OTHER;
	if (!strncmp(outcome, "infra problem", 13))
		return DRV_BOOT_INFRA;
	return DRV_BOOT_FAILED;
}

int drv_boot_check(struct driver *d, struct tested *t, const char *hex, int may_run,
		   enum drv_boot *out)
{
	char outcome[1100], title[600];
	double secs = 0;
	json_t *rec;
	int ret;

	*out = DRV_BOOT_NONE;
	if (!d->job->boot_cmd || d->boot_bisect)
		return 0;
	rec = drv_find_record(d, "boot", hex, -1);
	if (rec) {
		snprintf(outcome, sizeof(outcome), "%s",
			 json_string_value(json_object_get(rec, "outcome")) ?: "");
		snprintf(title, sizeof(title), "%s",
			 json_string_value(json_object_get(rec, "title")) ?: "");
		secs = json_real_value(json_object_get(rec, "duration_s"));
	} else if (!may_run) {
		return 0;	/* runs journaled without a boot test before them */
	} else {
		if (d->in_worktree != (int64_t)(t - d->tested)) {
			double bs = 0;
			int ok = 0;
			char sig[sizeof(t->sig)];

			/* the worktree holds another build: this one again */
			drv_log(d, "rebuilding commit %s for its boot test\n", hex);
			ret = drv_build(d, &t->id, hex, &ok, &bs, sig, sizeof(sig));
			if (ret)
				return ret;
			d->build_s += bs;
			if (!ok)
				return cp_error_set(d->err, CP_ERR_CHILD,
						    "commit %s built before but not now", hex);
			d->in_worktree = (int64_t)(t - d->tested);
		}
		ret = drv_boot_run(d, hex, outcome, sizeof(outcome), title, sizeof(title), &secs);
		if (ret)
			return ret;
	}
	*out = classify(d, outcome, title);
	t->boot = *out;
	t->boot_s = secs;
	d->test_s += secs;
	free(t->boot_outcome);
	t->boot_outcome = strdup(outcome);
	if (!t->boot_outcome)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	switch (*out) {
	case DRV_BOOT_OK:
		drv_log(d, "boot test: OK (%.1f s)\n", secs);
		break;
	case DRV_BOOT_TARGET:
		drv_log(d, "boot test: %s (the crash bisected, at boot: the commit crashes)\n", outcome);
		break;
	case DRV_BOOT_OTHER:
		drv_log(d, "boot test: %s (another crash: %s; the commit is skipped, the reproducer is not run)\n",
			outcome, title);
		break;
	default:
		drv_log(d, "boot test: %s (the commit is skipped, the reproducer is not run)\n", outcome);
		break;
	}
	return 0;
}

json_t *drv_boot_json(const struct tested *t)
{
	if (t->boot == DRV_BOOT_NONE || !t->boot_outcome)
		return NULL;
	return json_pack("{s:s, s:s, s:f}", "outcome", t->boot_outcome, "verdict",
			 drv_boot_name(t->boot), "duration_s", t->boot_s);
}
