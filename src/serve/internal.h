/* Shared between server.c, pages.c and runner.c: a response being built, the job runner. */
#ifndef CULPRIT_SERVE_INTERNAL_H
#define CULPRIT_SERVE_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "store/store.h"

struct srv_reply {
	unsigned status;
	const char *type;	/* Content-Type */
	char *body;		/* malloc'd */
	size_t len;
};

/* reply.c: a plain-text error reply; returns 0. */
int srv_error(struct srv_reply *r, unsigned status, const char *msg);

/* The reply to a JSON value (stolen). */
int srv_json(struct srv_reply *r, unsigned status, json_t *v);

/* Query lookup: returns the argument or NULL. */
typedef const char *(*srv_arg_fn)(void *ctx, const char *name);

int pages_list(struct cp_store *st, int api, srv_arg_fn arg, void *ctx, struct srv_reply *r);
int pages_bisection(struct cp_store *st, long long id, int api, struct srv_reply *r);
/* rel: "log", "report.txt" or "commits/<sha>/{build,run-<n>}.log", checked by the caller */
int pages_file(struct cp_store *st, long long id, const char *rel, int api, struct srv_reply *r);

/* runner.c: posted jobs run one at a time (--run-jobs); add is thread-safe */
struct srv_runner;
int srv_runner_new(const char *store, unsigned timeout_s, struct srv_runner **out);
int srv_runner_add(struct srv_runner *r, const char *job_file, const char *out);
/* reaps, enforces the timeout, starts the next job; called once a second */
void srv_runner_tick(struct srv_runner *r);
/* stops the running job (SIGTERM, then SIGKILL after 10 s) */
void srv_runner_free(struct srv_runner *r);

#endif
