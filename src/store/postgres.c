/*
 * The PostgreSQL back end (libpq): a farm's shared store.  Parameters go
 * as text and PostgreSQL infers their types from the statement, so the
 * queries in store.c are the SQLite ones.
 */
#include "store/backend.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

static int pg_fail(PGconn *c, int code, const char *what, struct cp_error *err)
{
	char msg[512];
	size_t n;

	snprintf(msg, sizeof(msg), "%s", c ? PQerrorMessage(c) : "no connection");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	return cp_error_set(err, code, "%s: %s", what, msg);
}

static int pg_exec(void *conn, const char *sql, int nparams, const char *const *params,
		   cp_store_row_fn row, void *ctx, struct cp_error *err)
{
	PGconn *c = conn;
	PGresult *r;
	const char *cols[64];
	int i, j, n, nrows, ret = 0;
	ExecStatusType st;

	r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	if (!r)
		return pg_fail(c, CP_ERR_IO, "store", err);
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		ret = cp_error_set(err, CP_ERR_IO, "store: %s", PQresultErrorMessage(r));
		PQclear(r);
		return ret;
	}
	nrows = PQntuples(r);
	n = PQnfields(r);
	if (n > 64)
		n = 64;
	for (i = 0; i < nrows && row && !ret; i++) {
		for (j = 0; j < n; j++)
			cols[j] = PQgetisnull(r, i, j) ? NULL : PQgetvalue(r, i, j);
		ret = row(ctx, n, cols, err);
	}
	PQclear(r);
	return ret;
}

static int pg_open(const char *where, void **conn, struct cp_error *err)
{
	PGconn *c = PQconnectdb(where);
	int ret;

	if (!c)
		return cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
	if (PQstatus(c) != CONNECTION_OK) {
		ret = pg_fail(c, CP_ERR_STORE, "store: connecting to PostgreSQL", err);
		PQfinish(c);
		return ret;
	}
	/* Quiet NOTICEs ("relation already exists") would go to stderr. */
	ret = pg_exec(c, "SET client_min_messages = warning", 0, NULL, NULL, NULL, err);
	if (ret) {
		PQfinish(c);
		return ret;
	}
	*conn = c;
	return 0;
}

static void pg_close(void *conn)
{
	PQfinish(conn);
}

static int pg_begin(void *conn, struct cp_error *err)
{
	int ret = pg_exec(conn, "BEGIN", 0, NULL, NULL, NULL, err);

	/*
	 * One writer at a time, as SQLite's BEGIN IMMEDIATE: two culprits
	 * creating the schema of a new store at once would otherwise collide.
	 */
	if (!ret)
		ret = pg_exec(conn, "SELECT pg_advisory_xact_lock(7160157)", 0, NULL, NULL, NULL, err);
	if (ret)
		pg_exec(conn, "ROLLBACK", 0, NULL, NULL, NULL, NULL);
	return ret;
}

const struct cp_store_backend cp_store_postgres = {
	.name = "postgresql",
	.serial_pk = "BIGSERIAL PRIMARY KEY",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.begin = pg_begin,
	.has_table_sql = "SELECT 1 FROM information_schema.tables"
			 " WHERE table_schema = current_schema() AND table_name = $1",
};
