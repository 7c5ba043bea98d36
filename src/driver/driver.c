#include "driver/driver.h"
#include "util/fs.h"

#include "bisect/bayes.h"
#include "bisect/gitstep.h"
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
};

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
	char *target;		/* crash title bisected */
	struct tested *tested;
	size_t ntested;
	double build_s, test_s;
	/* culprit policy */
	struct cp_bayes *bayes;
	const struct cp_graph *graph;
	int64_t in_worktree;	/* tested index whose build the worktree holds, or -1 */
	json_t *bayes_result;	/* the "bayes" object of result.json */
};

static struct cp_run_pool *volatile active_pool;

void cp_driver_interrupt(void)
{
	if (active_pool)
		cp_run_pool_cancel(active_pool);
}

static void logf_(struct driver *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void logf_(struct driver *d, const char *fmt, ...)
{
	va_list ap;

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

/* The first line `<compiler> --version` prints, for the log. */
static void probe_compiler(struct driver *d)
{
	const char *argv[] = { d->job->compiler ? d->job->compiler : "cc", "--version", NULL };
	struct cp_run_spec spec = { .argv = argv, .timeout_ms = 30000 };
	struct cp_run_result res = { 0 };
	struct cp_error err;
	size_t n;

	snprintf(d->compiler_line, sizeof(d->compiler_line), "%s", argv[0]);
	if (cp_run_one(&spec, &res, &err) == 0 && res.status.exit_code == 0 && res.tail_len) {
		n = strcspn(res.tail, "\n");
		if (n >= sizeof(d->compiler_line))
			n = sizeof(d->compiler_line) - 1;
		memcpy(d->compiler_line, res.tail, n);
		d->compiler_line[n] = '\0';
	}
	cp_run_result_dispose(&res);
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
	snprintf(env[0], sizeof(env[0]), "CULPRIT_WORKTREE=%s", cp_worktree_path(d->wt));
	snprintf(env[1], sizeof(env[1]), "CULPRIT_ARTIFACTS=%s/commits/%s", d->job->out, hex);
	snprintf(env[2], sizeof(env[2]), "CULPRIT_RUN=%d", run);
}

static int build(struct driver *d, const struct cp_oid *id, const char *hex,
		 int *ok, double *secs)
{
	char path[4200], env[3][4200];
	const char *envp[] = { env[0], env[1], env[2], NULL };
	struct cp_run_spec spec = { 0 };
	struct cp_run_result res = { 0 };
	char line[512];
	int ret;

	ret = cp_worktree_checkout(d->wt, id, d->err);
	if (ret)
		return ret;
	env_for(d, hex, -1, env);
	snprintf(path, sizeof(path), "%s/commits/%s/build.log", d->job->out, hex);
	spec.shell = d->job->build_cmd;
	spec.cwd = cp_worktree_path(d->wt);
	spec.env = envp;
	spec.stdout_path = path;
	spec.stderr_path = path;
	spec.timeout_ms = d->job->build_timeout * 1000;
	ret = cp_run_start(d->pool, &spec, NULL, d->err);
	if (!ret)
		ret = wait_one(d, &res);
	if (ret)
		return ret;
	cp_run_classify(CP_STEP_BUILD, &res.status, NULL, line, sizeof(line));
	*ok = res.status.exit_code == 0 && !res.status.timed_out && !res.status.failure[0];
	*secs = (double)res.duration_ns / 1e9;
	cp_run_result_dispose(&res);
	return append(d, json_pack("{s:s, s:s, s:b, s:f, s:s}", "type", "build", "commit", hex,
				   "ok", *ok, "duration_s", *secs, "outcome", line));
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

/* A build that left a signature (kernel builds do): log it like syzbot. */
static void log_signature(struct driver *d, const char *dir)
{
	char path[4300], sig[160];

	snprintf(path, sizeof(path), "%s/signature", dir);
	if (read_artifact(path, sig, sizeof(sig)))
		logf_(d, "kernel signature: %s\n", sig);
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

static int test_commit(struct driver *d, const struct cp_oid *id, const char *label,
		       enum verdict *verdict)
{
	struct tested *t, *p;
	char hex[CP_OID_HEXSZ + 1], dir[4200];
	unsigned i, ntarget = 0, nclean = 0, started = 0, done = 0;
	json_t *rec;
	int ret = 0, ok = 1;

	p = realloc(d->tested, (d->ntested + 1) * sizeof(*p));
	if (!p)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	d->tested = p;
	t = &d->tested[d->ntested++];
	memset(t, 0, sizeof(*t));
	t->id = *id;
	snprintf(t->label, sizeof(t->label), "%s", label ? label : "");
	t->nruns = d->job->runs;
	t->outcomes = calloc(t->nruns, sizeof(*t->outcomes));
	t->run_s = calloc(t->nruns, sizeof(*t->run_s));
	if (!t->outcomes || !t->run_s)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");

	cp_oid_to_hex(id, hex);
	if (label)
		logf_(d, "testing %s\n", label);
	logf_(d, "testing commit %s with %s\n", hex, d->compiler_line);
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
	}
	/*
	 * Runs still to do need this commit built in the worktree, which after
	 * a restart may hold anything: build again unless the build failed.
	 */
	if (ok && done < t->nruns) {
		ret = build(d, id, hex, &ok, &t->build_s);
		if (ret)
			return ret;
	}
	d->build_s += t->build_s;
	t->built = ok;
	if (ok)
		log_signature(d, dir);
	if (!ok) {
		logf_(d, "build failed (see %s/build.log)\n", dir);
		t->verdict = V_SKIP;
		*verdict = V_SKIP;
		return 0;
	}

	/* the runs not journaled yet, up to jobs at once */
	{
		int *index_of_id = calloc(t->nruns, sizeof(int));
		int next = 0;

		if (!index_of_id)
			return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
		while (!ret && (done < t->nruns)) {
			while (!ret && cp_run_running(d->pool) < d->job->jobs &&
			       started < t->nruns) {
				char path[4200], env[3][4200];
				const char *envp[] = { env[0], env[1], env[2], NULL };
				struct cp_run_spec spec = { 0 };
				int id_run;

				while (next < (int)t->nruns && t->outcomes[next])
					next++;
				if (next >= (int)t->nruns) {
					started = t->nruns;
					break;
				}
				env_for(d, hex, next, env);
				if (snprintf(path, sizeof(path), "%s/run-%d.log", dir, next) >=
				    (int)sizeof(path)) {
					ret = cp_error_set(d->err, CP_ERR_IO, "path too long: %s", dir);
					break;
				}
				spec.shell = d->job->test_cmd;
				spec.cwd = cp_worktree_path(d->wt);
				spec.env = envp;
				spec.stdout_path = path;
				spec.stderr_path = path;
				spec.timeout_ms = d->job->run_timeout * 1000;
				ret = cp_run_start(d->pool, &spec, &id_run, d->err);
				if (ret)
					break;
				index_of_id[next] = id_run;
				next++;
				started++;
			}
			if (ret || !cp_run_running(d->pool))
				break;
			{
				struct cp_run_result res = { 0 };
				unsigned k;
				int idx = -1;

				ret = wait_one(d, &res);
				if (ret)
					break;
				for (k = 0; k < t->nruns; k++)
					if (!t->outcomes[k] && index_of_id[k] == res.id) {
						idx = (int)k;
						break;
					}
				if (idx >= 0)
					ret = finish_run(d, hex, &res, idx, &t->outcomes[idx],
							 &t->run_s[idx]);
				cp_run_result_dispose(&res);
				done++;
			}
		}
		free(index_of_id);
		if (ret)
			return ret;
	}

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
		if (is_target(d, t->outcomes[i]))
			ntarget++;
		else if (!strcmp(t->outcomes[i], "OK"))
			nclean++;
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
	t->verdict = ntarget ? V_TARGET : nclean == t->nruns ? V_CLEAN : V_SKIP;
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

static const char *verdict_name(enum verdict v)
{
	return v == V_TARGET ? "crashed" : v == V_CLEAN ? "clean" : "skip";
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
		json_t *runs = json_array();

		for (k = 0; k < t->nruns && runs; k++)
			if (t->outcomes[k])
				json_array_append_new(runs, json_pack("{s:i, s:s, s:f}",
					"index", (int)k, "outcome", t->outcomes[k],
					"duration_s", t->run_s[k]));
		cp_oid_to_hex(&t->id, hex);
		json_array_append_new(tested, json_pack("{s:s, s:s, s:{s:b, s:f}, s:o, s:s, s:o}",
			"commit", hex, "label", t->label,
			"build", "ok", t->built, "duration_s", t->build_s,
			"runs", runs ? runs : json_null(), "verdict", verdict_name(t->verdict),
			"evidence", evidence_json(d, t)));
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
	int ret = 0;

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
		cp_git_step_free(&step);
		ret = cp_git_next(&d->src, &st, &step, d->err);
		if (ret)
			goto out;
		if (step.action == CP_GIT_FOUND) {
			cp_oid_to_hex(&step.commit, hex);
			logf_(d, "%s is the first bad commit\n", hex);
			ret = cp_commit_format_show(d->repo, &step.commit, &show, d->err);
			if (ret)
				goto out;
			logf_(d, "%s", show);
			ret = write_result(d, "found", &step.commit, NULL, 0);
			if (!ret && cp_commit_info_load(d->repo, &step.commit, 0, &info, d->err) == 0) {
				char tot[64], b[64], t[64];

				format_duration(d->build_s + d->test_s, tot, sizeof(tot));
				format_duration(d->build_s, b, sizeof(b));
				format_duration(d->test_s, t, sizeof(t));
				logf_(d, "revisions tested: %zu, total time: %s (build: %s, test: %s)\n",
				      d->ntested, tot, b, t);
				logf_(d, "%s commit: %s %s\n", d->job->fix ? "fix" : "first bad",
				      hex, info->subject);
				if (d->target)
					logf_(d, "crash: %s\n", d->target);
				cp_commit_info_free(info);
			}
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
	return 0;
}

static int b_build(void *ctx, uint32_t slot, const struct cp_oid *id, int *ok,
		   char **signature, double *seconds, struct cp_error *err)
{
	struct driver *d = ctx;
	struct tested *t;
	char hex[CP_OID_HEXSZ + 1], dir[4200];
	json_t *rec;
	int ret;

	(void)slot;
	(void)err;
	*signature = NULL;
	ret = tested_of(d, id, &t);
	if (ret)
		return ret;
	cp_oid_to_hex(id, hex);
	logf_(d, "testing commit %s with %s\n", hex, d->compiler_line);
	snprintf(dir, sizeof(dir), "%s/commits/%s", d->job->out, hex);
	ret = cp_mkdir_p(dir, d->err);
	if (ret)
		return ret;
	rec = find_record(d, "build", hex, -1);
	if (rec && !json_is_true(json_object_get(rec, "ok"))) {
		*ok = 0;	/* journaled failure: not built again */
		t->build_s = json_real_value(json_object_get(rec, "duration_s"));
	} else {
		ret = build(d, id, hex, ok, &t->build_s);
		if (ret)
			return ret;
	}
	*seconds = t->build_s;
	d->build_s += t->build_s;
	t->built = *ok;
	d->in_worktree = *ok ? (int64_t)(t - d->tested) : -1;
	if (*ok)
		log_signature(d, dir);
	else
		logf_(d, "build failed (see %s/build.log)\n", dir);
	return 0;
}

static int b_run(void *ctx, uint32_t slot, const struct cp_oid *id,
		 enum cp_bayes_outcome *outcome, double *seconds, struct cp_error *err)
{
	struct driver *d = ctx;
	struct tested *t;
	char hex[CP_OID_HEXSZ + 1], path[4200], env[3][4200];
	const char *envp[] = { env[0], env[1], env[2], NULL };
	struct cp_run_spec spec = { 0 };
	struct cp_run_result res = { 0 };
	json_t *rec;
	int ret, index;

	(void)slot;
	(void)err;
	ret = tested_of(d, id, &t);
	if (ret)
		return ret;
	if (t->nruns == t->cap) {
		unsigned cap = t->cap ? 2 * t->cap : 16;
		char **o = realloc(t->outcomes, cap * sizeof(*o));

		if (o)
			t->outcomes = o;
		double *s = o ? realloc(t->run_s, cap * sizeof(*s)) : NULL;

		if (!o || !s)
			return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
		t->run_s = s;
		t->cap = cap;
	}
	index = (int)t->nruns;
	t->outcomes[index] = NULL;
	cp_oid_to_hex(id, hex);
	rec = find_record(d, "run", hex, index);
	if (rec) {	/* resumed: the journal has it */
		t->outcomes[index] = strdup(json_string_value(json_object_get(rec, "outcome")) ?: "");
		t->run_s[index] = json_real_value(json_object_get(rec, "duration_s"));
		if (!t->outcomes[index])
			return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	} else {
		if (d->in_worktree != (int64_t)(t - d->tested)) {
			int ok = 0;
			double secs = 0;

			/* the worktree holds another build: build this one again */
			logf_(d, "rebuilding commit %s\n", hex);
			ret = build(d, id, hex, &ok, &secs);
			if (ret)
				return ret;
			d->build_s += secs;
			if (!ok)
				return cp_error_set(d->err, CP_ERR_CHILD,
						    "commit %s built before but not now", hex);
			d->in_worktree = (int64_t)(t - d->tested);
		}
		env_for(d, hex, index, env);
		snprintf(path, sizeof(path), "%s/commits/%s/run-%d.log", d->job->out, hex, index);
		spec.shell = d->job->test_cmd;
		spec.cwd = cp_worktree_path(d->wt);
		spec.env = envp;
		spec.stdout_path = path;
		spec.stderr_path = path;
		spec.timeout_ms = d->job->run_timeout * 1000;
		ret = cp_run_start(d->pool, &spec, NULL, d->err);
		if (!ret)
			ret = wait_one(d, &res);
		if (!ret)
			ret = finish_run(d, hex, &res, index, &t->outcomes[index], &t->run_s[index]);
		cp_run_result_dispose(&res);
		if (ret)
			return ret;
	}
	t->nruns++;
	d->test_s += t->run_s[index];
	*seconds = t->run_s[index];
	*outcome = evidence_of(d, t->outcomes[index]);
	if (*outcome == CP_BAYES_TARGET)
		t->verdict = V_TARGET;
	else if (*outcome == CP_BAYES_CLEAN && t->verdict != V_TARGET)
		t->verdict = V_CLEAN;
	logf_(d, "run #%d: %s\n", index, t->outcomes[index]);
	return 0;
}

static int bayes_report(struct driver *d, const struct cp_bayes_summary *s,
			const struct cp_bayes_action *last)
{
	char hex[CP_OID_HEXSZ + 1];
	json_t *parents = json_array(), *obj;
	unsigned i;

	if (!parents)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	if (s->best >= 0) {
		cp_oid_to_hex(cp_bayes_slot_oid(d->bayes, (uint32_t)s->best), hex);
		logf_(d, "culprit: %s (posterior %.4f)\n", hex, s->best_p);
	} else {
		logf_(d, "culprit: not in range (posterior %.4f)\n", s->best_p);
	}
	if (s->runner_up >= 0) {
		cp_oid_to_hex(cp_bayes_slot_oid(d->bayes, (uint32_t)s->runner_up), hex);
		logf_(d, "runner-up: %s (posterior %.4f)\n", hex, s->runner_up_p);
	}
	logf_(d, "not in range: %.4f\n", s->outside_p);
	logf_(d, "reproduction chance estimate: %.2f\n", s->repro);
	if (s->best >= 0) {
		logf_(d, "verified: %s; the culprit showed the crash in %u of %u runs\n",
		      s->verified ? "yes" : "no", s->culprit_target_runs,
		      s->culprit_target_runs + s->culprit_clean_runs);
		for (i = 0; i < s->nparents; i++) {
			const struct cp_bayes_parent *p = &s->parents[i];
			json_t *po;

			if (p->slot >= 0) {
				cp_oid_to_hex(cp_bayes_slot_oid(d->bayes, (uint32_t)p->slot), hex);
				logf_(d, "parent %s: %u clean runs (needed %u)%s\n", hex, p->clean_runs,
				      s->needed_clean, p->target_runs ? ", crashed too" : "");
			} else {
				snprintf(hex, sizeof(hex), "outside the range");
				logf_(d, "parent outside the range (a good commit's ancestor): %u clean runs on the good commits\n",
				      p->clean_runs);
			}
			po = json_pack("{s:s?, s:i, s:i, s:b}", "commit", p->slot >= 0 ? hex : NULL,
				       "clean_runs", (int)p->clean_runs, "target_runs", (int)p->target_runs,
				       "ok", p->ok);
			if (po)
				json_array_append_new(parents, po);
		}
		if (s->noop)
			logf_(d, "the culprit's build equals its parent's\n");
	}
	obj = json_pack("{s:f, s:f, s:f, s:f, s:s, s:b, s:b, s:i, s:{s:i, s:i}, s:o, s:i, s:i}",
			"confidence", d->job->confidence > 0 ? d->job->confidence : 0.99,
			"posterior", s->best_p, "not_in_range", s->outside_p, "repro", s->repro,
			"stopped", last->reason == CP_BAYES_CONFIDENT ? "confident" :
				   last->reason == CP_BAYES_BUDGET ? "budget" : "stuck",
			"verified", s->verified, "noop", s->noop, "needed_clean", (int)s->needed_clean,
			"culprit_runs", "target", (int)s->culprit_target_runs,
			"clean", (int)s->culprit_clean_runs,
			"parents", parents, "builds", (int)s->builds, "runs", (int)s->runs);
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

static int bayes_loop(struct driver *d, const struct cp_oid *start,
		      struct cp_oid *goods, size_t ngoods)
{
	struct cp_graph graph = { 0 };
	struct cp_bayes_config cfg;
	struct cp_bayes_ops ops = { .ctx = d, .build = b_build, .run = b_run };
	struct cp_bayes_summary sum;
	struct cp_bayes_action last;
	struct cp_commit_info *info = NULL;
	char hex[CP_OID_HEXSZ + 1];
	double nb = 0, nr = 0, bs = 0, rs = 0;
	size_t i, k;
	int ret;

	ret = cp_revwalk_candidates(&d->src, start, goods, ngoods, d->job->first_parent,
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
	cfg.one_worktree = 1;
	cfg.src = &d->src;
	cfg.max_runs = 100 * d->job->runs + 1000;
	for (i = 0; i < d->ntested; i++) {
		nb += 1;
		bs += d->tested[i].build_s;
		for (k = 0; k < d->tested[i].nruns; k++) {
			nr += 1;
			rs += d->tested[i].run_s[k];
		}
	}
	if (nb && bs > 0)
		cfg.build_cost = bs / nb;
	if (nr && rs > 0)
		cfg.run_cost = rs / nr;
	ret = cp_bayes_new(&d->bayes, &graph, goods, ngoods, &cfg, d->err);
	if (ret)
		goto out;
	d->graph = &graph;
	logf_(d, "bisecting with the Bayesian policy: %u candidates, confidence target %.3f\n",
	      graph.n, cfg.confidence);
	/* what the start test and the release search saw */
	for (i = 0; i < d->ntested && !ret; i++) {
		struct tested *t = &d->tested[i];
		int64_t s = cp_bayes_slot_of(d->bayes, &t->id);

		if (s < 0)
			continue;
		t->cap = t->nruns;
		ret = cp_bayes_add_build(d->bayes, (uint32_t)s, t->built, NULL, d->err);
		for (k = 0; k < t->nruns && !ret && t->built; k++)
			if (t->outcomes[k])
				ret = cp_bayes_add_run(d->bayes, (uint32_t)s,
						       evidence_of(d, t->outcomes[k]), 1, d->err);
	}
	d->in_worktree = d->ntested ? (int64_t)d->ntested - 1 : -1;
	if (!ret)
		ret = cp_bayes_drive(d->bayes, &ops, &last, d->err);
	if (!ret)
		ret = cp_bayes_summarize(d->bayes, &sum, d->err);
	if (!ret)
		ret = bayes_report(d, &sum, &last);
	if (ret)
		goto out;
	if (sum.best >= 0 && last.reason == CP_BAYES_CONFIDENT) {
		const struct cp_oid *c = cp_bayes_slot_oid(d->bayes, (uint32_t)sum.best);
		char tot[64], b[64], t[64];

		ret = write_result(d, "found", c, NULL, 0);
		cp_oid_to_hex(c, hex);
		if (!ret && cp_commit_info_load(d->repo, c, 0, &info, d->err) == 0) {
			format_duration(d->build_s + d->test_s, tot, sizeof(tot));
			format_duration(d->build_s, b, sizeof(b));
			format_duration(d->test_s, t, sizeof(t));
			logf_(d, "revisions tested: %zu, total time: %s (build: %s, test: %s)\n",
			      d->ntested, tot, b, t);
			logf_(d, "first bad commit: %s %s\n", hex, info->subject);
			if (d->target)
				logf_(d, "crash: %s\n", d->target);
			cp_commit_info_free(info);
		}
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
					   "the crash seems older than the good commits (not in range: %.3f)" :
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
	struct driver d = { .job = job, .stop = stop, .err = err };
	struct cp_oid start, *goods = NULL;
	char path[4200], hex[CP_OID_HEXSZ + 1];
	json_t *header = NULL;
	enum verdict v;
	size_t ngoods = 0, i;
	int ret;

	ret = cp_job_validate(job, err);
	if (ret)
		return ret;
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
		if (!ret && v != V_CLEAN) {
			cp_oid_to_hex(&goods[0], hex);
			ret = cp_error_set(err, CP_ERR_NO_REPRO,
					   v == V_TARGET ? "the crash still reproduces on %s: nothing fixed it" :
					   "%s cannot be tested (build or runs failed)", hex);
		}
	} else if (!ngoods) {
		struct cp_oid g;

		ret = find_release(&d, &start, &g);
		if (!ret)
			ret = push_oid(&goods, &ngoods, &g, err);
	}
	if (!ret && job->policy && !strcmp(job->policy, "culprit") && !job->fix)
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
