/*
 * The slurm executor: each build and each test run is one Slurm batch job.
 *
 * Why sbatch/scontrol and not libslurm: libslurm's API changes with every
 * Slurm release (Debian ships no stable one) and it is not thread- or
 * signal-friendly, while the command-line tools are Slurm's stable
 * interface and work against any controller version.  `sbatch --wait` runs
 * as a child of culprit's own pool (src/run) and returns when the job
 * ends, so timeouts, cancellation and reaping stay those of the local
 * executor; `scontrol show job` then says how the job ended:
 *
 *   COMPLETED, FAILED        exit code and signal, judged as a local run
 *   TIMEOUT                  timed out (Slurm's --time is the run's timeout)
 *   CANCELLED by culprit     cancelled
 *   anything else, or lost   (CANCELLED by others, NODE_FAIL, PREEMPTED,
 *                            BOOT_FAIL, OUT_OF_MEMORY, an unknown job):
 *                            submitted again, up to "retries" times, then
 *                            a runner failure, which is an infra problem
 *
 * Output goes to the job's files (--output/--error, made absolute: they
 * must be on a file system the nodes share, as must the worktree, which
 * is the job's --chdir).  Every job is named culprit-<hash of the output
 * directory>: cancelling or closing the executor runs `scancel --name` for
 * it, so nothing is left in squeue.  A culprit killed with SIGKILL cannot
 * scancel; the output directory's lock lets one culprit at a time use it,
 * so the next one there (the resumed bisection, a rerun farm) cancels what
 * is queued under that name before it submits anything, and says so.  Job
 * file: "executor": {"type": "slurm",
 * "partition": P, "account": A, "extra": [sbatch args], "retries": N}.
 */
#include "exec/exec.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SBATCH_MARGIN_S 600	/* queue wait allowed beyond the job's own limit */
#define TOOL_TIMEOUT_MS 30000	/* sinfo, scontrol, scancel */

struct job {
	int id;			/* the caller's */
	int local;		/* the sbatch child's id in the pool, -1 when done */
	unsigned attempts;
	char *shell, *cwd, *out, *err, *sbatch_out;
	char **env;
	uint64_t timeout_ms;
};

struct slurm {
	struct cp_run_pool *pool;
	char name[64];
	char *partition, *account;
	char **extra;
	size_t nextra;
	unsigned retries;
	struct job *jobs;
	size_t njobs;
	int next_id;
	int submitted;
	volatile sig_atomic_t cancel;
	int scancelled;
};

static char *abs_path(const char *p)
{
	char cwd[4096], *s;

	if (!p || p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return p ? strdup(p) : NULL;
	s = malloc(strlen(cwd) + strlen(p) + 2);
	if (s)
		sprintf(s, "%s/%s", cwd, p);
	return s;
}

/*
 * Runs a Slurm tool; its first output line in line (all of it, newlines
 * and all, when all).  The exit status, or -1.
 */
static int tool_out(const char *const *argv, char *line, size_t size, int all)
{
	struct cp_run_spec spec = { .argv = argv, .timeout_ms = TOOL_TIMEOUT_MS };
	struct cp_run_result res = { 0 };
	struct cp_error err;
	int st;

	line[0] = '\0';
	cp_error_clear(&err);
	if (cp_run_one(&spec, &res, &err)) {
		snprintf(line, size, "%s", err.msg);
		return -1;
	}
	snprintf(line, size, "%s", res.tail);
	if (!all)
		line[strcspn(line, "\n")] = '\0';
	st = res.status.timed_out ? -1 : res.status.exit_code;
	if (res.status.timed_out)
		snprintf(line, size, "%s did not answer within %d s", argv[0], TOOL_TIMEOUT_MS / 1000);
	cp_run_result_dispose(&res);
	return st;
}

static int tool(const char *const *argv, char *line, size_t size)
{
	return tool_out(argv, line, size, 0);
}

/* FNV-1a: a short, stable name for the output directory's jobs. */
static void name_for(struct slurm *s, const char *owner)
{
	char *real = owner ? realpath(owner, NULL) : NULL;
	const char *p = real ? real : owner;
	uint64_t h = 1469598103934665603ull;

	if (!p) {
		snprintf(s->name, sizeof(s->name), "culprit-pid%ld", (long)getpid());
		return;
	}
	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	snprintf(s->name, sizeof(s->name), "culprit-%016llx", (unsigned long long)h);
	free(real);
}

/* Cancels the jobs an earlier, killed culprit left under s->name; note says so. */
static void cancel_leftovers(struct slurm *s, char *note, size_t size)
{
	char user[32], ids[2048], line[256];
	const char *list[] = { "squeue", "-h", "--user", user, "--name", s->name, "-o", "%i", NULL };
	const char *argv[] = { "scancel", "--user", user, "--name", s->name, NULL };
	size_t n;

	snprintf(user, sizeof(user), "%ld", (long)getuid());
	if (tool_out(list, ids, sizeof(ids), 1) != 0 || !ids[strspn(ids, " \n")])
		return;
	for (n = strlen(ids); n && ids[n - 1] == '\n'; n--)
		ids[n - 1] = '\0';
	for (n = 0; ids[n]; n++)
		if (ids[n] == '\n')
			ids[n] = ' ';
	if (tool(argv, line, sizeof(line)) == 0)
		snprintf(note, size, "slurm: cancelled job%s %.160s left by an earlier culprit on this output directory",
			 strchr(ids, ' ') ? "s" : "", ids);
	else
		snprintf(note, size, "slurm: could not cancel job%s %.80s left by an earlier culprit: %.80s",
			 strchr(ids, ' ') ? "s" : "", ids, line);
}

static void scancel_all(struct slurm *s)
{
	const char *argv[] = { "scancel", "--name", s->name, NULL };
	char line[256];

	if (s->submitted && !s->scancelled) {
		tool(argv, line, sizeof(line));
		s->scancelled = 1;
	}
}

static int take_config(struct slurm *s, json_t *config, struct cp_error *err)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(config, k, v) {
		if (!strcmp(k, "type"))
			continue;
		if ((!strcmp(k, "partition") || !strcmp(k, "account")) && json_is_string(v)) {
			char **dst = !strcmp(k, "partition") ? &s->partition : &s->account;

			*dst = strdup(json_string_value(v));
			if (!*dst)
				return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		} else if (!strcmp(k, "retries") && json_is_integer(v) && json_integer_value(v) >= 0 &&
			   json_integer_value(v) <= 10) {
			s->retries = (unsigned)json_integer_value(v);
		} else if (!strcmp(k, "extra") && json_is_array(v)) {
			s->extra = calloc(json_array_size(v) + 1, sizeof(char *));
			if (!s->extra)
				return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			for (i = 0; i < json_array_size(v); i++) {
				if (!json_is_string(json_array_get(v, i)))
					return cp_error_set(err, CP_ERR_JOB, "executor.extra must list strings");
				s->extra[i] = strdup(json_string_value(json_array_get(v, i)));
				if (!s->extra[i])
					return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
				s->nextra++;
			}
		} else {
			return cp_error_set(err, CP_ERR_JOB,
					    "executor field '%s' unknown or of the wrong type (slurm: partition, account, extra, retries)",
					    k);
		}
	}
	return 0;
}

static void job_free(struct job *j)
{
	size_t i;

	free(j->shell);
	free(j->cwd);
	free(j->out);
	free(j->err);
	free(j->sbatch_out);
	for (i = 0; j->env && j->env[i]; i++)
		free(j->env[i]);
	free(j->env);
	memset(j, 0, sizeof(*j));
	j->local = -1;
}

static void slurm_close(struct cp_exec *ex)
{
	struct slurm *s = ex->impl;
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->njobs; i++)
		if (s->jobs[i].local >= 0)
			s->scancelled = 0;	/* something still runs: cancel it */
	scancel_all(s);
	cp_run_pool_free(s->pool);
	for (i = 0; i < s->njobs; i++)
		job_free(&s->jobs[i]);
	free(s->jobs);
	for (i = 0; i < s->nextra; i++)
		free(s->extra[i]);
	free(s->extra);
	free(s->partition);
	free(s->account);
	free(s);
	ex->impl = NULL;
}

static int slurm_open(struct cp_exec *ex, json_t *config, unsigned jobs, const char *owner,
		      struct cp_error *err)
{
	struct slurm *s = calloc(1, sizeof(*s));
	char line[512];
	int ret = 0, st;

	if (!s)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	ex->impl = s;
	s->retries = 2;
	name_for(s, owner);
	if (config)
		ret = take_config(s, config, err);
	if (!ret)
		ret = cp_run_pool_new(&s->pool, jobs, err);
	if (!ret) {
		/* a controller that cannot be reached, or a wrong partition, is said now */
		const char *ping[] = { "sinfo", "-h", "-o", "%P", NULL };
		const char *part[] = { "sinfo", "-h", "-o", "%P", "-p", s->partition, NULL };

		st = tool(ping, line, sizeof(line));
		if (st)
			ret = cp_error_set(err, st == -1 && errno == ENOENT ? CP_ERR_CHILD : CP_ERR_EXECUTOR,
					   "slurm: cannot reach the controller: %s",
					   line[0] ? line : "sinfo failed");
		else if (s->partition && (tool(part, line, sizeof(line)) || !line[0]))
			ret = cp_error_set(err, CP_ERR_EXECUTOR, "slurm: partition '%s' does not exist",
					   s->partition);
		else
			cancel_leftovers(s, ex->note, sizeof(ex->note));
	}
	if (ret)
		slurm_close(ex);
	return ret;
}

static struct job *job_of(struct slurm *s, int local)
{
	size_t i;

	for (i = 0; i < s->njobs; i++)
		if (s->jobs[i].local == local)
			return &s->jobs[i];
	return NULL;
}

/* Submits j (again) through sbatch --wait, a child of the pool. */
static int submit(struct slurm *s, struct job *j, struct cp_error *err)
{
	const char *argv[40];
	char minutes[32];
	struct cp_run_spec spec = { 0 };
	size_t n = 0, i;
	uint64_t min = (j->timeout_ms / 1000 + 59) / 60;

	snprintf(minutes, sizeof(minutes), "%llu", (unsigned long long)(min ? min : 1));
	argv[n++] = "sbatch";
	argv[n++] = "--wait";
	argv[n++] = "--parsable";
	argv[n++] = "--no-requeue";	/* culprit retries itself, and says so */
	argv[n++] = "--open-mode=append";	/* every attempt stays in the log */
	argv[n++] = "--export=ALL";
	argv[n++] = "--job-name";
	argv[n++] = s->name;
	argv[n++] = "--time";
	argv[n++] = minutes;
	if (s->partition) {
		argv[n++] = "--partition";
		argv[n++] = s->partition;
	}
	if (s->account) {
		argv[n++] = "--account";
		argv[n++] = s->account;
	}
	for (i = 0; i < s->nextra && n < 30; i++)
		argv[n++] = s->extra[i];
	if (j->cwd) {
		argv[n++] = "--chdir";
		argv[n++] = j->cwd;
	}
	argv[n++] = "--output";
	argv[n++] = j->out ? j->out : "/dev/null";
	argv[n++] = "--error";
	argv[n++] = j->err ? j->err : "/dev/null";
	argv[n++] = "--wrap";
	argv[n++] = j->shell;
	argv[n] = NULL;
	spec.argv = argv;
	spec.env = (const char *const *)j->env;	/* exported to the job by --export=ALL */
	spec.stdout_path = j->sbatch_out;
	spec.stderr_path = j->sbatch_out;
	spec.timeout_ms = j->timeout_ms ? j->timeout_ms + SBATCH_MARGIN_S * 1000 : 0;
	if (!j->attempts) {
		/* a log left by an interrupted bisection is not this run's */
		if (j->out)
			truncate(j->out, 0);
		if (j->err && (!j->out || strcmp(j->err, j->out)))
			truncate(j->err, 0);
	}
	j->attempts++;
	s->submitted = 1;
	s->scancelled = 0;
	return cp_run_start(s->pool, &spec, &j->local, err);
}

static int slurm_start(struct cp_exec *ex, const struct cp_run_spec *spec, int *id,
		       struct cp_error *err)
{
	struct slurm *s = ex->impl;
	struct job *p, *j;
	size_t i, n;
	int ret;

	if (!spec->shell)
		return cp_error_set(err, CP_ERR_USAGE, "slurm: only shell commands run as jobs");
	p = realloc(s->jobs, (s->njobs + 1) * sizeof(*p));
	if (!p)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	s->jobs = p;
	j = &s->jobs[s->njobs];
	memset(j, 0, sizeof(*j));
	j->local = -1;
	for (n = 0; spec->env && spec->env[n]; n++)
		;
	j->env = calloc(n + 1, sizeof(char *));
	j->shell = strdup(spec->shell);
	j->cwd = abs_path(spec->cwd);
	j->out = abs_path(spec->stdout_path);
	j->err = abs_path(spec->stderr_path);
	if (j->out) {
		j->sbatch_out = malloc(strlen(j->out) + 8);
		if (j->sbatch_out)
			sprintf(j->sbatch_out, "%s.sbatch", j->out);
	} else {
		j->sbatch_out = strdup("/dev/null");
	}
	for (i = 0; j->env && i < n; i++)
		if (!(j->env[i] = strdup(spec->env[i])))
			break;
	if (!j->env || i < n || !j->shell || (spec->cwd && !j->cwd) || !j->sbatch_out ||
	    (spec->stdout_path && !j->out) || (spec->stderr_path && !j->err)) {
		job_free(j);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	j->timeout_ms = spec->timeout_ms;
	j->id = s->next_id++;
	s->njobs++;
	ret = submit(s, j, err);
	if (ret) {
		job_free(j);
		s->njobs--;
		return ret;
	}
	if (id)
		*id = j->id;
	return 0;
}

/* "KEY=value" of scontrol -o's line into buf. */
static void field(const char *line, const char *key, char *buf, size_t size)
{
	const char *p = strstr(line, key);

	buf[0] = '\0';
	if (p && (p == line || p[-1] == ' '))
		snprintf(buf, size, "%.*s", (int)strcspn(p + strlen(key), " \n"), p + strlen(key));
}

/* How job j's sbatch ended, in st; 1 when it should be submitted again. */
static int judge(struct slurm *s, struct job *j, const struct cp_run_result *local,
		 struct cp_run_status *st)
{
	char id[64] = "", line[4096], state[64], code[64];
	const char *argv[] = { "scontrol", "-o", "show", "job", id, NULL };
	FILE *f = fopen(j->sbatch_out, "r");
	int a = 0, b = 0;

	memset(st, 0, sizeof(*st));
	if (f) {
		if (fgets(line, sizeof(line), f))
			snprintf(id, sizeof(id), "%.*s", (int)strcspn(line, ";\n"), line);
		fclose(f);
	}
	if (local->status.cancelled || s->cancel) {
		st->cancelled = true;
		st->exit_code = -1;
		return 0;
	}
	if (!id[0] || strspn(id, "0123456789") != strlen(id)) {
		snprintf(st->failure, sizeof(st->failure), "sbatch failed: %.200s", id[0] ? line : local->tail);
		st->failure[strcspn(st->failure, "\n")] = '\0';
		return j->attempts <= s->retries;
	}
	if (local->status.timed_out) {
		const char *cancel[] = { "scancel", id, NULL };

		tool(cancel, line, sizeof(line));
		st->timed_out = true;
		st->exit_code = -1;
		return 0;
	}
	if (tool(argv, line, sizeof(line)) != 0) {
		snprintf(st->failure, sizeof(st->failure), "slurm job %s lost: %.180s", id, line);
		return j->attempts <= s->retries;
	}
	field(line, "JobState=", state, sizeof(state));
	field(line, "ExitCode=", code, sizeof(code));
	sscanf(code, "%d:%d", &a, &b);
	if (!strcmp(state, "COMPLETED") || !strcmp(state, "FAILED")) {
		st->exit_code = b ? -1 : a;
		st->signal = b;
		return 0;
	}
	if (!strcmp(state, "TIMEOUT")) {
		st->timed_out = true;
		st->exit_code = -1;
		return 0;
	}
	snprintf(st->failure, sizeof(st->failure), "slurm job %s ended %s (attempt %u of %u)", id,
		 state[0] ? state : "in an unknown state", j->attempts, s->retries + 1);
	st->exit_code = -1;
	return j->attempts <= s->retries;
}

static int slurm_wait(struct cp_exec *ex, struct cp_run_result *res, struct cp_error *err)
{
	struct slurm *s = ex->impl;

	for (;;) {
		struct cp_run_status st;
		struct job *j;
		int ret = cp_run_wait(s->pool, res, err);

		if (ret)
			return ret;
		if (s->cancel)
			scancel_all(s);
		j = job_of(s, res->id);
		if (!j) {
			cp_run_result_dispose(res);
			return cp_error_set(err, CP_ERR_INTERNAL, "slurm: a child of no job ended");
		}
		j->local = -1;
		if (judge(s, j, res, &st) && !s->cancel) {
			FILE *f = j->out ? fopen(j->out, "a") : NULL;

			if (f) {
				fprintf(f, "\n[culprit: %s; submitted again]\n", st.failure);
				fclose(f);
			}
			if (submit(s, j, err) == 0) {
				cp_run_result_dispose(res);
				continue;
			}
			cp_run_status_from_error(&st, err);
			cp_error_clear(err);
		}
		res->status = st;
		res->id = j->id;
		job_free(j);
		return 0;
	}
}

static unsigned slurm_running(const struct cp_exec *ex)
{
	const struct slurm *s = ex->impl;

	return cp_run_running(s->pool);
}

static void slurm_cancel(struct cp_exec *ex)
{
	struct slurm *s = ex->impl;

	s->cancel = 1;
	cp_run_pool_cancel(s->pool);
}

static bool slurm_cancelled(const struct cp_exec *ex)
{
	const struct slurm *s = ex->impl;

	return s->cancel;
}

const struct cp_exec_ops cp_exec_slurm = {
	.name = "slurm",
	.open = slurm_open,
	.close = slurm_close,
	.start = slurm_start,
	.wait = slurm_wait,
	.running = slurm_running,
	.cancel = slurm_cancel,
	.cancelled = slurm_cancelled,
};
