/*
 * A build or a run of the reproducer: the user's shell command in the
 * worktree through the executor, its log kept, its outcome classified and
 * journaled; and the journal's records looked up on resume.
 */
#include "driver/internal.h"
#include "driver/artifacts.h"

#include "report/report.h"
#include "util/fs.h"

#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of a run's output kept in memory, appended to a log cut at output_max. */
#define RUN_TAIL_MAX (256 * 1024)

/* The crash title in a run's output file, streamed: memory stays bounded. */
static int crash_title_of(const char *path, char **title, struct cp_error *err)
{
	struct cp_report_stream *st = NULL;
	struct cp_report *rep = NULL;
	char *buf = NULL;
	FILE *f = NULL;
	size_t n;
	int ret;

	*title = NULL;
	f = fopen(path, "rb");
	if (!f)
		return cp_error_set(err, CP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	buf = malloc(1 << 20);
	ret = buf ? cp_report_stream_new(&st, err) : cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	while (!ret && (n = fread(buf, 1, 1 << 20, f)) > 0)
		ret = cp_report_stream_feed(st, buf, n, err);
	if (!ret)
		ret = cp_report_stream_finish(st, &rep, err);
	if (!ret && rep) {
		*title = strdup(rep->title);
		if (!*title)
			ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	cp_report_free(rep);
	cp_report_stream_free(st);
	free(buf);
	fclose(f);
	return ret;
}

/* Journal records already there for commit hex: build (or NULL) and runs. */
json_t *drv_find_record(struct driver *d, const char *type, const char *hex, int index)
{
	size_t i, n = cp_journal_count(d->journal);

	for (i = 0; i < n; i++) {
		json_t *r = cp_journal_get(d->journal, i);

		if (strcmp(json_string_value(json_object_get(r, "type")) ?: "", type) ||
		    strcmp(json_string_value(json_object_get(r, "commit")) ?: "", hex))
			continue;
		if (index >= 0 && json_integer_value(json_object_get(r, "index")) != index)
			continue;
		return r;
	}
	return NULL;
}

int drv_append(struct driver *d, json_t *rec)
{
	int ret;

	if (!rec)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	ret = cp_journal_append(d->journal, rec, d->err);
	json_decref(rec);
	return ret;
}

static int wait_one(struct driver *d, struct cp_run_result *res)
{
	int ret = cp_exec_wait(d->exec, res, d->err);

	if (!ret && (res->status.cancelled || *d->stop)) {
		cp_run_result_dispose(res);
		return cp_error_set(d->err, CP_ERR_INTERRUPTED,
				    "interrupted; resume with: culprit bisect --resume %s", d->job->out);
	}
	return ret;
}

static void env_for(struct driver *d, const char *hex, int run, char env[3][4200])
{
	const char *out = d->abs_out ? d->abs_out : d->job->out;

	snprintf(env[0], sizeof(env[0]), "CULPRIT_WORKTREE=%s/worktree", out);
	snprintf(env[1], sizeof(env[1]), "CULPRIT_ARTIFACTS=%s/commits/%s", out, hex);
	snprintf(env[2], sizeof(env[2]), "CULPRIT_RUN=%d", run);
}

/*
 * A log cut at output_max ends with the executor's "[culprit: output cut
 * ...]" line; the tail it kept in memory goes after it, since crash reports
 * and compiler errors come last.
 */
static void keep_tail(const char *path, const struct cp_run_result *res)
{
	FILE *f;

	if (!res->output_cut || !res->tail_len)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "\n[culprit: the last %zu bytes of the output follow]\n", res->tail_len);
	fwrite(res->tail, 1, res->tail_len, f);
	fclose(f);
}

/*
 * The first line of a small file a build or test command left in the
 * commit's artifacts directory (the kernel flow's signature and per-run
 * outcome); 0 when there is none.
 */
static int read_artifact(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int ok = 0;

	if (!f)
		return 0;
	if (fgets(buf, (int)size, f)) {
		buf[strcspn(buf, "\r\n")] = '\0';
		ok = buf[0] != '\0';
	}
	fclose(f);
	return ok;
}

/*
 * The signature of the build just made, in sig ("" when none), written to
 * commits/<hex>/signature and logged: a hash of the job's declared
 * artifacts, or what the builder left there itself (the kernel flow's
 * `culprit kernel-build` writes syzkaller's vmlinux signature).
 */
static int build_signature(struct driver *d, const char *hex, char *sig, size_t size)
{
	char path[4300];
	size_t nfiles = 0;
	int ret;

	sig[0] = '\0';
	snprintf(path, sizeof(path), "%s/commits/%s/signature", d->job->out, hex);
	if (!d->job->nartifacts) {
		if (read_artifact(path, sig, size))
			drv_log(d, "kernel signature: %s\n", sig);
		return 0;
	}
	{
		char hexsig[CP_ARTIFACTS_SIG_HEXSZ], missing[256];
		FILE *f;

		ret = cp_artifacts_signature(cp_worktree_path(d->wt), d->job->artifacts,
					     d->job->nartifacts, hexsig, &nfiles, missing,
					     sizeof(missing), d->err);
		if (ret)
			return ret;
		if (!hexsig[0]) {
			drv_log(d, "build signature: none (no artifact matches '%s')\n", missing);
			return 0;
		}
		f = fopen(path, "w");
		if (!f || fprintf(f, "%s\n", hexsig) < 0 || fclose(f)) {
			if (f)
				fclose(f);
			return cp_error_set(d->err, CP_ERR_IO, "cannot write %s: %s", path,
					    strerror(errno));
		}
		snprintf(sig, size, "%s", hexsig);
		drv_log(d, "build signature: %s\n", sig);
	}
	return 0;
}

/* A build or a run: the user's shell command in the worktree, output to log. */
static void command_spec(const struct driver *d, struct cp_run_spec *spec, const char *cmd,
			 const char *const *envp, const char *log, uint64_t timeout_s)
{
	spec->shell = cmd;
	spec->cwd = cp_worktree_path(d->wt);
	spec->env = envp;
	spec->stdout_path = log;
	spec->stderr_path = log;
	spec->timeout_ms = timeout_s * 1000;
	spec->file_max = d->job->output_max;
}

/* The build record, with the cache's fields in rec (taken). */
static int append_build(struct driver *d, const char *hex, int ok, double secs, const char *line,
			const char *sig, json_t *rec)
{
	json_t *base = json_pack("{s:s, s:s, s:b, s:f, s:s, s:s}", "type", "build", "commit", hex,
				 "ok", ok, "duration_s", secs, "outcome", line, "signature", sig);

	if (base && json_object_update(base, rec)) {
		json_decref(base);
		base = NULL;
	}
	json_decref(rec);
	return drv_append(d, base);
}

/* A build fetched from the cache: its signature file written, logged and journaled. */
static int cached_build(struct driver *d, const char *hex, int *ok, double *secs,
			const char *sig, json_t *rec)
{
	char path[4300];
	FILE *f;

	*ok = 1;
	*secs = 0;
	snprintf(path, sizeof(path), "%s/commits/%s", d->job->out, hex);
	if (cp_mkdir_p(path, d->err)) {
		json_decref(rec);
		return d->err->code;
	}
	snprintf(path, sizeof(path), "%s/commits/%s/signature", d->job->out, hex);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", sig) < 0 || fclose(f)) {
		if (f)
			fclose(f);
		json_decref(rec);
		return cp_error_set(d->err, CP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	}
	drv_log(d, "build signature: %s\n", sig);
	return append_build(d, hex, 1, 0, "OK", sig, rec);
}

/* Builds commit id in the worktree: *ok, *secs and its signature (sig, "" when none). */
int drv_build(struct driver *d, const struct cp_oid *id, const char *hex,
	      int *ok, double *secs, char *sig, size_t sigsize)
{
	char path[4200], env[3][4200], ccache[DRV_CCACHE_ENV][4200];
	const char *envp[3 + DRV_CCACHE_ENV + 1] = { env[0], env[1], env[2], NULL };
	struct cp_run_spec spec = { 0 };
	struct cp_run_result res = { 0 };
	json_t *rec = json_object();
	char line[512];
	int ret, hit = 0;

	sig[0] = '\0';
	if (!rec)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	ret = cp_worktree_checkout(d->wt, id, d->err);
	if (!ret)
		ret = drv_cache_before(d, id, &hit, sig, sigsize, rec);
	if (!ret && hit)
		return cached_build(d, hex, ok, secs, sig, rec);
	if (ret) {
		json_decref(rec);
		return ret;
	}
	/* a signature left by an earlier build must not outlive a failed one */
	snprintf(path, sizeof(path), "%s/commits/%s/signature", d->job->out, hex);
	if (unlink(path) < 0 && errno != ENOENT)
		return cp_error_set(d->err, CP_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
	env_for(d, hex, -1, env);
	drv_cache_ccache_env(d, ccache, envp + 3);
	snprintf(path, sizeof(path), "%s/commits/%s/build.log", d->job->out, hex);
	command_spec(d, &spec, d->job->build_cmd, envp, path, d->job->build_timeout);
	drv_progress(d, CP_PROGRESS_BUILD, hex, 0, 0);
	ret = cp_exec_start(d->exec, &spec, NULL, d->err);
	if (!ret)
		ret = wait_one(d, &res);
	if (ret) {
		drv_cache_after(d, 0, "", rec);
		json_decref(rec);
		return ret;
	}
	keep_tail(path, &res);
	cp_run_classify(CP_STEP_BUILD, &res.status, NULL, line, sizeof(line));
	*ok = res.status.exit_code == 0 && !res.status.timed_out && !res.status.failure[0];
	*secs = (double)res.duration_ns / 1e9;
	cp_run_result_dispose(&res);
	if (*ok) {
		ret = build_signature(d, hex, sig, sigsize);
		if (ret) {
			drv_cache_after(d, 0, "", rec);
			json_decref(rec);
			return ret;
		}
	}
	drv_cache_after(d, *ok, sig, rec);
	return append_build(d, hex, *ok, *secs, line, sig, rec);
}

/* The reproducer's command: a boot-failure bisection's is the boot test. */
const char *drv_test_cmd(const struct driver *d)
{
	return d->boot_bisect ? d->job->boot_cmd : d->job->test_cmd;
}

/* Runs the reproducer; fills outcome text and duration of run index. */
static int finish_run(struct driver *d, const char *hex, struct cp_run_result *res,
		      int index, char **outcome, double *secs)
{
	char path[4200], line[1024];
	char *title = NULL;
	enum cp_run_verdict v;
	int ret;

	snprintf(path, sizeof(path), "%s/commits/%s/run-%d.log", d->job->out, hex, index);
	keep_tail(path, res);
	ret = crash_title_of(path, &title, d->err);
	if (ret)
		return ret;
	v = cp_run_exit_verdict(&res->status);
	snprintf(path, sizeof(path), "%s/commits/%s/outcome-%d", d->job->out, hex, index);
	if (read_artifact(path, line, sizeof(line))) {
		/*
		 * The kernel flow's vm-run says what happened itself: "boot
		 * failed: T" or "basic kernel testing failed: T" are neither
		 * the target nor clean, so the commit is skipped.
		 */
	} else if (!title && v == CP_VERDICT_BAD && res->status.exit_code > 0 &&
	    res->status.exit_code != 126 && res->status.exit_code != 127) {
		/* a test reporting only through its exit status, as git bisect run */
		snprintf(line, sizeof(line), "crashed: test failed with exit status %d",
			 res->status.exit_code);
	} else if (!title && v == CP_VERDICT_SKIP) {
		snprintf(line, sizeof(line), "infra problem: test cannot run here (exit 125)");
	} else {
		cp_run_classify(CP_STEP_TEST, &res->status, title, line, sizeof(line));
	}
	free(title);
	*secs = (double)res->duration_ns / 1e9;
	*outcome = strdup(line);
	if (!*outcome)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	return drv_append(d, json_pack("{s:s, s:s, s:i, s:s, s:f}", "type", "run", "commit", hex,
				   "index", index, "outcome", line, "duration_s", *secs));
}

/*
 * Runs the reproducer for the runs base .. base + n - 1 of t that have no
 * outcome yet (not journaled), up to jobs at once, in the worktree (which
 * holds t's build).
 */
int drv_run_missing(struct driver *d, struct tested *t, const char *hex,
		    unsigned base, unsigned n)
{
	int *id_of = calloc(n ? n : 1, sizeof(int));
	unsigned next = base, end = base + n, k;
	int ret = 0;

	if (!id_of)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	for (k = 0; k < n; k++)
		id_of[k] = -1;
	drv_progress(d, CP_PROGRESS_RUN, hex, 0, n);
	for (;;) {
		while (!ret && cp_exec_running(d->exec) < d->job->jobs) {
			char path[4200], env[3][4200];
			const char *envp[] = { env[0], env[1], env[2], NULL };
			struct cp_run_spec spec = { 0 };

			while (next < end && t->outcomes[next])
				next++;
			if (next >= end)
				break;
			env_for(d, hex, (int)next, env);
			if (snprintf(path, sizeof(path), "%s/commits/%s/run-%u.log", d->job->out, hex,
				     next) >= (int)sizeof(path)) {
				ret = cp_error_set(d->err, CP_ERR_IO, "path too long: %s", d->job->out);
				break;
			}
			command_spec(d, &spec, drv_test_cmd(d), envp, path, d->job->run_timeout);
			spec.tail_max = RUN_TAIL_MAX;
			ret = cp_exec_start(d->exec, &spec, &id_of[next - base], d->err);
			next++;
		}
		if (ret || !cp_exec_running(d->exec))
			break;
		{
			struct cp_run_result res = { 0 };

			ret = wait_one(d, &res);
			if (ret)
				break;
			for (k = 0; k < n; k++)
				if (!t->outcomes[base + k] && id_of[k] == res.id) {
					ret = finish_run(d, hex, &res, (int)(base + k),
							 &t->outcomes[base + k], &t->run_s[base + k]);
					break;
				}
			cp_run_result_dispose(&res);
			drv_progress(d, CP_PROGRESS_RUN, NULL, d->pst.runs_done + 1, n);
		}
	}
	free(id_of);
	return ret;
}

/*
 * The boot test of commit hex (job->boot_cmd, once, the worktree holding
 * its build): its log in commits/<hex>/boot.log, CULPRIT_RUN=boot.  The
 * outcome is what the command left in outcome-boot (culprit vm-run --boot
 * does), else from its exit status; *title is the crash in its output (or
 * ""), and both are journaled as a "boot" record.
 */
int drv_boot_run(struct driver *d, const char *hex, char *outcome, size_t osize,
		 char *title, size_t tsize, double *secs)
{
	char path[4200], env[3][4200];
	const char *envp[] = { env[0], env[1], env[2], NULL };
	struct cp_run_spec spec = { 0 };
	struct cp_run_result res = { 0 };
	char *t = NULL;
	int ret;

	env_for(d, hex, 0, env);
	snprintf(env[2], sizeof(env[2]), "CULPRIT_RUN=boot");
	snprintf(path, sizeof(path), "%s/commits/%s/boot.log", d->job->out, hex);
	command_spec(d, &spec, d->job->boot_cmd, envp, path, d->job->run_timeout);
	spec.tail_max = RUN_TAIL_MAX;
	drv_progress(d, CP_PROGRESS_RUN, hex, 0, 1);
	ret = cp_exec_start(d->exec, &spec, NULL, d->err);
	if (!ret)
		ret = wait_one(d, &res);
	if (ret)
		return ret;
	keep_tail(path, &res);
	ret = crash_title_of(path, &t, d->err);
	if (ret) {
		cp_run_result_dispose(&res);
		return ret;
	}
	snprintf(title, tsize, "%s", t ? t : "");
	free(t);
	snprintf(path, sizeof(path), "%s/commits/%s/outcome-boot", d->job->out, hex);
	if (read_artifact(path, outcome, osize)) {
		/* culprit vm-run --boot said what happened */
	} else if (res.status.timed_out) {
		snprintf(outcome, osize, "boot failed: the boot test timed out after %llu s",
			 (unsigned long long)d->job->run_timeout);
	} else if (res.status.exit_code == 0 && !res.status.failure[0]) {
		snprintf(outcome, osize, "OK");
	} else if (title[0]) {
		snprintf(outcome, osize, "boot failed: %s", title);
	} else if (res.status.exit_code == 125 || res.status.failure[0]) {
		snprintf(outcome, osize, "infra problem: the boot test cannot run here (%s)",
			 res.status.failure[0] ? res.status.failure : "exit 125");
	} else {
		snprintf(outcome, osize, "boot failed: the boot test failed with exit status %d",
			 res.status.exit_code);
	}
	*secs = (double)res.duration_ns / 1e9;
	cp_run_result_dispose(&res);
	return drv_append(d, json_pack("{s:s, s:s, s:s, s:s, s:f}", "type", "boot", "commit", hex,
				       "outcome", outcome, "title", title, "duration_s", *secs));
}
