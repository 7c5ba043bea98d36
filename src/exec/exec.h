/*
 * Executors: where a build or a test run executes.  One ops table per
 * backend (local.c: culprit's own process pool, src/run; slurm.c: one Slurm
 * job per command), one file per backend, chosen by name from the job's
 * "executor" object or --executor.  The driver only talks to struct
 * cp_exec, so it never knows whether a command ran here or on a node.
 *
 * The calls mirror src/run's pool (run/exec.h): start up to slots()
 * commands, wait for the next to finish, cancel from a signal handler.
 * Results are struct cp_run_result; an executor that lost a command for
 * reasons of its own (a node died, the job was preempted) reports it as a
 * runner failure (status.failure), which classifies as an infra problem.
 */
#ifndef CULPRIT_EXEC_EXEC_H
#define CULPRIT_EXEC_EXEC_H

#include <jansson.h>
#include <stdbool.h>

#include "run/exec.h"
#include "util/error.h"

struct cp_exec;

struct cp_exec_ops {
	const char *name;
	/*
	 * config: the job's "executor" object (may be NULL); jobs >= 1; owner:
	 * the output directory, the same when a bisection resumes, so that an
	 * executor can find what an earlier, killed culprit left running.
	 */
	int (*open)(struct cp_exec *ex, json_t *config, unsigned jobs, const char *owner,
		    struct cp_error *err);
	void (*close)(struct cp_exec *ex);
	int (*start)(struct cp_exec *ex, const struct cp_run_spec *spec, int *id,
		     struct cp_error *err);
	int (*wait)(struct cp_exec *ex, struct cp_run_result *res, struct cp_error *err);
	unsigned (*running)(const struct cp_exec *ex);
	/* async-signal-safe */
	void (*cancel)(struct cp_exec *ex);
	bool (*cancelled)(const struct cp_exec *ex);
};

struct cp_exec {
	const struct cp_exec_ops *ops;
	void *impl;
	char note[256];		/* what open() did that the log should say, or "" */
};

/* The backend called name, or NULL. */
const struct cp_exec_ops *cp_exec_find(const char *name);
/* The names, for messages ("local, slurm"). */
const char *cp_exec_names(void);

/*
 * Checks an "executor" value of a job file: a string naming the type or an
 * object {"type": NAME, ...}; CP_ERR_JOB naming what is wrong.
 */
int cp_exec_check_config(json_t *config, struct cp_error *err);

/* Opens the executor config names (NULL: local) with jobs slots for owner. */
int cp_exec_open(struct cp_exec **out, json_t *config, unsigned jobs, const char *owner,
		 struct cp_error *err);
/* Kills whatever still runs and frees; NULL is ok. */
void cp_exec_close(struct cp_exec *ex);

static inline int cp_exec_start(struct cp_exec *ex, const struct cp_run_spec *spec, int *id,
				struct cp_error *err)
{
	return ex->ops->start(ex, spec, id, err);
}

static inline int cp_exec_wait(struct cp_exec *ex, struct cp_run_result *res,
			       struct cp_error *err)
{
	return ex->ops->wait(ex, res, err);
}

static inline unsigned cp_exec_running(const struct cp_exec *ex)
{
	return ex->ops->running(ex);
}

static inline void cp_exec_cancel(struct cp_exec *ex)
{
	ex->ops->cancel(ex);
}

static inline bool cp_exec_cancelled(const struct cp_exec *ex)
{
	return ex->ops->cancelled(ex);
}

extern const struct cp_exec_ops cp_exec_local;
extern const struct cp_exec_ops cp_exec_slurm;

#endif
