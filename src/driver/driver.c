/*
 * cp_driver_run(): opens the journal, the repository, the worktree and the
 * executor, then runs the phases in order: the start check (start.c), the
 * release search (release.c), the search loop of the job's policy
 * (gitloop.c or bayesloop.c).
 */
#include "driver/driver.h"
#include "driver/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct cp_exec *volatile active_exec;

void cp_driver_interrupt(void)
{
	if (active_exec)
		cp_exec_cancel(active_exec);
}

static void driver_free(struct driver *d)
{
	size_t i, k;

	json_decref(d->releases_skipped);
	for (i = 0; i < d->ntested; i++) {
		free(d->tested[i].boot_outcome);
		for (k = 0; k < d->tested[i].nruns && d->tested[i].outcomes; k++)
			free(d->tested[i].outcomes[k]);
		free(d->tested[i].outcomes);
		free(d->tested[i].run_s);
	}
	free(d->tested);
	free(d->target);
	json_decref(d->bayes_result);
	cp_progress_finish(d->progress);
	free(d->abs_out);
	active_exec = NULL;
	cp_exec_close(d->exec);
	cp_cache_unlock(d->cache_lock);
	cp_cache_close(d->cache);
	cp_worktree_free(d->wt);
	cp_journal_close(d->journal);
	cp_repo_free(d->repo);
	if (d->log)
		fclose(d->log);
}

int cp_driver_run(struct cp_job *job, int resume, volatile sig_atomic_t *stop,
		  struct cp_error *err)
{
	struct driver d = { .job = job, .stop = stop, .err = err, .in_worktree = -1,
			   .cache_lock = -1 };
	struct cp_oid start, *goods = NULL;
	char path[4200], hex[CP_OID_HEXSZ + 1];
	json_t *header = NULL;
	size_t ngoods = 0, i;
	int ret;

	ret = cp_job_validate(job, err);
	if (ret)
		return ret;
	/*
	 * The journal and result.json keep the repository as an absolute path,
	 * so culprit show and --resume work from any directory.
	 */
	if (job->repo[0] != '/') {
		char *abs = realpath(job->repo, NULL);

		if (abs) {
			free(job->repo);
			job->repo = abs;
		}
	}
	if (!job->policy) {
		/*
		 * The default policy is culprit's; a journal written before
		 * that (no policy in its header) continues as it began, with
		 * git's.  Written into the header, so a resume keeps it.
		 */
		job->policy = strdup(resume ? "git" : "culprit");
		if (!job->policy)
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	header = cp_job_to_json(job);
	if (!header)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	ret = drv_store_open(&d);
	if (!ret)
		ret = cp_journal_open(&d.journal, job->out, header, err);
	json_decref(header);
	if (ret)
		goto out;
	if (cp_journal_resumed(d.journal) && !resume) {
		ret = cp_error_set(err, CP_ERR_USAGE,
				   "%s holds a bisection already: continue it with --resume %s, or choose another --out",
				   job->out, job->out);
		goto out;
	}
	d.abs_out = realpath(job->out, NULL);	/* the journal made the directory */
	if (!d.abs_out) {
		ret = cp_error_set(err, CP_ERR_IO, "cannot resolve %s: %s", job->out, strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/log", job->out);
	d.log = fopen(path, resume ? "a" : "w");
	if (!d.log) {
		ret = cp_error_set(err, CP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	drv_store_update(&d, "running");
	ret = cp_repo_open(&d.repo, job->repo, err);
	if (ret)
		goto out;
	cp_repo_commit_source(d.repo, &d.src);
	ret = cp_repo_resolve(d.repo, job->bad, &start, err);
	for (i = 0; i < job->ngoods && !ret; i++) {
		struct cp_oid g;

		ret = cp_repo_resolve(d.repo, job->goods[i], &g, err);
		if (!ret)
			ret = cp_oid_push(&goods, &ngoods, &g, err);
	}
	if (ret)
		goto out;
	snprintf(path, sizeof(path), "%s/worktree", job->out);
	ret = cp_worktree_open(d.repo, path, &d.wt, err);
	if (!ret)
		ret = cp_exec_open(&d.exec, job->executor, job->jobs, d.abs_out, err);
	if (ret)
		goto out;
	if (d.exec->note[0])
		drv_log(&d, "%s\n", d.exec->note);
	active_exec = d.exec;
	drv_cache_open(&d);
	if (job->crash && !strncmp(job->crash, "boot failed", 11) &&
	    (job->crash[11] == '\0' || job->crash[11] == ':')) {
		/* a boot-failure bisection: the boot test is the reproducer */
		const char *title = job->crash + 11;

		d.boot_bisect = 1;
		title += strspn(title, ": ");
		if (title[0] && !(d.target = strdup(title))) {
			ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			goto out;
		}
		drv_log(&d, "bisecting a boot failure (%s): the boot test is the reproducer\n",
			title[0] ? title : "any");
	} else if (job->crash) {
		d.target = strdup(job->crash);
		if (!d.target) {
			ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	drv_probe_compiler(&d);
	d.pst.steps_left = -1;
	d.pst.revs_left = -1;
	d.pst.eta_s = -1;
	d.pst.leader_p = -1;
	/* a status line only where someone watches: stderr a terminal */
	ret = cp_progress_start(&d.progress, stderr, 0, err);
	if (ret)
		goto out;
	cp_oid_to_hex(&start, hex);
	if (resume)
		drv_log(&d, "resuming from the journal in %s\n", job->out);
	drv_log(&d, "bisecting %s commit starting from %s\n", job->fix ? "fix" : "cause", hex);
	ret = drv_check_start(&d, &start, &goods, &ngoods);
	if (!ret && !strcmp(job->policy, "culprit"))
		ret = drv_bayes_loop(&d, &start, goods, ngoods);
	else if (!ret)
		ret = drv_git_loop(&d, &start, goods, ngoods);
out:
	if (ret == CP_ERR_INTERRUPTED || (stop && *stop)) {
		ret = cp_error_set(err, CP_ERR_INTERRUPTED,
				   "interrupted; resume with: culprit bisect --resume %s", job->out);
	}
	drv_store_finish(&d, ret);
	free(goods);
	driver_free(&d);
	return ret;
}
