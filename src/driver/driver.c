#include "driver/driver.h"
#include "driver/artifacts.h"
#include "util/fs.h"

#include "bisect/bayes.h"
#include "bisect/gitstep.h"
#include "build/kernel.h"
#include "output/progress.h"
#include "report/report.h"
#include "run/exec.h"
#include "run/journal.h"
#include "vcs/source.h"
#include "vcs/vcs.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum verdict { V_TARGET, V_CLEAN, V_SKIP };

/* One tested commit, for the summary and result.json. */
struct tested {
	struct cp_oid id;
	char label[64];		/* "release v1.2" or "" */
	int built;		/* 1 ok, 0 failed */
	double build_s;
	unsigned nruns;
	char **outcomes;	/* "OK", "crashed: T", "infra problem: why" */
	double *run_s;
	enum verdict verdict;
	unsigned cap;		/* culprit policy: room in outcomes and run_s */
	char sig[160];		/* build signature, "" when none */
	int64_t same_as;	/* git policy: verdict taken from this tested index, or -1 */
};

/* Bytes of a run's output kept in memory, appended to a log cut at output_max. */
#define RUN_TAIL_MAX (256 * 1024)

struct driver {
	struct cp_job *job;
	volatile sig_atomic_t *stop;
	struct cp_error *err;
	struct cp_repo *repo;
	struct cp_commit_source src;
	struct cp_worktree *wt;
	struct cp_journal *journal;
	struct cp_run_pool *pool;
	FILE *log;
	char compiler_line[256];
	/* --version lines of the compilers the kernel policy picked so far */
	struct { char cc[128]; char line[256]; } cc_seen[8];
	unsigned ncc_seen;
	/*
	 * job->out made absolute: the commands run in the worktree, where a
	 * relative --out (the default "culprit-out") would name another place.
	 */
	char *abs_out;
	char *target;		/* crash title bisected */
	struct tested *tested;
	size_t ntested;
	double build_s, test_s;
	/* culprit policy */
	struct cp_bayes *bayes;
	const struct cp_graph *graph;
	int64_t in_worktree;	/* tested index whose build the worktree holds, or -1 */
	json_t *bayes_result;	/* the "bayes" object of result.json */
	/* the status line on stderr when it is a terminal (output/progress.h) */
	struct cp_progress *progress;
	struct cp_progress_state pst;
	char pst_label[64];	/* pst.label points here */
};

static struct cp_run_pool *volatile active_pool;

void cp_driver_interrupt(void)
{
	if (active_pool)
		cp_run_pool_cancel(active_pool);
}

static void logf_(struct driver *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Redraws the status line for a new phase of commit hex (NULL: the same). */
static void progress(struct driver *d, enum cp_progress_phase phase, const char *hex,
		     unsigned done, unsigned total)
{
	if (!cp_progress_enabled(d->progress))
		return;
	d->pst.phase = phase;
	if (hex)
		snprintf(d->pst.commit, sizeof(d->pst.commit), "%s", hex);
	d->pst.runs_done = done;
	d->pst.runs_total = total;
	d->pst.elapsed_s = d->pst.phase_s = d->pst.eta_s = 0;
	cp_progress_update(d->progress, &d->pst);
}

static void logf_(struct driver *d, const char *fmt, ...)
{
	va_list ap;

	/* the log goes to stdout; the status line, on stderr, is erased and redrawn */
	if (cp_progress_enabled(d->progress)) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (d->log) {
		va_start(ap, fmt);
		vfprintf(d->log, fmt, ap);
		va_end(ap);
		fflush(d->log);
	}
	if (cp_progress_enabled(d->progress) && d->pst.commit[0])
		cp_progress_update(d->progress, &d->pst);
}

static void format_duration(double s, char *buf, size_t size)
{
	long h = (long)(s / 3600), m = (long)((s - h * 3600.0) / 60);
	double sec = s - h * 3600.0 - m * 60.0;

	if (h)
		snprintf(buf, size, "%ldh%ldm%.1fs", h, m, sec);
	else if (m)
		snprintf(buf, size, "%ldm%.1fs", m, sec);
	else
		snprintf(buf, size, "%.1fs", sec);
}

/* The first line `cc --version` prints into line, or cc when it fails. */
static void version_line(const char *cc, char *line, size_t size)
{
	const char *argv[] = { "sh", "-c", "exec $0 --version", cc, NULL };
	struct cp_run_spec spec = { .argv = argv, .timeout_ms = 30000 };
	struct cp_run_result res = { 0 };
	struct cp_error err;
	size_t n;

	/* cc may be a command with arguments ("ccache gcc-12"), as make takes it */
	snprintf(line, size, "%s", cc);
	if (cp_run_one(&spec, &res, &err) == 0 && res.status.exit_code == 0 && res.tail_len) {
		n = strcspn(res.tail, "\n");
		if (n >= size)
			n = size - 1;
		memcpy(line, res.tail, n);
		line[n] = '\0';
	}
	cp_run_result_dispose(&res);
}

static void probe_compiler(struct driver *d)
{
	version_line(d->job->compiler ? d->job->compiler : "cc", d->compiler_line,
		     sizeof(d->compiler_line));
}

/*
 * The compiler line to log for commit id: with a kernel compiler policy
 * (job "compilers"), the --version of the compiler the commit's kernel
 * version picks, as culprit kernel-build picks it; else the job's compiler.
 */
static const char *compiler_for(struct driver *d, const struct cp_oid *id)
{
	struct cp_kernel_version v, lo, hi;
	const char *cc = NULL;
	struct cp_error err;
	char *text = NULL;
	size_t len, i;
	json_t *row;

	if (!d->job->compilers)
		return d->compiler_line;
	if (cp_commit_read_file(d->repo, id, "Makefile", 1 << 20, &text, &len, &err) ||
	    cp_kernel_version_of_makefile(text, &v) < 0) {
		free(text);
		return d->compiler_line;
	}
	free(text);
	json_array_foreach(d->job->compilers, i, row) {
		const char *min = json_string_value(json_object_get(row, "min"));
		const char *max = json_string_value(json_object_get(row, "max"));

		if (min && (cp_kernel_version_parse(min, &lo) || cp_kernel_version_cmp(v, lo) < 0))
			continue;
		if (max && (cp_kernel_version_parse(max, &hi) || cp_kernel_version_cmp(v, hi) >= 0))
			continue;
		cc = json_string_value(json_object_get(row, "cc"));
		break;
	}
	if (!cc)
		cc = "gcc";	/* no row matches: kernel-build's default too */
	for (i = 0; i < d->ncc_seen; i++)
		if (!strcmp(d->cc_seen[i].cc, cc))
			return d->cc_seen[i].line;
	if (d->ncc_seen == sizeof(d->cc_seen) / sizeof(d->cc_seen[0]) ||
	    strlen(cc) >= sizeof(d->cc_seen[0].cc))
		return d->compiler_line;
	i = d->ncc_seen++;
	snprintf(d->cc_seen[i].cc, sizeof(d->cc_seen[i].cc), "%s", cc);
	version_line(cc, d->cc_seen[i].line, sizeof(d->cc_seen[i].line));
	return d->cc_seen[i].line;
}

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
static json_t *find_record(struct driver *d, const char *type, const char *hex, int index)
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

static int append(struct driver *d, json_t *rec)
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
	int ret = cp_run_wait(d->pool, res, d->err);

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
			logf_(d, "kernel signature: %s\n", sig);
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
			logf_(d, "build signature: none (no artifact matches '%s')\n", missing);
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
		logf_(d, "build signature: %s\n", sig);
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

/* Builds commit id in the worktree: *ok, *secs and its signature (sig, "" when none). */
static int build(struct driver *d, const struct cp_oid *id, const char *hex,
		 int *ok, double *secs, char *sig, size_t sigsize)
{
	char path[4200], env[3][4200];
	const char *envp[] = { env[0], env[1], env[2], NULL };
	struct cp_run_spec spec = { 0 };
	struct cp_run_result res = { 0 };
	char line[512];
	int ret;

	sig[0] = '\0';
	ret = cp_worktree_checkout(d->wt, id, d->err);
	if (ret)
		return ret;
	/* a signature left by an earlier build must not outlive a failed one */
	snprintf(path, sizeof(path), "%s/commits/%s/signature", d->job->out, hex);
	if (unlink(path) < 0 && errno != ENOENT)
		return cp_error_set(d->err, CP_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
	env_for(d, hex, -1, env);
	snprintf(path, sizeof(path), "%s/commits/%s/build.log", d->job->out, hex);
	command_spec(d, &spec, d->job->build_cmd, envp, path, d->job->build_timeout);
	progress(d, CP_PROGRESS_BUILD, hex, 0, 0);
	ret = cp_run_start(d->pool, &spec, NULL, d->err);
	if (!ret)
		ret = wait_one(d, &res);
	if (ret)
		return ret;
	keep_tail(path, &res);
	cp_run_classify(CP_STEP_BUILD, &res.status, NULL, line, sizeof(line));
	*ok = res.status.exit_code == 0 && !res.status.timed_out && !res.status.failure[0];
	*secs = (double)res.duration_ns / 1e9;
	cp_run_result_dispose(&res);
	if (*ok) {
		ret = build_signature(d, hex, sig, sigsize);
		if (ret)
			return ret;
	}
	return append(d, json_pack("{s:s, s:s, s:b, s:f, s:s, s:s}", "type", "build", "commit", hex,
				   "ok", *ok, "duration_s", *secs, "outcome", line,
				   "signature", sig));
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
	return append(d, json_pack("{s:s, s:s, s:i, s:s, s:f}", "type", "run", "commit", hex,
				   "index", index, "outcome", line, "duration_s", *secs));
}

static int is_target(struct driver *d, const char *outcome)
{
	if (strncmp(outcome, "crashed: ", 9))
		return 0;
	return d->job->any_crash || !d->target || cp_report_same_title(outcome + 9, d->target);
}

static const char *verdict_name(enum verdict v)
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

/*
 * Runs the reproducer for the runs base .. base + n - 1 of t that have no
 * outcome yet (not journaled), up to jobs at once, in the worktree (which
 * holds t's build).
 */
static int run_missing(struct driver *d, struct tested *t, const char *hex,
		       unsigned base, unsigned n)
{
	int *id_of = calloc(n ? n : 1, sizeof(int));
	unsigned next = base, end = base + n, k;
	int ret = 0;

	if (!id_of)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	for (k = 0; k < n; k++)
		id_of[k] = -1;
	progress(d, CP_PROGRESS_RUN, hex, 0, n);
	for (;;) {
		while (!ret && cp_run_running(d->pool) < d->job->jobs) {
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
			command_spec(d, &spec, d->job->test_cmd, envp, path, d->job->run_timeout);
			spec.tail_max = RUN_TAIL_MAX;
			ret = cp_run_start(d->pool, &spec, &id_of[next - base], d->err);
			next++;
		}
		if (ret || !cp_run_running(d->pool))
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
			progress(d, CP_PROGRESS_RUN, NULL, d->pst.runs_done + 1, n);
		}
	}
	free(id_of);
	return ret;
}

static unsigned clean_runs(const struct tested *t)
{
	unsigned i, n = 0;

	for (i = 0; t->built && i < t->nruns; i++)
		n += t->outcomes[i] && !strcmp(t->outcomes[i], "OK");
	return n;
}

static int test_commit(struct driver *d, const struct cp_oid *id, const char *label,
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
	progress(d, CP_PROGRESS_CHECKOUT, hex, 0, 0);
	if (label)
		logf_(d, "testing %s\n", label);
	logf_(d, "testing commit %s with %s\n", hex, compiler_for(d, id));
	snprintf(dir, sizeof(dir), "%s/commits/%s", d->job->out, hex);
	ret = cp_mkdir_p(dir, d->err);
	if (ret)
		return ret;

	for (i = 0; i < t->nruns; i++) {
		rec = find_record(d, "run", hex, (int)i);
		if (rec) {
			t->outcomes[i] = strdup(json_string_value(json_object_get(rec, "outcome")) ?: "");
			t->run_s[i] = json_real_value(json_object_get(rec, "duration_s"));
			if (!t->outcomes[i])
				return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
			done++;
		}
	}
	rec = find_record(d, "build", hex, -1);
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
		ret = build(d, id, hex, &ok, &t->build_s, t->sig, sizeof(t->sig));
		if (ret)
			return ret;
		d->in_worktree = ok ? (int64_t)(t - d->tested) : -1;
	}
	d->build_s += t->build_s;
	t->built = ok;
	if (!ok) {
		logf_(d, "build failed (see %s/build.log)\n", dir);
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
		logf_(d, "same signature as %s: %s\n", ohex, verdict_name(o->verdict));
		t->nruns = 0;
		t->verdict = o->verdict;
		*verdict = t->verdict;
		return 0;
	}

	ret = run_missing(d, t, hex, 0, t->nruns);
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
		ntarget += is_target(d, t->outcomes[i]);
	}
	{
		int same = 1;

		for (i = 1; i < t->nruns; i++)
			same &= !strcmp(t->outcomes[i], t->outcomes[0]);
		if (same)
			logf_(d, "all runs: %s\n", t->outcomes[0]);
		else
			for (i = 0; i < t->nruns; i++)
				logf_(d, "run #%u: %s\n", i, t->outcomes[i]);
	}
	t->verdict = ntarget ? V_TARGET : clean_runs(t) == t->nruns ? V_CLEAN : V_SKIP;
	*verdict = t->verdict;
	return 0;
}

/* The three kinds of evidence of a tested commit: target, clean, other (with the other titles). */
static json_t *evidence_json(struct driver *d, const struct tested *t)
{
	json_t *others = json_array(), *obj;
	unsigned k, target = 0, clean = 0, other = 0;

	for (k = 0; k < t->nruns; k++) {
		const char *o = t->outcomes[k];
		size_t j;
		json_t *e;
		int seen = 0;

		if (!o)
			continue;
		if (is_target(d, o)) {
			target++;
			continue;
		}
		if (!strcmp(o, "OK")) {
			clean++;
			continue;
		}
		other++;
		json_array_foreach(others, j, e)
			seen |= !strcmp(json_string_value(e), o);
		if (!seen && others)
			json_array_append_new(others, json_string(o));
	}
	obj = json_pack("{s:i, s:i, s:i, s:o}", "target", (int)target, "clean", (int)clean,
			"other", (int)other, "other_outcomes", others ? others : json_array());
	return obj ? obj : json_null();
}

static int write_result(struct driver *d, const char *status, const struct cp_oid *culprit,
			const struct cp_oid *cands, size_t ncands)
{
	json_t *root, *tested = json_array(), *candidates = json_array();
	char hex[CP_OID_HEXSZ + 1], path[4200];
	struct cp_commit_info *info = NULL;
	size_t i, k;
	int ret = 0;

	if (!tested || !candidates) {
		json_decref(tested);
		json_decref(candidates);
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < d->ntested; i++) {
		struct tested *t = &d->tested[i];
		json_t *runs = json_array(), *entry;

		for (k = 0; k < t->nruns && runs; k++)
			if (t->outcomes[k])
				json_array_append_new(runs, json_pack("{s:i, s:s, s:f}",
					"index", (int)k, "outcome", t->outcomes[k],
					"duration_s", t->run_s[k]));
		cp_oid_to_hex(&t->id, hex);
		entry = json_pack("{s:s, s:s, s:{s:b, s:f, s:s?}, s:o, s:s, s:o}",
			"commit", hex, "label", t->label,
			"build", "ok", t->built, "duration_s", t->build_s,
			"signature", t->sig[0] ? t->sig : NULL,
			"runs", runs ? runs : json_null(), "verdict", verdict_name(t->verdict),
			"evidence", evidence_json(d, t));
		if (entry && t->same_as >= 0) {
			cp_oid_to_hex(&d->tested[t->same_as].id, hex);
			json_object_set_new(entry, "same_signature_as", json_string(hex));
		}
		if (entry)
			json_array_append_new(tested, entry);
	}
	for (i = 0; i < ncands; i++) {
		cp_oid_to_hex(&cands[i], hex);
		json_array_append_new(candidates, json_string(hex));
	}
	root = json_pack("{s:i, s:s, s:s, s:s?, s:o, s:o, s:o, s:{s:i, s:f, s:f, s:f}}",
			 "version", 1, "mode", d->job->fix ? "fix" : "cause",
			 "status", status, "target", d->target,
			 "job", cp_job_to_json(d->job),
			 "candidates", candidates, "tested", tested,
			 "totals", "revisions_tested", (int)d->ntested,
			 "build_s", d->build_s, "test_s", d->test_s,
			 "total_s", d->build_s + d->test_s);
	if (!root)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	json_object_set_new(root, "policy", json_string(d->bayes ? "culprit" : "git"));
	if (d->bayes_result)
		json_object_set(root, "bayes", d->bayes_result);
	if (culprit) {
		cp_oid_to_hex(culprit, hex);
		if (cp_commit_info_load(d->repo, culprit, 0, &info, d->err) == 0) {
			json_object_set_new(root, "culprit", json_pack("{s:s, s:s, s:s, s:s}",
				"commit", hex, "subject", info->subject,
				"author", info->author.name, "email", info->author.email));
			cp_commit_info_free(info);
		}
	}
	snprintf(path, sizeof(path), "%s/result.json", d->job->out);
	if (json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS) < 0)
		ret = cp_error_set(d->err, CP_ERR_IO, "cannot write %s", path);
	json_decref(root);
	return ret;
}

/* The answer: result.json "found", then the summary lines of the log. */
static int found(struct driver *d, const struct cp_oid *c)
{
	struct cp_commit_info *info = NULL;
	char hex[CP_OID_HEXSZ + 1], tot[64], b[64], t[64];
	int ret = write_result(d, "found", c, NULL, 0);

	if (ret || cp_commit_info_load(d->repo, c, 0, &info, d->err) != 0)
		return ret;
	cp_oid_to_hex(c, hex);
	format_duration(d->build_s + d->test_s, tot, sizeof(tot));
	format_duration(d->build_s, b, sizeof(b));
	format_duration(d->test_s, t, sizeof(t));
	logf_(d, "revisions tested: %zu, total time: %s (build: %s, test: %s)\n",
	      d->ntested, tot, b, t);
	logf_(d, "%s commit: %s %s\n", d->job->fix ? "fix" : "first bad", hex, info->subject);
	if (d->target)
		logf_(d, "crash: %s\n", d->target);
	cp_commit_info_free(info);
	return 0;
}

static int push_oid(struct cp_oid **set, size_t *n, const struct cp_oid *id, struct cp_error *err)
{
	struct cp_oid *p = realloc(*set, (*n + 1) * sizeof(*p));

	if (!p)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	p[(*n)++] = *id;
	*set = p;
	return 0;
}

/* No good commit given: the newest release tag that does not crash. */
static int find_release(struct driver *d, const struct cp_oid *bad, struct cp_oid *good)
{
	struct cp_release *rel = NULL;
	size_t n = 0, i;
	int ret, found = 0;

	ret = cp_repo_release_tags(d->repo, bad, &rel, &n, d->err);
	if (ret)
		return ret;
	for (i = 0; i < n && !ret && !found; i++) {
		char label[64];
		enum verdict v;

		if (cp_oid_equal(&rel[i].commit, bad))
			continue;
		snprintf(label, sizeof(label), "release %s", rel[i].name);
		ret = test_commit(d, &rel[i].commit, label, &v);
		if (!ret && v == V_CLEAN) {
			*good = rel[i].commit;
			found = 1;
		}
	}
	cp_releases_free(rel, n);
	if (!ret && !found)
		ret = cp_error_set(d->err, CP_ERR_RANGE,
				   "no good commit: every release tag before the bad commit crashes or cannot be tested (give --good)");
	return ret;
}

static int bisect_loop(struct driver *d, const struct cp_oid *start,
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
		ret = push_oid(&ggoods, &nggoods, start, d->err);
	for (i = 0; i < ngoods && !ret && !d->job->fix; i++)
		ret = push_oid(&ggoods, &nggoods, &goods[i], d->err);
	if (ret)
		goto out;
	cp_oid_to_hex(&st.bad, hex);
	logf_(d, "# git bisect start %s", hex);
	for (i = 0; i < nggoods; i++) {
		cp_oid_to_hex(&ggoods[i], hex);
		logf_(d, " %s", hex);
	}
	logf_(d, "\n");
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
			logf_(d, "%s is the first bad commit\n", hex);
			ret = cp_commit_format_show(d->repo, &step.commit, &show, d->err);
			if (ret)
				goto out;
			logf_(d, "%s", show);
			ret = found(d, &step.commit);
			goto out;
		}
		if (step.action == CP_GIT_ONLY_SKIPPED) {
			logf_(d, "There are only 'skip'ped commits left to test.\n"
			      "The first bad commit could be any of:\n");
			for (i = 0; i < step.ncandidates; i++) {
				cp_oid_to_hex(&step.candidates[i], hex);
				logf_(d, "%s\n", hex);
			}
			logf_(d, "We cannot bisect more!\n");
			ret = write_result(d, "inconclusive", NULL, step.candidates, step.ncandidates);
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
		d->pst.steps_left = step.action == CP_GIT_TEST_MERGE_BASE ? -1 : step.steps;
		d->pst.revs_left = step.action == CP_GIT_TEST_MERGE_BASE ? -1 : step.left;
		if (step.action == CP_GIT_TEST_MERGE_BASE)
			logf_(d, "Bisecting: a merge base must be tested\n");
		else
			logf_(d, "Bisecting: %d revision%s left to test after this (roughly %d step%s)\n",
			      step.left, step.left == 1 ? "" : "s", step.steps,
			      step.steps == 1 ? "" : "s");
		ret = cp_commit_info_load(d->repo, &step.commit, 0, &info, d->err);
		if (ret)
			goto out;
		cp_oid_to_hex(&step.commit, hex);
		logf_(d, "[%s] %s\n\n", hex, info->subject);
		cp_commit_info_free(info);
		ret = test_commit(d, &step.commit, NULL, &v);
		if (ret)
			goto out;
		if (v == V_SKIP) {
			term = "skip";
			ret = push_oid(&skips, &nskips, &step.commit, d->err);
		} else if ((v == V_TARGET) != !!d->job->fix) {
			term = "bad";
			st.bad = step.commit;
		} else {
			term = "good";
			ret = push_oid(&ggoods, &nggoods, &step.commit, d->err);
		}
		if (ret)
			goto out;
		logf_(d, "# git bisect %s %s\n", term, hex);
	}
out:
	free(show);
	cp_git_step_free(&step);
	free(ggoods);
	free(skips);
	return ret;
}

/* ---- the culprit policy: the Bayesian engine (src/bisect/bayes.h) ---- */

static enum cp_bayes_outcome evidence_of(struct driver *d, const char *outcome)
{
	if (is_target(d, outcome))
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
	progress(d, CP_PROGRESS_CHECKOUT, hex, 0, 0);
	logf_(d, "testing commit %s with %s\n", hex, compiler_for(d, id));
	snprintf(dir, sizeof(dir), "%s/commits/%s", d->job->out, hex);
	ret = cp_mkdir_p(dir, d->err);
	if (ret)
		return ret;
	rec = find_record(d, "build", hex, -1);
	if (rec) {
		*ok = json_is_true(json_object_get(rec, "ok"));
		t->build_s = json_real_value(json_object_get(rec, "duration_s"));
		snprintf(t->sig, sizeof(t->sig), "%s",
			 json_string_value(json_object_get(rec, "signature")) ?: "");
		d->in_worktree = -1;
	} else {
		ret = build(d, id, hex, ok, &t->build_s, t->sig, sizeof(t->sig));
		if (ret)
			return ret;
		d->in_worktree = *ok ? (int64_t)(t - d->tested) : -1;
	}
	*seconds = t->build_s;
	d->build_s += t->build_s;
	t->built = *ok;
	if (!*ok)
		logf_(d, "build failed (see %s/build.log)\n", dir);
	else if (t->sig[0]) {
		size_t i;

		/* the engine counts the runs of equal builds for both */
		for (i = 0; i < d->ntested; i++) {
			const struct tested *o = &d->tested[i];

			if (o != t && o->built && !strcmp(o->sig, t->sig)) {
				char ohex[CP_OID_HEXSZ + 1];

				cp_oid_to_hex(&o->id, ohex);
				logf_(d, "same signature as %s: their runs count for both\n", ohex);
				break;
			}
		}
	}
	return 0;
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
		json_t *rec = find_record(d, "run", hex, (int)k);

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
		logf_(d, "rebuilding commit %s\n", hex);
		ret = build(d, &t->id, hex, &ok, &secs, sig, sizeof(sig));
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
		ret = run_missing(d, t, hex, base, n);
		if (ret)
			goto fail;
	}
	t->nruns = base + n;
	for (k = base; k < base + n; k++) {
		enum cp_bayes_outcome o = evidence_of(d, t->outcomes[k]);

		d->test_s += t->run_s[k];
		if (o == CP_BAYES_TARGET)
			t->verdict = V_TARGET;
		else if (o == CP_BAYES_CLEAN && t->verdict != V_TARGET)
			t->verdict = V_CLEAN;
		logf_(d, "run #%u: %s\n", k, t->outcomes[k]);
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
				logf_(d, "building the %s's first parent for the no-op check\n",
				      d->job->fix ? "fix" : "culprit");
			ret = b_build(d, id, &ok, &t, &secs);
			if (!ret)
				ret = cp_bayes_add_build(d->bayes, act.slot, ok, t->sig, d->err);
		} else {
			unsigned base, n = d->job->jobs, k;

			ret = tested_of(d, id, &t);
			base = t ? t->nruns : 0;
			if (!ret)
				ret = b_runs(d, t, n);
			for (k = base; k < base + n && !ret; k++)
				ret = cp_bayes_add_run(d->bayes, act.slot,
						       evidence_of(d, t->outcomes[k]), 1, d->err);
			/*
			 * The worktree now holds this build (cp_bayes_drive()
			 * records that too): a repeated report says so.  A
			 * commit whose runs never say target or clean (a test
			 * that hangs or cannot run there) is left alone by the
			 * engine (cp_bayes_untestable()): it is reported as
			 * skipped, as git skips it.
			 */
			if (!ret && cp_bayes_untestable(d->bayes, act.slot)) {
				logf_(d, "%u runs and no evidence: the commit cannot be tested, skipped\n",
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

static int bayes_report(struct driver *d, const struct cp_bayes_summary *s,
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
		logf_(d, "%s: %s (posterior %.4f)\n", what, hex, s->best_p);
	} else {
		logf_(d, "%s: not in range (posterior %.4f)\n", what, s->best_p);
	}
	if (s->runner_up >= 0) {
		cp_oid_to_hex(cp_bayes_slot_oid(d->bayes, (uint32_t)s->runner_up), hex);
		logf_(d, "runner-up: %s (posterior %.4f)\n", hex, s->runner_up_p);
	}
	logf_(d, "not in range: %.4f\n", s->outside_p);
	logf_(d, "reproduction chance estimate: %.2f\n", s->repro);
	if (s->best >= 0) {
		if (d->job->fix)
			logf_(d, "verified: %s; the fix was clean in %u of %u runs (needed %u)\n",
			      s->verified ? "yes" : "no", s->culprit_clean_runs,
			      s->culprit_target_runs + s->culprit_clean_runs, s->needed_clean);
		else
			logf_(d, "verified: %s; the culprit showed the crash in %u of %u runs\n",
			      s->verified ? "yes" : "no", s->culprit_target_runs,
			      s->culprit_target_runs + s->culprit_clean_runs);
		for (i = 0; i < s->nparents; i++) {
			const struct cp_bayes_parent *p = &s->parents[i];
			const char *unit = d->job->fix ? "runs with the crash" : "clean runs";
			json_t *po;

			if (p->slot >= 0) {
				cp_oid_to_hex(cp_bayes_slot_oid(d->bayes, (uint32_t)p->slot), hex);
				if (d->job->fix)
					logf_(d, "parent %s: %u %s (needed 1)\n", hex, p->clean_runs, unit);
				else if (p->target_runs)
					logf_(d, "parent %s: %u %s (needed %u), %u with the crash too\n",
					      hex, p->clean_runs, unit, s->needed_clean, p->target_runs);
				else
					logf_(d, "parent %s: %u %s (needed %u)\n", hex, p->clean_runs,
					      unit, s->needed_clean);
			} else {
				snprintf(hex, sizeof(hex), "outside the range");
				logf_(d, "parent outside the range (%s): %u %s\n",
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
			logf_(d, "the %s's build equals its parent's (same signature): "
			      "the change may not be what %s\n", what,
			      d->job->fix ? "fixed the crash" : "caused the crash");
		else if (s->noop < 0)
			logf_(d, "no-op check: not made (%s)\n",
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

/*
 * The culprit policy.  Cause: the candidates are the start commit's
 * ancestors that are not the good commits'.  Fix: the fixed end's that are
 * not the start commit's, which plays the good commit (it contains no fix).
 */
static int bayes_loop(struct driver *d, const struct cp_oid *start,
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
	cfg.max_runs = 100 * d->job->runs + 1000;
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
	logf_(d, "bisecting with the Bayesian policy: %u candidates, confidence target %.3f\n",
	      graph.n, cfg.confidence);
	d->pst.target_p = cfg.confidence;
	/* what the start test and the release search saw */
	for (i = 0; i < d->ntested && !ret; i++) {
		struct tested *t = &d->tested[i];
		int64_t s = cp_bayes_slot_of(d->bayes, &t->id);

		if (s < 0)
			continue;
		t->cap = t->nruns;
		ret = cp_bayes_add_build(d->bayes, (uint32_t)s, t->built, t->sig, d->err);
		for (k = 0; k < t->nruns && !ret && t->built; k++)
			if (t->outcomes[k])
				ret = cp_bayes_add_run(d->bayes, (uint32_t)s,
						       evidence_of(d, t->outcomes[k]), 1, d->err);
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
		ret = bayes_report(d, &sum, &last);
	if (ret)
		goto out;
	if (sum.best >= 0 && last.reason == CP_BAYES_CONFIDENT) {
		const struct cp_oid *c = cp_bayes_slot_oid(d->bayes, (uint32_t)sum.best);
		char *show = NULL;

		/* the answer as git shows it (merges with their parents), as the git policy does */
		ret = cp_commit_format_show(d->repo, c, &show, d->err);
		if (!ret)
			logf_(d, "%s", show);
		free(show);
		if (!ret)
			ret = found(d, c);
	} else {
		struct cp_oid cands[2];
		size_t nc = 0;

		if (sum.best >= 0)
			cands[nc++] = *cp_bayes_slot_oid(d->bayes, (uint32_t)sum.best);
		if (sum.runner_up >= 0)
			cands[nc++] = *cp_bayes_slot_oid(d->bayes, (uint32_t)sum.runner_up);
		ret = write_result(d, "inconclusive", NULL, cands, nc);
		if (!ret)
			ret = cp_error_set(d->err, CP_ERR_RANGE,
					   sum.best == CP_BAYES_OUTSIDE ?
					   (d->job->fix ?
					    "the crash seems gone before the start commit (not in range: %.3f)" :
					    "the crash seems older than the good commits (not in range: %.3f)") :
					   "inconclusive: the best candidate has posterior %.3f (see result.json)",
					   sum.best_p);
	}
out:
	cp_bayes_free(d->bayes);
	d->bayes = NULL;
	d->graph = NULL;
	cp_graph_free(&graph);
	return ret;
}

static void driver_free(struct driver *d)
{
	size_t i, k;

	for (i = 0; i < d->ntested; i++) {
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
	active_pool = NULL;
	cp_run_pool_free(d->pool);
	cp_worktree_free(d->wt);
	cp_journal_close(d->journal);
	cp_repo_free(d->repo);
	if (d->log)
		fclose(d->log);
}

int cp_driver_run(struct cp_job *job, int resume, volatile sig_atomic_t *stop,
		  struct cp_error *err)
{
	struct driver d = { .job = job, .stop = stop, .err = err, .in_worktree = -1 };
	struct cp_oid start, *goods = NULL;
	char path[4200], hex[CP_OID_HEXSZ + 1];
	json_t *header = NULL;
	enum verdict v;
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
	ret = cp_repo_open(&d.repo, job->repo, err);
	if (ret)
		goto out;
	cp_repo_commit_source(d.repo, &d.src);
	ret = cp_repo_resolve(d.repo, job->bad, &start, err);
	for (i = 0; i < job->ngoods && !ret; i++) {
		struct cp_oid g;

		ret = cp_repo_resolve(d.repo, job->goods[i], &g, err);
		if (!ret)
			ret = push_oid(&goods, &ngoods, &g, err);
	}
	if (ret)
		goto out;
	snprintf(path, sizeof(path), "%s/worktree", job->out);
	ret = cp_worktree_open(d.repo, path, &d.wt, err);
	if (!ret)
		ret = cp_run_pool_new(&d.pool, job->jobs, err);
	if (ret)
		goto out;
	active_pool = d.pool;
	if (job->crash) {
		d.target = strdup(job->crash);
		if (!d.target) {
			ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	probe_compiler(&d);
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
		logf_(&d, "resuming from the journal in %s\n", job->out);
	logf_(&d, "bisecting %s commit starting from %s\n", job->fix ? "fix" : "cause", hex);
	ret = test_commit(&d, &start, NULL, &v);
	if (ret)
		goto out;
	if (v != V_TARGET) {
		if (!d.tested[d.ntested - 1].built)
			ret = cp_error_set(err, CP_ERR_CHILD,
					   "the build fails on the start commit %s (see %s/commits/%s/build.log)",
					   hex, job->out, hex);
		else
			ret = cp_error_set(err, CP_ERR_NO_REPRO,
					   "the crash does not reproduce on the start commit %s", hex);
		goto out;
	}
	if (job->fix) {
		ret = test_commit(&d, &goods[0], NULL, &v);
		/*
		 * Other crashes on the fixed end say nothing about the target:
		 * one clean run and none with the target are enough to go on.
		 */
		if (!ret && v == V_SKIP && clean_runs(&d.tested[d.ntested - 1])) {
			logf_(&d, "the fixed end showed other crashes too; the crash bisected did not show\n");
			v = V_CLEAN;
		}
		if (!ret && v != V_CLEAN) {
			cp_oid_to_hex(&goods[0], hex);
			ret = cp_error_set(err, CP_ERR_NO_REPRO,
					   v == V_TARGET ? "the crash still reproduces on %s: nothing fixed it" :
					   "%s cannot be tested (the build failed or no run was clean)", hex);
		}
	} else if (!ngoods) {
		struct cp_oid g;

		ret = find_release(&d, &start, &g);
		if (!ret)
			ret = push_oid(&goods, &ngoods, &g, err);
	}
	if (!ret && !strcmp(job->policy, "culprit"))
		ret = bayes_loop(&d, &start, goods, ngoods);
	else if (!ret)
		ret = bisect_loop(&d, &start, goods, ngoods);
out:
	if (ret == CP_ERR_INTERRUPTED || (stop && *stop)) {
		ret = cp_error_set(err, CP_ERR_INTERRUPTED,
				   "interrupted; resume with: culprit bisect --resume %s", job->out);
	}
	free(goods);
	driver_free(&d);
	return ret;
}
