/*
 * The process executor: runs build and test commands as children, each in
 * its own process group, with a timeout that kills the whole group, output
 * saved to files plus a bounded in-memory tail, and up to N children at once.
 *
 * It owns the children from start to reaping: nothing it starts is left
 * running or unreaped once cp_run_wait() returned its result or
 * cp_run_pool_free() returned.  It knows nothing about git, builds or crash
 * formats; cp_run_classify() turns a finished run plus a crash title found by
 * the caller (src/report) into the line the log prints.
 *
 * The caller's steps:
 *
 *   1. cp_run_pool_new(&pool, jobs, &err)
 *   2. fill a struct cp_run_spec (argv, or a shell string; cwd, extra env,
 *      output paths, timeout) and cp_run_start(pool, &spec, &id, &err);
 *      repeat while cp_run_running(pool) < jobs
 *   3. cp_run_wait(pool, &result, &err) returns the next child to finish, in
 *      any order; use result.id, result.status and result.tail, then
 *      cp_run_result_dispose(&result); go back to 2 or 3
 *   4. cp_run_pool_free(pool) kills (TERM, grace, KILL) and reaps whatever
 *      still runs.
 *
 * On SIGINT/SIGTERM, the signal handler calls cp_run_pool_cancel(pool)
 * (async-signal-safe): the current or next cp_run_wait() terminates every
 * child and returns them one by one with status.cancelled set.  The driver
 * does not journal cancelled runs, collects the rest, and returns
 * CP_ERR_INTERRUPTED when cp_run_pool_cancelled(pool):
 *
 *   static struct cp_run_pool *pool_to_stop;	// the CLI's, set once
 *   static void on_stop(int sig) { cp_run_pool_cancel(pool_to_stop); }
 *
 * Children die with culprit: each child asks the kernel for SIGKILL when
 * culprit dies (PR_SET_PDEATHSIG), and a small watchdog process, started
 * with the pool, kills the children's process groups when culprit is gone,
 * even after SIGKILL, so grandchildren go too.
 *
 * Timeouts, draining and killing happen inside cp_run_wait(): a caller busy
 * elsewhere delays them (a child blocks once its pipe is full).  culprit
 * must not ignore SIGCHLD (children would reap themselves; such a run ends
 * with status.failure "the child was reaped elsewhere").
 *
 * Limits: a grandchild that leaves the process group (setsid) escapes the
 * kill (the run still ends: its pipes are drained for at most a second
 * after the leader exits).  Not thread-safe: one thread drives a pool, and
 * it should be a long-lived one, since PR_SET_PDEATHSIG fires when the
 * thread that started the child exits.
 *
 * Where things live: spawn.c starts one child (group, death signal,
 * environment, exec errors); pool.c is the wait loop (poll, timeouts,
 * reaping, cancel); output.c saves a child's output and feeds tail.c, the
 * bounded ring buffer; watchdog.c is the SIGKILL safety net; classify.c
 * judges finished runs.  The journal (journal.h) and the output directory
 * lock (dirlock.h) live beside them.
 */
#ifndef CULPRIT_RUN_EXEC_H
#define CULPRIT_RUN_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* Default size of the in-memory tail of the combined output. */
#define CP_RUN_TAIL_DEFAULT (64 * 1024)
/* Default time between SIGTERM and SIGKILL of a timed-out group. */
#define CP_RUN_GRACE_MS_DEFAULT 2000

/*
 * What to run.  All pointers are borrowed and only read during
 * cp_run_start(), which copies what it needs.
 */
struct cp_run_spec {
	/* Program and arguments, NULL-terminated; the program is looked up
	 * in PATH when it has no '/'.  Ignored when shell is set. */
	const char *const *argv;
	/* A shell command given on purpose by the user: runs /bin/sh -c. */
	const char *shell;
	/* Working directory of the child; NULL keeps culprit's. */
	const char *cwd;
	/* Extra "NAME=value" entries, NULL-terminated, or NULL.  They
	 * override culprit's environment (e.g. CULPRIT_WORKTREE). */
	const char *const *env;
	/* Files receiving stdout and stderr (created or truncated); NULL
	 * discards the stream (it still feeds the tail).  The same file for
	 * both works like 2>&1: one pipe, the child's exact order in the file
	 * and the tail, and all bytes counted as stdout_bytes.  Otherwise the
	 * tail interleaves the streams as culprit reads them, so lines written
	 * close together on different streams may swap. */
	const char *stdout_path;
	const char *stderr_path;
	/* Wall-clock limit in milliseconds; 0 means none. */
	uint64_t timeout_ms;
	/* SIGTERM to SIGKILL delay on timeout or cancel; 0: the default. */
	uint64_t grace_ms;
	/* Bytes of combined output kept in memory; 0: CP_RUN_TAIL_DEFAULT. */
	size_t tail_max;
	/* Bytes saved per output file, then "[culprit: output cut after N
	 * bytes]" ends it (the rest is still counted and feeds the tail);
	 * 0: no limit. */
	uint64_t file_max;
};

/* How a finished child ended. */
struct cp_run_status {
	int exit_code;	/* 0..255 when the child exited, -1 when signaled */
	int signal;	/* the signal that killed it, 0 when it exited */
	bool timed_out;	/* the timeout fired and the group was killed */
	bool cancelled;	/* cp_run_pool_cancel() killed it */
	/* A runner failure (e.g. saving output failed), "" when none. */
	char failure[256];
};

/*
 * The result of one child.  Invariant after cp_run_wait(): tail is never
 * NULL and tail[tail_len] == '\0' (the output may hold NUL bytes too).
 */
struct cp_run_result {
	int id;			/* as returned by cp_run_start() */
	pid_t pid;		/* the child, also its process group id */
	struct cp_run_status status;
	uint64_t duration_ns;	/* start to exit, monotonic clock */
	uint64_t stdout_bytes;	/* all bytes seen, not just the tail */
	uint64_t stderr_bytes;	/* 0 when both streams shared a file */
	char *tail;		/* last tail_max bytes of stdout+stderr */
	size_t tail_len;
	bool tail_truncated;	/* older output was dropped from the tail */
	bool output_cut;	/* an output file reached spec.file_max */
};

struct cp_run_pool;

/* A pool running at most max_jobs (>= 1) children at once. */
int cp_run_pool_new(struct cp_run_pool **out, unsigned max_jobs,
		    struct cp_error *err);

/* Kills and reaps every running child, then frees the pool.  NULL is ok. */
void cp_run_pool_free(struct cp_run_pool *pool);

/*
 * Starts a child.  Fails with CP_ERR_USAGE when the pool is full or the
 * spec is empty, CP_ERR_IO when an output file cannot be created, and
 * CP_ERR_CHILD when the program cannot be run ("cannot run 'x': No such
 * file or directory") or the working directory is unusable; then nothing
 * is left running.  *id_out (may be NULL) receives the child's id.
 */
int cp_run_start(struct cp_run_pool *pool, const struct cp_run_spec *spec,
		 int *id_out, struct cp_error *err);

/* Number of children started and not yet returned by cp_run_wait(). */
unsigned cp_run_running(const struct cp_run_pool *pool);

/*
 * Waits, without busy-waiting, until a child has finished and its output is
 * drained, reaps it and fills *res (caller disposes).  Children finish in
 * any order.  CP_ERR_USAGE when nothing is running.
 */
int cp_run_wait(struct cp_run_pool *pool, struct cp_run_result *res,
		struct cp_error *err);

/*
 * Async-signal-safe: asks the pool to terminate every child.  The current or
 * next cp_run_wait() sends SIGTERM to every group, SIGKILL after the grace,
 * and returns the children with status.cancelled set.  Children started
 * afterwards are cancelled at once.
 */
void cp_run_pool_cancel(struct cp_run_pool *pool);

/* True once cp_run_pool_cancel() was called on pool. */
bool cp_run_pool_cancelled(const struct cp_run_pool *pool);

/* Terminates (TERM, grace, KILL) and reaps every child now, results lost. */
void cp_run_kill_all(struct cp_run_pool *pool);

/* Frees the tail; the struct may be reused.  NULL is ok. */
void cp_run_result_dispose(struct cp_run_result *res);

/* Runs one child to completion: start + wait on a private pool. */
int cp_run_one(const struct cp_run_spec *spec, struct cp_run_result *res,
	       struct cp_error *err);

/*
 * Classification.
 *
 * cp_run_exit_verdict() judges a test that reports only through its exit
 * status, following `git bisect run`: 0 good, 125 skip, 1..127 bad, other
 * codes abort.  culprit's choice for reproducers: a child killed by a crash
 * signal (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS), or a
 * shell reporting one as 128+signal, is bad, since that is the crash being
 * looked for; other signals (SIGKILL from the OOM killer, SIGTERM from
 * outside), a timeout, a cancel or a runner failure abort.
 */
enum cp_run_verdict {
	CP_VERDICT_GOOD,	/* exit 0 */
	CP_VERDICT_BAD,		/* exit 1..127 but 125, or a crash signal */
	CP_VERDICT_SKIP,	/* exit 125: cannot test this commit */
	CP_VERDICT_ABORT,	/* anything else: stop the bisection */
};

enum cp_run_verdict cp_run_exit_verdict(const struct cp_run_status *st);

/* "good", "bad", "skip", "abort". */
const char *cp_run_verdict_name(enum cp_run_verdict v);

/* Which step a child was. */
enum cp_run_step {
	CP_STEP_BUILD,
	CP_STEP_TEST,
};

enum cp_run_outcome {
	CP_OUTCOME_OK,			/* "OK" */
	CP_OUTCOME_CRASHED,		/* "crashed: <title>" */
	CP_OUTCOME_BUILD_FAILED,	/* "build failed" */
	CP_OUTCOME_INFRA,		/* "infra problem: <why>" */
};

/*
 * Pure: classifies a finished child from its status and the crash title the
 * caller found in its output (NULL when none), and writes the log text
 * ("OK", "crashed: <title>", "build failed", "infra problem: <why>") into
 * buf (always NUL-terminated when size > 0; may be NULL when size is 0).
 *
 * Test step: a crash title wins (even after a timeout: the crash came
 * first); else a runner failure, cancel or timeout is an infra problem; else
 * a crash signal with no title is "crashed: fatal signal SIGxxx"; exit 126
 * or 127 (the shell could not run the command) is an infra problem; any
 * other exit status is OK (the crash is what is looked for).
 * Build step: exit 0 is OK; a runner failure, cancel or timeout is an infra
 * problem; anything else is "build failed".
 */
/*
 * A status for a child that never ran (cp_run_start() failed): the error
 * message becomes status.failure, so it classifies as an infra problem.
 */
void cp_run_status_from_error(struct cp_run_status *st,
			      const struct cp_error *err);

enum cp_run_outcome cp_run_classify(enum cp_run_step step,
				    const struct cp_run_status *st,
				    const char *crash_title,
				    char *buf, size_t size);

#endif
