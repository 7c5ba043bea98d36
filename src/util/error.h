/*
 * Status codes and error messages shared by every part of culprit.
 *
 * A fallible function returns 0 on success or a negative enum cp_status, and
 * fills a caller-owned struct cp_error with a one-line message naming the
 * problem.  Nothing below main() exits or aborts: the CLI turns the status
 * into a documented exit code (docs/exit-codes.md) with cp_exit_code().
 */
#ifndef CULPRIT_UTIL_ERROR_H
#define CULPRIT_UTIL_ERROR_H

#include <stddef.h>

enum cp_status {
	CP_OK = 0,
	CP_ERR_INTERNAL = -1,	/* a bug or an unexpected library failure */
	CP_ERR_NOMEM = -2,	/* an allocation failed */
	CP_ERR_USAGE = -3,	/* bad command line or option value */
	CP_ERR_NOT_REPO = -4,	/* the path is not a git repository */
	CP_ERR_BAD_REV = -5,	/* a revision does not resolve */
	CP_ERR_NOT_COMMIT = -6,	/* a revision names a tree, blob or tag of one */
	CP_ERR_RANGE = -7,	/* bad == good, empty range, ... */
	CP_ERR_REPO_CORRUPT = -8, /* missing or corrupt objects, shallow history */
	CP_ERR_MERGE_BASE_BAD = -9, /* a merge base of bad and good is bad */
	CP_ERR_IO = -10,	/* reading or writing a file failed */
	CP_ERR_JOB = -11,	/* a job file or scenario is invalid */
	CP_ERR_CHILD = -12,	/* a child process could not be run */
	CP_ERR_NO_REPRO = -13,	/* the crash does not reproduce where it must */
	CP_ERR_LOCKED = -14,	/* another culprit holds the output directory */
	CP_ERR_INTERRUPTED = -15, /* stopped by SIGINT/SIGTERM, resumable */
	CP_ERR_INPUT = -16,	/* an input file is malformed */
	CP_ERR_UNCERTAIN = -17,	/* a bisection ended below its confidence target: candidates, no culprit */
	CP_ERR_STORE = -18,	/* the results store is corrupt, newer than culprit, or unreachable */
	CP_ERR_FARM = -19,	/* some bisections of a farm did not finish */
	CP_ERR_EXECUTOR = -20,	/* the executor cannot run commands (Slurm unreachable, bad partition) */
};

/* Invariant: msg is always NUL-terminated; empty when no error was set. */
struct cp_error {
	int code;
	char msg[1024];
};

void cp_error_clear(struct cp_error *err);

/*
 * Sets err (when non-NULL) to code and a printf-style message, and returns
 * code so callers can write `return cp_error_set(err, CP_ERR_IO, ...);`.
 * Control characters in the message are replaced so it stays on one line.
 */
int cp_error_set(struct cp_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes an existing message: "what: <old message>". Returns err->code. */
int cp_error_prefix(struct cp_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The process exit status documented for a status code. */
int cp_exit_code(int status);

/* A short name for a status code, for JSON and logs. */
const char *cp_status_name(int status);

#endif
