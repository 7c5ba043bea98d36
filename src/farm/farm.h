/*
 * culprit farm: a queue of bisections.  Every job file (*.json) in a
 * directory is one bisection, run as its own `culprit bisect` process with
 * its own output directory and journal, up to N at once, all sharing one
 * build cache; a bisection that fails does not stop the others.  The
 * state lives in the output directories only, so a killed farm rerun with
 * the same arguments resumes each unfinished bisection from its journal
 * and skips the finished ones (result.json present).
 *
 * Separate processes, not threads, because the driver and the run pool
 * are single-threaded by design (run/exec.h) and a crash or leak in one
 * bisection must not take the others down.
 */
#ifndef CULPRIT_FARM_FARM_H
#define CULPRIT_FARM_FARM_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

struct cp_farm_opts {
	const char *jobs_dir;	/* the job files */
	const char *out;	/* out/<job name>/ per bisection, out/<job name>.log */
	const char *cache;	/* passed to every bisection (--cache), or NULL */
	const char *executor;	/* passed to every bisection (--executor), or NULL */
	const char *store;	/* passed to every bisection (--store), or NULL */
	const char *self;	/* the culprit program to run */
	unsigned slots;		/* bisections at once */
	uint64_t timeout_s;	/* per bisection */
	FILE *log;		/* one line per bisection started or ended */
};

/*
 * Runs every bisection not finished yet.  0 when all finished with a
 * result, CP_ERR_FARM when some did not (named in the log),
 * CP_ERR_INTERRUPTED when *stop was set (each one resumable).
 */
int cp_farm_run(const struct cp_farm_opts *o, volatile sig_atomic_t *stop,
		struct cp_error *err);

/* From a signal handler: stops the running bisections (they journal). */
void cp_farm_interrupt(void);

#endif
