/* The git policy: git bisect's choice of commits (bisect/gitstep.h), its log lines. */
#include "driver/internal.h"

#include "bisect/gitstep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int drv_git_loop(struct driver *d, const struct cp_oid *start,
		 struct cp_oid *goods, size_t ngoods)
{
	struct cp_oid *gbads = NULL, *ggoods = NULL, *skips = NULL;
	size_t nggoods = 0, nskips = 0, i;
	struct cp_git_state st = { 0 };
	struct cp_git_step step = { 0 };
	char hex[CP_OID_HEXSZ + 1], *show = NULL;
	int ret = 0, ancestors_ok = 0;

	(void)gbads;
	/* git's terms: in a fix bisection the fixed end is "bad" */
	st.bad = d->job->fix ? goods[0] : *start;
	if (d->job->fix)
		ret = cp_oid_push(&ggoods, &nggoods, start, d->err);
	for (i = 0; i < ngoods && !ret && !d->job->fix; i++)
		ret = cp_oid_push(&ggoods, &nggoods, &goods[i], d->err);
	if (ret)
		goto out;
	cp_oid_to_hex(&st.bad, hex);
	drv_log(d, "# git bisect start %s", hex);
	for (i = 0; i < nggoods; i++) {
		cp_oid_to_hex(&ggoods[i], hex);
		drv_log(d, " %s", hex);
	}
	drv_log(d, "\n");
	for (;;) {
		struct cp_commit_info *info = NULL;
		enum verdict v;
		const char *term;

		st.goods = ggoods;
		st.ngoods = nggoods;
		st.skips = skips;
		st.nskips = nskips;
		st.first_parent = d->job->first_parent;
		/* git checks the ancestry until it passes once (BISECT_ANCESTORS_OK) */
		st.ancestors_ok = ancestors_ok;
		cp_git_step_free(&step);
		ret = cp_git_next(&d->src, &st, &step, d->err);
		if (ret)
			goto out;
		ancestors_ok = step.ancestors_ok;
		if (step.action == CP_GIT_FOUND) {
			cp_oid_to_hex(&step.commit, hex);
			drv_log(d, "%s is the first bad commit\n", hex);
			ret = cp_commit_format_show(d->repo, &step.commit, &show, d->err);
			if (ret)
				goto out;
			drv_log(d, "%s", show);
			ret = drv_found(d, &step.commit);
			goto out;
		}
		if (step.action == CP_GIT_ONLY_SKIPPED) {
			drv_log(d, "There are only 'skip'ped commits left to test.\n"
			      "The first bad commit could be any of:\n");
			for (i = 0; i < step.ncandidates; i++) {
				cp_oid_to_hex(&step.candidates[i], hex);
				drv_log(d, "%s\n", hex);
			}
			drv_log(d, "We cannot bisect more!\n");
			ret = drv_write_result(d, "inconclusive", NULL, step.candidates, step.ncandidates);
			if (!ret)
				ret = cp_error_set(d->err, CP_ERR_RANGE,
						   "inconclusive: %zu candidates (see result.json)",
						   step.ncandidates);
			goto out;
		}
		if (step.action == CP_GIT_BOTH) {
			ret = cp_error_set(d->err, CP_ERR_RANGE, "nothing to bisect: bad is also good");
			goto out;
		}
		if (step.action == CP_GIT_TEST) {
			ret = drv_cache_prefer(d, &st, &step.commit);
			if (ret)
				goto out;
		}
		d->pst.steps_left = step.action == CP_GIT_TEST_MERGE_BASE ? -1 : step.steps;
		d->pst.revs_left = step.action == CP_GIT_TEST_MERGE_BASE ? -1 : step.left;
		if (step.action == CP_GIT_TEST_MERGE_BASE)
			drv_log(d, "Bisecting: a merge base must be tested\n");
		else
			drv_log(d, "Bisecting: %d revision%s left to test after this (roughly %d step%s)\n",
			      step.left, step.left == 1 ? "" : "s", step.steps,
			      step.steps == 1 ? "" : "s");
		ret = cp_commit_info_load(d->repo, &step.commit, 0, &info, d->err);
		if (ret)
			goto out;
		cp_oid_to_hex(&step.commit, hex);
		drv_log(d, "[%s] %s\n\n", hex, info->subject);
		cp_commit_info_free(info);
		ret = drv_test_commit(d, &step.commit, NULL, &v);
		if (ret)
			goto out;
		if (v == V_SKIP) {
			term = "skip";
			ret = cp_oid_push(&skips, &nskips, &step.commit, d->err);
		} else if ((v == V_TARGET) != !!d->job->fix) {
			term = "bad";
			st.bad = step.commit;
		} else {
			term = "good";
			ret = cp_oid_push(&ggoods, &nggoods, &step.commit, d->err);
		}
		if (ret)
			goto out;
		drv_log(d, "# git bisect %s %s\n", term, hex);
	}
out:
	free(show);
	cp_git_step_free(&step);
	free(ggoods);
	free(skips);
	return ret;
}
