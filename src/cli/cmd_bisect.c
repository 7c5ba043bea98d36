/*
 * culprit bisect: find the commit that introduced (or, with --fix, fixed) a
 * crash, building and testing commits; see docs/job.md.
 */
#include "kernel/kernel.h"
#include "cli/cli.h"
#include "run/exec.h"
#include "util/fs.h"
#include "driver/driver.h"
#include "exec/exec.h"
#include "output/output.h"
#include "util/error.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	cp_driver_interrupt();
}

static void bisect_usage(FILE *out)
{
	fprintf(out,
		"usage: culprit bisect --repo DIR --bad REV [--good REV]... --build CMD --test CMD\n"
		"                      [--runs N] [--jobs N] [--crash TITLE] [--fix] [--any-crash]\n"
		"                      [--policy culprit|git] [--confidence P] [--artifact PATH]...\n"
		"                      [--max-runs N] [--max-builds N]\n"
		"                      [--first-parent] [--out DIR] [--build-timeout S] [--run-timeout S]\n"
		"                      [--output-max BYTES] [--compiler CC]\n"
		"                      [--cache DIR] [--executor local|slurm]\n"
		"       culprit bisect --job FILE [options overriding the file]\n"
		"       culprit bisect --resume DIR\n"
		"       (any of them with --store FILE|URL: the results store kept current)\n"
		"\n"
		"Builds and tests commits in a worktree of its own until it finds the first\n"
		"commit where the crash appears (or, with --fix, the first where it is gone).\n"
		"Without --good, release tags vX.Y[.Z] are tested newest first until one is\n"
		"clean.  Output directory (default ./culprit-out): log, result.json, journal.\n"
		"\n"
		"--policy culprit (the default): a Bayesian search; each run is evidence\n"
		"  (the crash bisected, clean, or another crash), runs and builds are chosen\n"
		"  by information per second, and it stops when one commit reaches the\n"
		"  --confidence target (default 0.995) and is verified.  --runs is the runs\n"
		"  on the start commit (and, with --fix, per piece of evidence).  When the\n"
		"  --max-runs or --max-builds budget is spent (or nothing left to test can\n"
		"  help) below the target, the result is \"uncertain\" (exit 16): the\n"
		"  candidates and their posteriors, no culprit.\n"
		"--policy git: git bisect's choices, --runs runs on every commit.\n"
		"--artifact PATH: a build output (path or glob relative to the worktree,\n"
		"  repeatable) hashed into the build signature; commits with equal\n"
		"  signatures share their evidence.\n"
		"--output-max BYTES: a build or run log is cut to its head and tail at\n"
		"  this size (default 64M; K, M, G suffixes; 0: no limit).\n"
		"--cache DIR: the shared build cache (docs/farm.md): a build of a tree\n"
		"  already built with the same command, compiler and --artifact list is\n"
		"  fetched, not rebuilt.  Needs --artifact.\n"
		"--executor NAME: where builds and runs execute: local (the default) or\n"
		"  slurm (one Slurm job each; job file \"executor\" for partition etc.).\n");
}

static int set_str(char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return CP_ERR_NOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static int parse_uint(const char *v, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long x;

	if (!*v || *v == '-')
		return -1;
	x = strtoul(v, &end, 10);
	if (*end || x > max)
		return -1;
	*out = x;
	return 0;
}

/*
 * kernel.minimize ({"baseline": "tinyconfig"|"defconfig"|PATH, "max_tests":
 * N}): culprit kconfig-minimize runs first (its output in
 * <out>/minimize/log, its journal there: a rerun continues it), and the
 * bisection builds with the minimized config.
 */
static int minimize_first(json_t *obj, const char *path, struct cp_error *err)
{
	json_t *k = json_object_get(obj, "kernel"), *mz = json_object_get(k, "minimize");
	const char *out = json_string_value(json_object_get(obj, "out"));
	const char *baseline = json_string_value(json_object_get(mz, "baseline"));
	json_t *mt = json_object_get(mz, "max_tests");
	char dir[4096], log[4200], cfg[4200], maxs[32], *self = NULL;
	const char *argv[12];
	struct cp_run_spec spec = { 0 };
	struct cp_run_result res = { 0 };
	size_t n = 0;
	int ret;

	if (!mz)
		return 0;
	if (!json_is_object(mz) || (json_object_get(mz, "baseline") && !baseline) ||
	    (mt && (!json_is_integer(mt) || json_integer_value(mt) < 1 || json_integer_value(mt) > 1000)))
		return cp_error_set(err, CP_ERR_JOB,
				    "kernel.minimize: must be {\"baseline\": \"tinyconfig\"|\"defconfig\"|PATH, \"max_tests\": 1..1000}");
	if (!out)
		return cp_error_set(err, CP_ERR_JOB, "kernel.minimize needs the job's 'out'");
	snprintf(dir, sizeof(dir), "%s/minimize", out);
	snprintf(log, sizeof(log), "%s/log", dir);
	snprintf(cfg, sizeof(cfg), "%s/minimized.config", dir);
	ret = cp_mkdir_p(dir, err);
	if (!ret)
		ret = cp_kernel_self_path(&self, err);
	if (ret)
		return ret;
	argv[n++] = self;
	argv[n++] = "kconfig-minimize";
	argv[n++] = "--job";
	argv[n++] = path;
	argv[n++] = "--out";
	argv[n++] = dir;
	if (baseline) {
		argv[n++] = "--baseline";
		argv[n++] = baseline;
	}
	if (mt) {
		snprintf(maxs, sizeof(maxs), "%lld", (long long)json_integer_value(mt));
		argv[n++] = "--max-tests";
		argv[n++] = maxs;
	}
	argv[n] = NULL;
	spec.argv = argv;
	spec.stdout_path = log;
	spec.stderr_path = log;
	spec.timeout_ms = (uint64_t)48 * 3600 * 1000;	/* each of its builds and runs has its own */
	printf("minimizing the kernel config first (culprit kconfig-minimize, log in %s)\n", log);
	fflush(stdout);
	ret = cp_run_one(&spec, &res, err);
	free(self);
	if (ret)
		return ret;
	if (res.status.exit_code != 0 || access(cfg, R_OK)) {
		cp_run_result_dispose(&res);
		return cp_error_set(err, CP_ERR_JOB, "kernel.minimize: culprit kconfig-minimize failed (see %s)",
				    log);
	}
	cp_run_result_dispose(&res);
	printf("kernel config minimized: %s\n", cfg);
	if (json_object_set_new(k, "config", json_string(cfg)) || json_object_del(k, "minimize"))
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	return 0;
}

/*
 * A job file, with its kernel sections ("kernel", "vm", "repro") turned
 * into the build and test commands of the kernel flow (docs/kernel.md).
 */
static int load_job_file(const char *path, struct cp_job *job, struct cp_error *err)
{
	json_error_t jerr;
	json_t *obj = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	char *copy = strdup(path);
	int ret;

	if (!copy) {
		json_decref(obj);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	if (!obj) {
		free(copy);
		return cp_error_set(err, CP_ERR_JOB, "%s:%d: %s", path, jerr.line, jerr.text);
	}
	ret = minimize_first(obj, path, err);
	if (!ret)
		ret = cp_kernel_job_rewrite(obj, dirname(copy), err);
	if (!ret)
		ret = cp_job_from_json(obj, job, err);
	if (ret)
		cp_error_prefix(err, "%s", path);
	json_decref(obj);
	free(copy);
	return ret;
}

int cmd_bisect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "bad", required_argument, NULL, 'b' },
		{ "good", required_argument, NULL, 'g' },
		{ "build", required_argument, NULL, 'B' },
		{ "test", required_argument, NULL, 'T' },
		{ "runs", required_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "crash", required_argument, NULL, 'c' },
		{ "fix", no_argument, NULL, 'F' },
		{ "any-crash", no_argument, NULL, 'A' },
		{ "policy", required_argument, NULL, 'p' },
		{ "confidence", required_argument, NULL, 'K' },
		{ "max-runs", required_argument, NULL, 'M' },
		{ "max-builds", required_argument, NULL, 'N' },
		{ "first-parent", no_argument, NULL, 'P' },
		{ "out", required_argument, NULL, 'o' },
		{ "build-timeout", required_argument, NULL, 'x' },
		{ "run-timeout", required_argument, NULL, 'y' },
		{ "compiler", required_argument, NULL, 'C' },
		{ "artifact", required_argument, NULL, 'a' },
		{ "output-max", required_argument, NULL, 'm' },
		{ "job", required_argument, NULL, 'J' },
		{ "resume", required_argument, NULL, 'R' },
		{ "store", required_argument, NULL, 'S' },
		{ "cache", required_argument, NULL, 'Z' },
		{ "executor", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cp_job job;
	struct cp_error err;
	struct sigaction sa;
	const char *resume = NULL, *jobfile = NULL, *store = NULL;
	unsigned long u;
	int c, ret = 0, i;

	cp_job_init(&job);
	cp_error_clear(&err);
	/* the job file first, so that flags override it */
	for (i = 1; i < argc - 1; i++)
		if (!strcmp(argv[i], "--job"))
			jobfile = argv[i + 1];
	if (jobfile) {
		ret = load_job_file(jobfile, &job, &err);
		if (ret)
			goto out;
	}
	optind = 1;
	opterr = 0;
	while (!ret && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': ret = set_str(&job.repo, optarg); break;
		case 'b': ret = set_str(&job.bad, optarg); break;
		case 'g': {
			char **p = realloc(job.goods, (job.ngoods + 1) * sizeof(*p));

			if (!p || !(p[job.ngoods] = strdup(optarg))) {
				if (p)
					job.goods = p;
				ret = CP_ERR_NOMEM;
				break;
			}
			job.goods = p;
			job.ngoods++;
			break;
		}
		case 'B': ret = set_str(&job.build_cmd, optarg); break;
		case 'T': ret = set_str(&job.test_cmd, optarg); break;
		case 'c': ret = set_str(&job.crash, optarg); break;
		case 'o': ret = set_str(&job.out, optarg); break;
		case 'C': ret = set_str(&job.compiler, optarg); break;
		case 'F': job.fix = 1; break;
		case 'A': job.any_crash = 1; break;
		case 'p': ret = set_str(&job.policy, optarg); break;
		case 'K': {
			char *end;

			job.confidence = strtod(optarg, &end);
			if (*end || !(job.confidence > 0 && job.confidence < 1))
				ret = cp_error_set(&err, CP_ERR_USAGE, "--confidence must be between 0 and 1");
			break;
		}
		case 'a':
			ret = cp_job_push_string(&job.artifacts, &job.nartifacts, optarg, &err);
			break;
		case 'm': {
			char *end;
			unsigned long long x;

			errno = 0;
			x = strtoull(optarg, &end, 10);
			if (end != optarg && *end && !end[1] && strchr("KkMmGg", *end)) {
				unsigned shift = strchr("Kk", *end) ? 10 : strchr("Mm", *end) ? 20 : 30;

				x = x > (1ull << 40) >> shift ? (1ull << 41) : x << shift;
				end++;
			}
			if (end == optarg || *end || errno || optarg[0] == '-' || x > (1ull << 40)) {
				ret = cp_error_set(&err, CP_ERR_USAGE,
						   "bad size '%s' for --output-max (bytes, or with K, M, G)",
						   optarg);
				break;
			}
			job.output_max = x;
			break;
		}
		case 'P': job.first_parent = 1; break;
		case 'J': break;
		case 'R': resume = optarg; break;
		case 'S': store = optarg; break;
		case 'Z': ret = set_str(&job.cache, optarg); break;
		case 'E':
			json_decref(job.executor);
			job.executor = json_string(optarg);
			ret = job.executor ? cp_exec_check_config(job.executor, &err) : CP_ERR_NOMEM;
			if (ret && ret != CP_ERR_NOMEM) {
				char msg[sizeof(err.msg)];

				snprintf(msg, sizeof(msg), "%s", err.msg);
				ret = cp_error_set(&err, CP_ERR_USAGE, "--executor: %s", msg);
			}
			break;
		case 'M': case 'N':
			if (parse_uint(optarg, c == 'M' ? 1000000 : 100000, &u) || u == 0) {
				ret = cp_error_set(&err, CP_ERR_USAGE, "bad number '%s' for --%s", optarg,
						   c == 'M' ? "max-runs" : "max-builds");
				break;
			}
			if (c == 'M') job.max_runs = (unsigned)u;
			else job.max_builds = (unsigned)u;
			break;
		case 'n': case 'j': case 'x': case 'y':
			if (parse_uint(optarg, c == 'n' ? 10000 : c == 'j' ? 256 : 604800, &u) ||
			    u == 0) {
				cp_error_set(&err, CP_ERR_USAGE, "bad number '%s' for --%s", optarg,
					     c == 'n' ? "runs" : c == 'j' ? "jobs" :
					     c == 'x' ? "build-timeout" : "run-timeout");
				ret = CP_ERR_USAGE;
				break;
			}
			if (c == 'n') job.runs = (unsigned)u;
			else if (c == 'j') job.jobs = (unsigned)u;
			else if (c == 'x') job.build_timeout = u;
			else job.run_timeout = u;
			break;
		case 'h':
			bisect_usage(stdout);
			cp_job_free(&job);
			return 0;
		default:
			cp_error_set(&err, CP_ERR_USAGE, "bisect: unknown or incomplete option '%s'",
				     argv[optind - 1]);
			ret = CP_ERR_USAGE;
		}
	}
	if (ret == CP_ERR_NOMEM)
		cp_error_set(&err, ret, "out of memory");
	if (ret)
		goto out;
	if (optind < argc) {
		ret = cp_error_set(&err, CP_ERR_USAGE, "bisect: unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (resume) {
		/* the job comes from the journal's header */
		char path[4096];
		struct cp_job saved;

		snprintf(path, sizeof(path), "%s/journal.jsonl", resume);
		cp_job_init(&saved);
		{
			FILE *f = fopen(path, "r");
			char *line = NULL;
			size_t cap = 0;
			json_error_t jerr;
			json_t *head = NULL;

			if (!f) {
				ret = cp_error_set(&err, CP_ERR_IO, "no bisection to resume in %s", resume);
				goto out;
			}
			if (getline(&line, &cap, f) > 0)
				head = json_loads(line, 0, &jerr);
			free(line);
			fclose(f);
			ret = head ? cp_job_from_json(json_object_get(head, "header"), &saved, &err) :
				cp_error_set(&err, CP_ERR_INPUT, "%s: not a culprit journal", path);
			json_decref(head);
			if (ret) {
				cp_job_free(&saved);
				goto out;
			}
		}
		cp_job_free(&job);
		job = saved;
		ret = set_str(&job.out, resume);
		if (ret)
			goto out;
	}
	if (!job.out && (ret = set_str(&job.out, "culprit-out")))
		goto out;
	if (store && (ret = set_str(&job.store, store)))
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = cp_driver_run(&job, resume != NULL, &stop_requested, &err);
	if (ret == 0 || ret == CP_ERR_RANGE || ret == CP_ERR_UNCERTAIN) {
		/* report.txt and index.html, from result.json */
		struct cp_error oerr;

		cp_error_clear(&oerr);
		if (cp_output_write_auto(job.out, NULL, &oerr))
			fprintf(stderr, "culprit: warning: %s\n", oerr.msg);
	}
out:
	cp_job_free(&job);
	if (ret) {
		if (ret == CP_ERR_USAGE)
			bisect_usage(stderr);
		return cli_fail(ret, err.msg[0] ? err.msg : cp_status_name(ret));
	}
	return 0;
}
