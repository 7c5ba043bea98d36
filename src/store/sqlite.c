/*
 * The SQLite back end: one file, WAL so readers never wait for the writer
 * and several culprit processes can write (each waits up to busy_ms for
 * the write lock instead of failing).
 */
#include "store/backend.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BUSY_MS = 30000 };

static int fail(sqlite3 *db, int rc, const char *what, struct cp_error *err)
{
	/* A file that is not a database, or a damaged one, is bad input, not a bug. */
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		return cp_error_set(err, CP_ERR_STORE, "%s: the store file is corrupt or not a culprit store (%s)",
				    what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	if (rc == SQLITE_NOMEM)
		return cp_error_set(err, CP_ERR_NOMEM, "%s: out of memory", what);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return cp_error_set(err, CP_ERR_LOCKED, "%s: the store stayed locked by another writer", what);
	return cp_error_set(err, CP_ERR_IO, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static int sq_exec(void *conn, const char *sql, int nparams, const char *const *params,
		   cp_store_row_fn row, void *ctx, struct cp_error *err)
{
	sqlite3 *db = conn;
	sqlite3_stmt *stmt = NULL;
	const char *cols[64];
	char fbuf[64][32];
	int rc, i, n, ret = 0;

	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return fail(db, rc, "store", err);
	if (sqlite3_bind_parameter_count(stmt) != nparams) {
		sqlite3_finalize(stmt);
		return cp_error_set(err, CP_ERR_INTERNAL, "store: statement takes %d parameters, %d given",
				    sqlite3_bind_parameter_count(stmt), nparams);
	}
	for (i = 0; i < nparams; i++) {
		rc = params[i] ? sqlite3_bind_text(stmt, i + 1, params[i], -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(stmt, i + 1);
		if (rc != SQLITE_OK) {
			ret = fail(db, rc, "store", err);
			sqlite3_finalize(stmt);
			return ret;
		}
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		n = sqlite3_column_count(stmt);
		if (n > 64)
			n = 64;
		for (i = 0; i < n; i++) {
			/* SQLite's own text of a REAL has 15 digits; times need all 17 */
			if (sqlite3_column_type(stmt, i) == SQLITE_FLOAT) {
				snprintf(fbuf[i], sizeof(fbuf[i]), "%.17g", sqlite3_column_double(stmt, i));
				cols[i] = fbuf[i];
			} else {
				cols[i] = (const char *)sqlite3_column_text(stmt, i);
			}
		}
		if (row && (ret = row(ctx, n, cols, err)))
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = fail(db, rc, "store", err);
	sqlite3_finalize(stmt);
	return ret;
}

static int sq_open(const char *where, void **conn, struct cp_error *err)
{
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open_v2(where, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = fail(db, rc, where, err);
		sqlite3_close(db);
		return rc;
	}
	sqlite3_busy_timeout(db, BUSY_MS);
	/* WAL: a crash mid-write leaves the last committed state; readers run beside a writer. */
	rc = sq_exec(db, "PRAGMA journal_mode=WAL", 0, NULL, NULL, NULL, err);
	if (!rc)
		rc = sq_exec(db, "PRAGMA foreign_keys=ON", 0, NULL, NULL, NULL, err);
	if (!rc)
		rc = sq_exec(db, "PRAGMA synchronous=NORMAL", 0, NULL, NULL, NULL, err);
	if (rc) {
		cp_error_prefix(err, "%s", where);
		sqlite3_close(db);
		return rc;
	}
	*conn = db;
	return 0;
}

static void sq_close(void *conn)
{
	sqlite3_close(conn);
}

static int sq_begin(void *conn, struct cp_error *err)
{
	/* IMMEDIATE takes the write lock now, so two writers queue instead of deadlocking. */
	return sq_exec(conn, "BEGIN IMMEDIATE", 0, NULL, NULL, NULL, err);
}

const struct cp_store_backend cp_store_sqlite = {
	.name = "sqlite",
	.serial_pk = "INTEGER PRIMARY KEY AUTOINCREMENT",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.begin = sq_begin,
	.has_table_sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1",
};
