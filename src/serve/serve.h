/*
 * `culprit serve`: the store over HTTP (libmicrohttpd), for people and
 * programs.  server.c owns the daemon, routing, limits and the token-guarded
 * POST that queues a job; runner.c runs queued jobs when there is no farm
 * (--run-jobs); reply.c builds error and JSON replies; pages.c renders the list and per-bisection pages
 * (the same page and picture as <out>/index.html, output/html.h) and the
 * JSON of each (/api/...).  Everything from a result or a log is escaped;
 * file paths are built only from a stored row's directory and validated
 * names, never from the URL.
 */
#ifndef CULPRIT_SERVE_SERVE_H
#define CULPRIT_SERVE_SERVE_H

#include <stddef.h>

#include "util/error.h"

/* Largest POST body accepted (413 above). */
#define CP_SERVE_MAX_BODY (64 * 1024)

struct cp_serve_config {
	const char *store;	/* SQLite path or PostgreSQL URL */
	const char *listen;	/* address; NULL: 127.0.0.1 */
	unsigned port;		/* 0: any free port */
	const char *port_file;	/* written with the bound port, or NULL */
	const char *token;	/* POST needs it; NULL: read-only */
	const char *jobs_dir;	/* where queued jobs are written, or NULL */
	int run_jobs;		/* 1: run them here (no farm reads jobs_dir) */
	const char *farm_out;	/* the farm's --out: a job's row is farm_out/<job name>, or NULL */
	unsigned job_timeout;	/* seconds per job run here; 0: a day */
};

/* Serves until SIGINT or SIGTERM.  CP_ERR_IO when it cannot listen. */
int cp_serve_run(const struct cp_serve_config *cfg, struct cp_error *err);

#endif
