/*
 * A bisection job: what to bisect and how to build and test it, from a job
 * file (JSON, docs/job.md) or command-line flags.  The job is written into
 * the journal's header so that `culprit bisect --resume DIR` needs nothing
 * else.
 */
#ifndef CULPRIT_DRIVER_JOB_H
#define CULPRIT_DRIVER_JOB_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct cp_job {
	char *repo;		/* repository path */
	char *bad;		/* where the crash is seen (the start commit) */
	char **goods;		/* known clean commits (cause); the fixed end (fix) */
	size_t ngoods;
	char *build_cmd;	/* shell command run in the worktree */
	char *test_cmd;		/* shell command: one run of the reproducer */
	/*
	 * Shell command run once on each built commit before the reproducer
	 * (the boot test: docs/kernel.md), or NULL.  A kernel job gets
	 * culprit vm-run --boot.  With crash "boot failed[: TITLE]" it is the
	 * reproducer itself (a boot-failure bisection).
	 */
	char *boot_cmd;
	char *crash;		/* title of the crash to look for; NULL: seen on bad */
	char *out;		/* output directory */
	char *compiler;		/* compiler whose --version is logged ("cc") */
	/*
	 * The kernel's compiler policy, a JSON array of {"min", "max", "cc"}
	 * rows by kernel version (docs/kernel.md): when set, the compiler
	 * logged for a commit is the one its kernel version picks.
	 */
	json_t *compilers;
	/*
	 * Kconfig options ("CONFIG_X") a tree must know for the job's config
	 * to hold: release tags without them are skipped (a kernel job: the
	 * must_hold options that are set).
	 */
	char **kconfig_needs;
	size_t nkconfig_needs;
	unsigned runs;		/* runs per tested commit */
	unsigned jobs;		/* runs at once */
	uint64_t build_timeout;	/* seconds */
	uint64_t run_timeout;	/* seconds */
	int fix;		/* find the fix instead of the cause */
	int first_parent;
	int any_crash;		/* any crash counts as the target */
	/*
	 * "culprit" (the Bayesian engine) or "git"; NULL: the default,
	 * "culprit" for a new bisection (cp_driver_run() fills it in).
	 */
	char *policy;
	double confidence;	/* culprit policy: stop at this posterior (0: 0.995) */
	/* culprit policy: the budget (0: 100 * runs + 1000 runs, no build limit) */
	unsigned max_runs, max_builds;
	/*
	 * Build artifacts (paths or globs relative to the worktree) hashed
	 * into the build signature after a successful build.
	 */
	char **artifacts;
	size_t nartifacts;
	/* Bytes of a build or run log kept on disk (head and tail); 0: no limit. */
	uint64_t output_max;
	/*
	 * The results store kept current while it runs (src/store), or NULL.
	 * Not part of the job's JSON: where results go is the runner's choice.
	 */
	char *store;
	/*
	 * Where commands run: NULL (local), or the "executor" value of the
	 * job file, checked by src/exec ("local", {"type": "slurm", ...}).
	 */
	json_t *executor;
	/* The shared build cache directory (src/cache), or NULL. */
	char *cache;
	uint64_t cache_max;	/* its size limit in bytes; 0: the default */
	/* "cache_prefer": false: the git policy tests git's own choice only */
	int cache_exact;
};

#define CP_JOB_OUTPUT_MAX_DEFAULT (64ull << 20)

/* Appends a copy of s to (*list, *n). */
int cp_job_push_string(char ***list, size_t *n, const char *s, struct cp_error *err);

void cp_job_init(struct cp_job *job);
void cp_job_free(struct cp_job *job);
/* Fills job from a JSON object; unknown fields and wrong types are errors. */
int cp_job_from_json(json_t *obj, struct cp_job *job, struct cp_error *err);
int cp_job_load_file(const char *path, struct cp_job *job, struct cp_error *err);
json_t *cp_job_to_json(const struct cp_job *job);
/* Checks required fields and ranges; CP_ERR_JOB naming the field. */
int cp_job_validate(const struct cp_job *job, struct cp_error *err);

#endif
