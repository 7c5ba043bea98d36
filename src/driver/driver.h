/*
 * The bisection driver: runs a job end to end — checks that the start
 * commit crashes, finds a clean release when no good commit is given,
 * bisects with git's choice of commits, builds and tests each commit in a
 * dedicated worktree, journals every build and run (so a killed bisection
 * resumes without repeating them), prints the log and writes result.json.
 *
 * This is the edge that does I/O; every decision comes from the pure core
 * (src/bisect).  The output directory holds: log, result.json,
 * journal.jsonl, lock, worktree/, commits/<sha>/{build,run-N}.log.
 */
#ifndef CULPRIT_DRIVER_DRIVER_H
#define CULPRIT_DRIVER_DRIVER_H

#include <signal.h>

#include "driver/job.h"
#include "util/error.h"

/*
 * Runs job; with resume, continues the bisection journaled in job->out.
 * *stop is set by the caller's SIGINT/SIGTERM handler; the driver then
 * kills its children and returns CP_ERR_INTERRUPTED, journal intact.
 * Returns 0 when a first bad commit was found, CP_ERR_RANGE when the result
 * is a list of candidates (only skipped commits left), else an error.
 */
int cp_driver_run(struct cp_job *job, int resume, volatile sig_atomic_t *stop,
		  struct cp_error *err);

/* Called from a signal handler: asks a running driver to stop. */
void cp_driver_interrupt(void);

#endif
