/*
 * The start check: the start commit must show the crash (its most frequent
 * crash becomes the target unless the job names one); bisecting a fix, the
 * fixed end must not show it; with no good commit, the release search
 * (release.c) finds one.
 */
#include "driver/internal.h"

#include <stdio.h>
#include <string.h>

int drv_check_start(struct driver *d, const struct cp_oid *start, struct cp_oid **goods,
		    size_t *ngoods)
{
	char hex[CP_OID_HEXSZ + 1];
	enum verdict v;
	int ret;

	cp_oid_to_hex(start, hex);
	ret = drv_test_commit(d, start, NULL, &v);
	if (ret)
		return ret;
	if (v != V_TARGET) {
		const struct tested *t = &d->tested[d->ntested - 1];
		unsigned k, ninfra = 0;

		if (!t->built)
			return cp_error_set(d->err, CP_ERR_CHILD,
					    "the build fails on the start commit %s (see %s/commits/%s/build.log)",
					    hex, d->job->out, hex);
		/* the boot test stopped it: say so, not "no crash" (the reproducer never ran) */
		if (t->boot == DRV_BOOT_INFRA)
			return cp_error_set(d->err, CP_ERR_CHILD,
					    "the start commit %s could not be tested: its boot test was an %s",
					    hex, t->boot_outcome ? t->boot_outcome : "infra problem");
		if (t->boot == DRV_BOOT_OTHER || t->boot == DRV_BOOT_FAILED)
			return cp_error_set(d->err, CP_ERR_NO_REPRO,
					    "the start commit %s does not boot (%s): the reproducer was not run",
					    hex, t->boot_outcome ? t->boot_outcome : "boot failed");
		/* no run said anything (a node died, every run timed out): not "no crash" */
		for (k = 0; k < t->nruns; k++)
			ninfra += t->outcomes[k] && !strncmp(t->outcomes[k], "infra problem", 13);
		if (t->nruns && ninfra == t->nruns)
			return cp_error_set(d->err, CP_ERR_CHILD,
					    "the start commit %s could not be tested: every run was an %s",
					    hex, t->outcomes[0]);
		return cp_error_set(d->err, CP_ERR_NO_REPRO,
				    "the crash does not reproduce on the start commit %s", hex);
	}
	if (d->job->fix) {
		ret = drv_test_commit(d, &(*goods)[0], NULL, &v);
		/*
		 * Other crashes on the fixed end say nothing about the target:
		 * one clean run and none with the target are enough to go on.
		 */
		if (!ret && v == V_SKIP && drv_clean_runs(&d->tested[d->ntested - 1])) {
			drv_log(d, "the fixed end showed other crashes too; the crash bisected did not show\n");
			v = V_CLEAN;
		}
		if (!ret && v != V_CLEAN) {
			cp_oid_to_hex(&(*goods)[0], hex);
			ret = cp_error_set(d->err, CP_ERR_NO_REPRO,
					   v == V_TARGET ? "the crash still reproduces on %s: nothing fixed it" :
					   "%s cannot be tested (the build failed or no run was clean)", hex);
		}
	} else if (!*ngoods) {
		struct cp_oid g;

		ret = drv_find_release(d, start, &g);
		if (!ret)
			ret = cp_oid_push(goods, ngoods, &g, d->err);
	}
	return ret;
}
