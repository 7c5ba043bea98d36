/*
 * culprit kconfig-minimize --job FILE [--baseline tinyconfig|defconfig|PATH]
 *                          [--out DIR] [--max-tests N] [--runs N]
 *
 * Config minimization (issue 16, syzkaller's minimizeConfig): the job's
 * kernel.config (e.g. a syzbot config) against a baseline; the options it
 * sets beyond the baseline are cut down by delta debugging
 * (cp_kconfig_minimize) with a predicate that builds the bad commit with
 * baseline + kept options (culprit kernel-build: `make olddefconfig`, so
 * Kconfig's dependencies are the kernel's own) and runs the reproducer
 * (culprit vm-run, --runs times, a crash with the full config's title
 * counts).  Writes DIR/minimized.config (the tested .config of the result)
 * and DIR/minimize.json; each test is journaled in DIR/minimize.jsonl and a
 * rerun takes the answers found there.  Then bisect with
 * kernel.config = DIR/minimized.config.
 */
#include "cli/cli.h"
#include "kernel/kernel.h"
#include "report/report.h"
#include "run/exec.h"
#include "util/fs.h"
#include "vcs/vcs.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct mini {
	const char *out;	/* DIR */
	const char *self;
	const char *wt;		/* the worktree at the bad commit */
	json_t *spec;		/* {"kernel", "vm", "repro"} */
	json_t *journal;	/* the answers so far: {hash: {"repro": b, "dir": s}} */
	FILE *jf;
	struct cp_kconfig base, full;
	unsigned runs;
	uint64_t build_timeout, run_timeout;
	char *target;		/* the full config's crash title */
	unsigned ntry;
};

/* A name for a kept set: SHA-256 of its names (in the full config's order, which every set keeps). */
static void set_hash(char *const *keep, size_t n, char out[17])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdn = 0, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t k;

	snprintf(out, 17, "0000000000000000");
	if (!ctx)
		return;
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (k = 0; k < n; k++)
		EVP_DigestUpdate(ctx, keep[k], strlen(keep[k]) + 1);
	EVP_DigestFinal_ex(ctx, md, &mdn);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Runs argv with CULPRIT_* set for dir; its output to log; the exit status. */
static int child(struct mini *m, const char *const *argv, const char *dir, int run,
		 const char *log, uint64_t timeout_s, int *status, struct cp_error *err)
{
	char e1[PATH_MAX + 32], e2[PATH_MAX + 32], e3[64];
	const char *env[] = { e1, e2, e3, NULL };
	struct cp_run_spec spec = { 0 };
	struct cp_run_result res = { 0 };
	int ret;

	snprintf(e1, sizeof(e1), "CULPRIT_WORKTREE=%s", m->wt);
	snprintf(e2, sizeof(e2), "CULPRIT_ARTIFACTS=%s", dir);
	snprintf(e3, sizeof(e3), "CULPRIT_RUN=%d", run);
	spec.argv = argv;
	spec.env = env;
	spec.cwd = m->wt;
	spec.stdout_path = log;
	spec.stderr_path = log;
	spec.timeout_ms = timeout_s * 1000;
	ret = cp_run_one(&spec, &res, err);
	if (ret)
		return ret;
	*status = res.status.timed_out ? 124 : res.status.exit_code;
	cp_run_result_dispose(&res);
	return 0;
}

/* The predicate: build the bad commit with base + keep, run the reproducer. */
static int try_config(char *const *keep, size_t n, void *arg, int *repro, struct cp_error *err)
{
	struct mini *m = arg;
	char hash[17], dir[PATH_MAX], path[PATH_MAX + 32], *text = NULL, *json = NULL;
	json_t *prev, *spec = NULL;
	unsigned r;
	int ret, st = 0;

	*repro = 0;
	set_hash(keep, n, hash);
	prev = json_object_get(m->journal, hash);
	if (prev) {
		*repro = json_is_true(json_object_get(prev, "repro"));
		printf("try: %zu options: %s (journaled)\n", n, *repro ? "reproduces" : "does not reproduce");
		return 0;
	}
	m->ntry++;
	if (snprintf(dir, sizeof(dir), "%s/tries/%s", m->out, hash) >= (int)sizeof(dir))
		return cp_error_set(err, CP_ERR_IO, "path too long: %s", m->out);
	ret = cp_mkdir_p(dir, err);
	if (!ret)
		ret = cp_kconfig_compose(&m->base, &m->full, keep, n, &text, err);
	snprintf(path, sizeof(path), "%s/input.config", dir);
	if (!ret)
		ret = cp_write_file(path, text, err);
	free(text);
	if (ret)
		return ret;
	spec = json_deep_copy(m->spec);
	if (!spec || json_object_set_new(json_object_get(spec, "kernel"), "config", json_string(path)) ||
	    !(json = json_dumps(spec, JSON_COMPACT | JSON_SORT_KEYS))) {
		json_decref(spec);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	json_decref(spec);
	{
		const char *argv[] = { m->self, "kernel-build", "--spec", json, NULL };

		snprintf(path, sizeof(path), "%s/build.log", dir);
		ret = child(m, argv, dir, 0, path, m->build_timeout, &st, err);
	}
	if (!ret && st != 0) {
		printf("try #%u: %zu options: the build failed (see %s): does not reproduce\n", m->ntry, n,
		       path);
	}
	for (r = 0; !ret && st == 0 && r < m->runs && !*repro; r++) {
		const char *argv[] = { m->self, "vm-run", "--spec", json, NULL };
		char out[1200] = "";
		FILE *f;
		int vst = 0;

		snprintf(path, sizeof(path), "%s/run-%u.log", dir, r);
		ret = child(m, argv, dir, (int)r, path, m->run_timeout, &vst, err);
		snprintf(path, sizeof(path), "%s/outcome-%u", dir, r);
		f = ret ? NULL : fopen(path, "r");
		if (f) {
			if (fgets(out, sizeof(out), f))
				out[strcspn(out, "\r\n")] = '\0';
			fclose(f);
		}
		if (!ret && !strncmp(out, "crashed: ", 9)) {
			if (!m->target) {
				m->target = strdup(out + 9);
				if (!m->target)
					ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			}
			*repro = m->target && cp_report_same_title(out + 9, m->target);
		}
		if (!ret)
			printf("try #%u: %zu options: run #%u: %s\n", m->ntry, n, r, out[0] ? out : "no outcome");
	}
	free(json);
	if (ret)
		return ret;
	if (st == 0)
		printf("try #%u: %zu options: %s\n", m->ntry, n, *repro ? "reproduces" : "does not reproduce");
	json_object_set_new(m->journal, hash, json_pack("{s:b, s:s}", "repro", *repro, "dir", dir));
	if (m->jf) {
		fprintf(m->jf, "{\"set\": \"%s\", \"n\": %zu, \"repro\": %s}\n", hash, n,
			*repro ? "true" : "false");
		fflush(m->jf);
	}
	return 0;
}

static int load_journal(struct mini *m, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		json_t *j = json_loads(line, 0, NULL);
		const char *h = json_string_value(json_object_get(j, "set"));
		char dir[PATH_MAX];

		if (h && strlen(h) == 16) {
			snprintf(dir, sizeof(dir), "%s/tries/%s", m->out, h);
			json_object_set_new(m->journal, h, json_pack("{s:O, s:s}", "repro",
				json_object_get(j, "repro"), "dir", dir));
		}
		json_decref(j);
	}
	fclose(f);
	return 0;
}

/* The baseline's options: make tinyconfig / defconfig in the worktree, or a file. */
static int baseline(struct mini *m, const char *name, struct cp_error *err)
{
	char path[PATH_MAX + 64], o_arg[PATH_MAX + 8], *text = NULL;
	int ret, st = 0;

	if (!strcmp(name, "tinyconfig") || !strcmp(name, "defconfig")) {
		const char *argv[] = { "make", "-C", m->wt, o_arg, name, NULL };

		snprintf(path, sizeof(path), "%s/scripts/kconfig", m->wt);
		if (access(path, F_OK))
			return cp_error_set(err, CP_ERR_INPUT,
					    "%s has no scripts/kconfig: cannot make a %s baseline (give --baseline FILE)",
					    m->wt, name);
		snprintf(o_arg, sizeof(o_arg), "O=%s/baseline-build", m->out);
		snprintf(path, sizeof(path), "%s/baseline.log", m->out);
		ret = child(m, argv, m->out, 0, path, 1200, &st, err);
		if (ret)
			return ret;
		if (st)
			return cp_error_set(err, CP_ERR_INPUT, "make %s failed (see %s)", name, path);
		snprintf(path, sizeof(path), "%s/baseline-build/.config", m->out);
	} else {
		snprintf(path, sizeof(path), "%s", name);
	}
	ret = cp_read_file(path, &text, NULL, err);
	if (!ret)
		ret = cp_kconfig_parse(text, &m->base, err);
	free(text);
	if (!ret && !m->base.n)
		ret = cp_error_set(err, CP_ERR_INPUT, "baseline %s: not a kernel config (no CONFIG_ option)",
				   name);
	return ret;
}

static const char usage[] =
	"usage: culprit kconfig-minimize --job FILE [--baseline tinyconfig|defconfig|PATH]\n"
	"                                [--out DIR] [--max-tests N] [--runs N]\n"
	"Cuts the job's kernel.config down to the options beyond the baseline that the\n"
	"crash needs on the bad commit; writes DIR/minimized.config (default DIR: <out>-minimize).\n";

int cmd_kconfig_minimize(int argc, char **argv)
{
	const char *job_path = NULL, *base_name = "tinyconfig", *out = NULL;
	unsigned max_tests = 24, runs = 2, tests = 0;
	struct mini m;
	struct cp_error err;
	struct cp_repo *repo = NULL;
	struct cp_worktree *wt = NULL;
	struct cp_oid bad;
	json_t *job = NULL;
	json_error_t je;
	char **diff = NULL, **kept = NULL, *text = NULL, *self = NULL, *jdir = NULL;
	char path[PATH_MAX + 64], outbuf[PATH_MAX];
	size_t ndiff = 0, nkept = 0, i;
	int k, ret = 0, repro = 0;

	memset(&m, 0, sizeof(m));
	cp_error_clear(&err);
	for (k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "-h") || !strcmp(argv[k], "--help")) {
			printf("%s", usage);
			return 0;
		}
		if (k + 1 >= argc) {
			fprintf(stderr, "%s", usage);
			return cli_fail(CP_ERR_USAGE, "bad arguments");
		}
		if (!strcmp(argv[k], "--job"))
			job_path = argv[++k];
		else if (!strcmp(argv[k], "--baseline"))
			base_name = argv[++k];
		else if (!strcmp(argv[k], "--out"))
			out = argv[++k];
		else if (!strcmp(argv[k], "--max-tests") || !strcmp(argv[k], "--runs")) {
			long v = strtol(argv[k + 1], NULL, 10);

			if (v < 1 || v > 1000)
				return cli_fail(CP_ERR_USAGE, "--max-tests and --runs take 1..1000");
			*(!strcmp(argv[k], "--runs") ? &runs : &max_tests) = (unsigned)v;
			k++;
		} else {
			fprintf(stderr, "%s", usage);
			return cli_fail(CP_ERR_USAGE, "unknown option");
		}
	}
	if (!job_path) {
		fprintf(stderr, "%s", usage);
		return cli_fail(CP_ERR_USAGE, "--job is needed");
	}
	job = json_load_file(job_path, JSON_REJECT_DUPLICATES, &je);
	if (!job)
		return cli_fail(CP_ERR_JOB, je.text);
	jdir = realpath(job_path, NULL);
	if (jdir && strrchr(jdir, '/'))
		*strrchr(jdir, '/') = '\0';
	ret = cp_kernel_job_spec(job, jdir, &m.spec, &err);
	if (!ret && (!json_string_value(json_object_get(job, "repo")) ||
		     !json_string_value(json_object_get(job, "bad"))))
		ret = cp_error_set(&err, CP_ERR_JOB, "the job needs 'repo' and 'bad'");
	if (ret)
		goto out;
	if (!out) {
		snprintf(outbuf, sizeof(outbuf), "%s-minimize",
			 json_string_value(json_object_get(job, "out")) ?: "culprit-out");
		out = outbuf;
	}
	m.out = out;
	m.runs = runs;
	m.build_timeout = json_integer_value(json_object_get(job, "build_timeout")) ?: 3600;
	m.run_timeout = json_integer_value(json_object_get(job, "run_timeout")) ?: 600;
	m.journal = json_object();
	ret = cp_mkdir_p(out, &err);
	if (!ret)
		ret = cp_kernel_self_path(&self, &err);
	if (!ret && !m.journal)
		ret = cp_error_set(&err, CP_ERR_NOMEM, "out of memory");
	if (ret)
		goto out;
	m.self = self;
	/* the worktree at the bad commit; its own build directory */
	{
		json_t *kernel = json_object_get(m.spec, "kernel");

		if (!json_object_get(kernel, "build_dir")) {
			snprintf(path, sizeof(path), "%s/kernel-build", out);
			json_object_set_new(kernel, "build_dir", json_string(path));
		}
		if (!json_object_get(kernel, "cache_dir")) {
			snprintf(path, sizeof(path), "%s/kernel-cache", out);
			json_object_set_new(kernel, "cache_dir", json_string(path));
		}
	}
	ret = cp_repo_open(&repo, json_string_value(json_object_get(job, "repo")), &err);
	if (!ret)
		ret = cp_repo_resolve(repo, json_string_value(json_object_get(job, "bad")), &bad, &err);
	snprintf(path, sizeof(path), "%s/worktree", out);
	if (!ret)
		ret = cp_worktree_open(repo, path, &wt, &err);
	if (!ret)
		ret = cp_worktree_checkout(wt, &bad, &err);
	if (ret)
		goto out;
	m.wt = cp_worktree_path(wt);
	ret = cp_read_file(json_string_value(json_object_get(json_object_get(m.spec, "kernel"), "config")),
			   &text, NULL, &err);
	if (!ret)
		ret = cp_kconfig_parse(text, &m.full, &err);
	free(text);
	text = NULL;
	if (!ret)
		ret = baseline(&m, base_name, &err);
	if (!ret)
		ret = cp_kconfig_diff(&m.full, &m.base, &diff, &ndiff, &err);
	if (ret)
		goto out;
	if (json_string_value(json_object_get(job, "crash")))
		m.target = strdup(json_string_value(json_object_get(job, "crash")));
	printf("config: %zu options, %zu of them set beyond the baseline (%s)\n", m.full.n, ndiff,
	       base_name);
	snprintf(path, sizeof(path), "%s/minimize.jsonl", out);
	load_journal(&m, path);
	m.jf = fopen(path, "a");
	/* the full config must reproduce; its crash is the one kept */
	ret = try_config(diff, ndiff, &m, &repro, &err);
	if (!ret && !repro)
		ret = cp_error_set(&err, CP_ERR_NO_REPRO,
				   "the crash does not reproduce with the full config on the bad commit");
	if (!ret)
		ret = cp_kconfig_minimize(diff, ndiff, try_config, &m, max_tests, &kept, &nkept,
					  &tests, &err);
	if (ret)
		goto out;
	{
		char hash[17], src[PATH_MAX + 32];
		json_t *rec, *kj = json_array(), *res;

		set_hash(kept, nkept, hash);
		rec = json_object_get(m.journal, hash);
		snprintf(src, sizeof(src), "%s/config", json_string_value(json_object_get(rec, "dir")) ?: "");
		ret = cp_read_file(src, &text, NULL, &err);
		if (ret) {
			/* the result was journaled by an earlier culprit: its input */
			cp_error_clear(&err);
			ret = cp_kconfig_compose(&m.base, &m.full, kept, nkept, &text, &err);
		}
		snprintf(path, sizeof(path), "%s/minimized.config", out);
		if (!ret)
			ret = cp_write_file(path, text, &err);
		for (i = 0; kj && i < nkept; i++)
			json_array_append_new(kj, json_string(kept[i]));
		res = json_pack("{s:s, s:i, s:i, s:o, s:i, s:i, s:s?, s:s}", "baseline", base_name,
				"options_beyond_baseline", (int)ndiff, "kept_count", (int)nkept,
				"kept", kj ? kj : json_array(), "tests", (int)tests + 1,
				"builds", (int)m.ntry, "crash", m.target, "config", path);
		snprintf(src, sizeof(src), "%s/minimize.json", out);
		if (!ret && (!res || json_dump_file(res, src, JSON_INDENT(2))))
			ret = cp_error_set(&err, CP_ERR_IO, "cannot write %s", src);
		json_decref(res);
	}
	if (ret)
		goto out;
	printf("minimized to %zu of %zu options beyond the baseline in %u tests (%u built now):", nkept,
	       ndiff, tests + 1, m.ntry);
	for (i = 0; i < nkept; i++)
		printf(" %s", kept[i]);
	printf("\nminimized config: %s\n", path);
out:
	if (m.jf)
		fclose(m.jf);
	cp_worktree_free(wt);
	cp_repo_free(repo);
	cp_kconfig_free(&m.base);
	cp_kconfig_free(&m.full);
	cp_kernel_strv_free(diff);
	cp_kernel_strv_free(kept);
	json_decref(m.spec);
	json_decref(m.journal);
	json_decref(job);
	free(m.target);
	free(self);
	free(jdir);
	free(text);
	return ret ? cli_fail(ret, err.msg) : 0;
}
