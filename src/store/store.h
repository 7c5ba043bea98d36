/*
 * The results store: every bisection in one database, queried by
 * `culprit serve`, `culprit store list` and the farm.
 *
 * A row per bisection (keyed by its output directory): state (queued,
 * running, done, failed, interrupted), mode, status, crash title,
 * repository, culprit, confidence, flags, times, the job and the whole
 * result object (result.json, or the one rebuilt from journal.jsonl), and
 * a row per tested commit with its verdict and run counts.  Logs stay in
 * the output directory; the row links them by its dir.
 *
 * Back ends (one file each, behind struct cp_store_backend in backend.h):
 * SQLite (a file path: the embedded default, WAL, several writers) and
 * PostgreSQL (a "postgresql://..." or "postgres://..." URL, libpq).  The
 * schema is versioned (CP_STORE_SCHEMA); opening migrates an older store
 * and refuses a newer or corrupt one with CP_ERR_STORE.  Every write is one
 * transaction.
 *
 * Caller's steps: cp_store_open(), cp_store_put_dir() / cp_store_queue() /
 * cp_store_list() / cp_store_get(), cp_store_close().
 */
#ifndef CULPRIT_STORE_STORE_H
#define CULPRIT_STORE_STORE_H

#include <jansson.h>
#include <stddef.h>

#include "util/error.h"

#define CP_STORE_SCHEMA 2

struct cp_store;

/* where: a SQLite file path, or a PostgreSQL URL. */
int cp_store_open(const char *where, struct cp_store **out, struct cp_error *err);
void cp_store_close(struct cp_store *st);

/* "sqlite" or "postgresql". */
const char *cp_store_backend_name(const struct cp_store *st);

/* 1 when s is one of the five states. */
int cp_store_state_valid(const char *s);

/*
 * Reads out_dir (result.json, else journal.jsonl) and writes its row and
 * tested commits.  state: NULL derives it (result.json: "done", journal
 * only: "interrupted"); else one of the states.  *id_out (may be NULL)
 * gets the row id.  CP_ERR_IO / CP_ERR_INPUT from reading the directory.
 */
int cp_store_put_dir(struct cp_store *st, const char *out_dir, const char *state,
		     long long *id_out, struct cp_error *err);

/* A queued job (no result yet): dir is where it will write. */
int cp_store_queue(struct cp_store *st, const char *dir, json_t *job,
		   long long *id_out, struct cp_error *err);

/* Changes the state of the row of dir; CP_ERR_INPUT when there is none. */
int cp_store_set_state(struct cp_store *st, const char *dir, const char *state,
		       struct cp_error *err);

/* The id of the row of dir in *id, 0 when there is none. */
int cp_store_find_dir(struct cp_store *st, const char *dir, long long *id, struct cp_error *err);

struct cp_store_filter {
	const char *state;	/* exact, or NULL */
	const char *title;	/* substring, case-insensitive, or NULL */
	const char *repo;	/* substring, or NULL */
	int oldest_first;	/* 0: newest first (by update time) */
	size_t limit;		/* 0: 100 */
	size_t offset;
};

/*
 * A JSON array (new reference in *out) of row objects: id, dir, state,
 * mode, status, title, repo, bad, culprit, subject, confidence, flags,
 * revisions, created, updated, finished.  *total gets the count matching
 * the filter (without limit).
 */
int cp_store_list(struct cp_store *st, const struct cp_store_filter *f,
		  json_t **out, size_t *total, struct cp_error *err);

/*
 * One row as cp_store_list() gives it plus "job", "result" (objects or
 * null) and "tested" (array: commit, label, verdict, target, clean, other,
 * infra, build_s, test_s).  *out is NULL (and 0 returned) when no row has
 * that id.
 */
int cp_store_get(struct cp_store *st, long long id, json_t **out, struct cp_error *err);

#endif
