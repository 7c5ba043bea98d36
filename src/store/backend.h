/*
 * What a store back end provides: a connection that runs one SQL
 * statement at a time with text parameters ($1, $2, ... each used once, in
 * order, so the same text runs on SQLite and PostgreSQL) and hands back
 * rows as text (NULL for SQL NULL).  store.c holds the schema and every
 * query; a back end only moves text.  One file per back end.
 */
#ifndef CULPRIT_STORE_BACKEND_H
#define CULPRIT_STORE_BACKEND_H

#include <stddef.h>

#include "util/error.h"

/* Called per result row; non-zero stops with that status. */
typedef int (*cp_store_row_fn)(void *ctx, int ncols, const char *const *cols,
			       struct cp_error *err);

struct cp_store_backend {
	const char *name;
	/* the column type of an auto-numbered primary key */
	const char *serial_pk;
	int (*open)(const char *where, void **conn, struct cp_error *err);
	void (*close)(void *conn);
	/* one statement; row may be NULL */
	int (*exec)(void *conn, const char *sql, int nparams,
		    const char *const *params, cp_store_row_fn row, void *ctx,
		    struct cp_error *err);
	/* a write transaction that waits for other writers */
	int (*begin)(void *conn, struct cp_error *err);
	/* a query with one row when the table named by $1 exists */
	const char *has_table_sql;
};

extern const struct cp_store_backend cp_store_sqlite;
extern const struct cp_store_backend cp_store_postgres;

#endif
