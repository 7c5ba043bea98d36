/*
 * The results store on SQLite: rows from output directories (result.json
 * and journal-only), filters and sorting, the queue, refusing corrupt,
 * foreign and newer-schema files without touching them, migrating an old
 * one, several processes writing at once, and a writer killed mid-write.  CULPRIT_TEST_STORE (a
 * postgresql:// URL) runs the back-end-neutral tests against that instead.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"

#define A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static char tmp[256];
static char where[512];

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

static int setup(void **state)
{
	const char *pg = getenv("CULPRIT_TEST_STORE");
	struct cp_store *st;
	struct cp_error err;

	snprintf(tmp, sizeof(tmp), "%s/store-test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp))
		return -1;
	if (pg && *pg) {
		/* a fresh schema per test: drop what the previous one left */
		PGconn *c = PQconnectdb(pg);
		PGresult *r = c ? PQexec(c, "DROP TABLE IF EXISTS tested, bisections, culprit_schema") : NULL;
		int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;

		PQclear(r);
		PQfinish(c);
		if (!ok)
			return -1;
		snprintf(where, sizeof(where), "%s", pg);
		if (cp_store_open(where, &st, &err))
			return -1;
		cp_store_close(st);
	} else {
		snprintf(where, sizeof(where), "%s/store.db", tmp);
	}
	return 0;
}

static int teardown(void **state)
{
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static int is_pg(void)
{
	return !strncmp(where, "postgres", 8);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* An output directory holding result.json for a found culprit. */
static void result_dir(const char *dir, const char *title, const char *repo, const char *culprit)
{
	char path[4096 + 16], text[4096];

	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/result.json", dir);
	snprintf(text, sizeof(text),
		 "{\"version\":1,\"mode\":\"cause\",\"status\":\"found\",\"target\":\"%s\","
		 "\"culprit\":{\"commit\":\"%s\",\"subject\":\"net: fix it\"},"
		 "\"job\":{\"repo\":\"%s\",\"bad\":\"" A "\"},"
		 "\"confidence\":0.93,"
		 "\"tested\":["
		 "{\"commit\":\"" A "\",\"verdict\":\"crashed\",\"build\":{\"ok\":true,\"duration_s\":2},"
		 " \"runs\":[{\"index\":0,\"outcome\":\"crashed: %s\",\"duration_s\":1},"
		 "          {\"index\":1,\"outcome\":\"OK\",\"duration_s\":1}]},"
		 "{\"commit\":\"%s\",\"verdict\":\"crashed\",\"build\":{\"ok\":true,\"duration_s\":2},"
		 " \"runs\":[{\"index\":0,\"outcome\":\"crashed: %s\",\"duration_s\":1}]}]}",
		 title, culprit, repo, title, culprit, title);
	write_file(path, text);
}

static struct cp_store *open_ok(void)
{
	struct cp_store *st = NULL;
	struct cp_error err;

	cp_error_clear(&err);
	if (cp_store_open(where, &st, &err))
		fail_msg("open %s: %s", where, err.msg);
	return st;
}

static size_t count(struct cp_store *st, const struct cp_store_filter *f)
{
	struct cp_store_filter none = { 0 };
	struct cp_error err;
	json_t *rows;
	size_t total = 0;

	assert_int_equal(cp_store_list(st, f ? f : &none, &rows, &total, &err), 0);
	assert_int_equal(json_array_size(rows), total < 100 ? total : 100);
	json_decref(rows);
	return total;
}

static void put_get_upsert(void **state)
{
	struct cp_store *st = open_ok();
	struct cp_error err;
	char dir[600];
	long long id = 0, id2 = 0;
	json_t *o, *t;

	snprintf(dir, sizeof(dir), "%s/b1", tmp);
	result_dir(dir, "KASAN: use-after-free in f", "/src/linux", B);
	assert_int_equal(cp_store_put_dir(st, dir, NULL, &id, &err), 0);
	assert_true(id > 0);
	assert_int_equal(cp_store_get(st, id, &o, &err), 0);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "done");
	assert_string_equal(json_string_value(json_object_get(o, "culprit")), B);
	assert_string_equal(json_string_value(json_object_get(o, "title")), "KASAN: use-after-free in f");
	assert_string_equal(json_string_value(json_object_get(o, "repo")), "/src/linux");
	assert_string_equal(json_string_value(json_object_get(o, "dir")), dir);
	assert_true(json_real_value(json_object_get(o, "confidence")) > 0.92);
	assert_true(json_is_number(json_object_get(o, "finished")));
	t = json_object_get(o, "tested");
	assert_int_equal(json_array_size(t), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(t, 1), "commit")), B);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(t, 0), "clean")), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "result"), "status")),
			    "found");
	json_decref(o);
	/* the same directory again: the same row, tested rows replaced not added */
	assert_int_equal(cp_store_put_dir(st, dir, "failed", &id2, &err), 0);
	assert_int_equal(id2, id);
	assert_int_equal(cp_store_get(st, id, &o, &err), 0);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "failed");
	assert_int_equal(json_array_size(json_object_get(o, "tested")), 2);
	json_decref(o);
	assert_int_equal(count(st, NULL), 1);
	assert_int_equal(cp_store_get(st, id + 1000, &o, &err), 0);
	assert_null(o);
	assert_int_equal(cp_store_put_dir(st, dir, "bogus", NULL, &err), CP_ERR_USAGE);
	cp_store_close(st);
}

static void journal_only(void **state)
{
	struct cp_store *st = open_ok();
	struct cp_error err;
	char dir[600], path[700];
	long long id;
	json_t *o, *flags;

	snprintf(dir, sizeof(dir), "%s/b2", tmp);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/journal.jsonl", dir);
	write_file(path,
		   "{\"journal\":\"culprit\",\"format\":1,\"header\":{\"repo\":\"/r\",\"bad\":\"x\",\"runs\":2,"
		   "\"crash\":\"T\"}}\n"
		   "{\"type\":\"build\",\"commit\":\"" A "\",\"ok\":true,\"duration_s\":3}\n"
		   "{\"type\":\"run\",\"commit\":\"" A "\",\"index\":0,\"outcome\":\"crashed: T\",\"duration_s\":2}\n");
	assert_int_equal(cp_store_put_dir(st, dir, NULL, &id, &err), 0);
	assert_int_equal(cp_store_get(st, id, &o, &err), 0);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "interrupted");
	assert_true(json_is_null(json_object_get(o, "culprit")));
	flags = json_object_get(o, "flags");
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "interrupted: no result yet");
	assert_int_equal(json_array_size(json_object_get(o, "tested")), 1);
	json_decref(o);
	/* running: the same journal, but nothing to flag */
	assert_int_equal(cp_store_put_dir(st, dir, "running", &id, &err), 0);
	assert_int_equal(cp_store_get(st, id, &o, &err), 0);
	assert_int_equal(json_array_size(json_object_get(o, "flags")), 0);
	json_decref(o);
	cp_store_close(st);
}

static void filters_and_order(void **state)
{
	static const char *titles[] = { "KASAN: slab-out-of-bounds in tcp_v4", "WARNING in ext4_x",
					"100%_done BUG", "kasan: lower case" };
	static const char *repos[] = { "/git/net", "/git/ext4", "/git/net", "/git/mm" };
	struct cp_store_filter f = { 0 };
	struct cp_store *st = open_ok();
	struct cp_error err;
	char dir[600];
	json_t *rows;
	size_t i, total;

	for (i = 0; i < 4; i++) {
		snprintf(dir, sizeof(dir), "%s/f%zu", tmp, i);
		result_dir(dir, titles[i], repos[i], B);
		assert_int_equal(cp_store_put_dir(st, dir, i == 3 ? "running" : NULL, NULL, &err), 0);
		usleep(20000);	/* distinct update times; "finished" is the file's mtime */
		assert_int_equal(cp_store_set_state(st, dir, i == 3 ? "running" : "done", &err), 0);
	}
	assert_int_equal(count(st, NULL), 4);
	f.title = "KASAN";
	assert_int_equal(count(st, &f), 2);	/* case-insensitive */
	f.title = "%";
	assert_int_equal(count(st, &f), 1);	/* a literal %, not a wildcard */
	f.title = "_";
	assert_int_equal(count(st, &f), 3);	/* tcp_v4, ext4_x, %_done: not "any character" */
	f.title = "%_";
	assert_int_equal(count(st, &f), 1);
	f.title = NULL;
	f.repo = "/git/net";
	assert_int_equal(count(st, &f), 2);
	f.repo = NULL;
	f.state = "running";
	assert_int_equal(count(st, &f), 1);
	f.state = NULL;
	/* newest first by update time, then oldest first; limit and offset */
	f.limit = 2;
	assert_int_equal(cp_store_list(st, &f, &rows, &total, &err), 0);
	assert_int_equal(total, 4);
	assert_int_equal(json_array_size(rows), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "title")), titles[3]);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "title")), titles[2]);
	json_decref(rows);
	f.oldest_first = 1;
	f.offset = 1;
	assert_int_equal(cp_store_list(st, &f, &rows, &total, &err), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "title")), titles[1]);
	json_decref(rows);
	cp_store_close(st);
}

static void queue_and_state(void **state)
{
	struct cp_store *st = open_ok();
	struct cp_error err;
	char dir[600];
	long long id;
	json_t *job = json_pack("{s:s,s:s,s:s}", "repo", "/git/x", "bad", "HEAD", "crash", "BUG: x"), *o;

	snprintf(dir, sizeof(dir), "%s/q1", tmp);
	assert_int_equal(cp_store_queue(st, dir, job, &id, &err), 0);
	json_decref(job);
	assert_int_equal(cp_store_get(st, id, &o, &err), 0);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "queued");
	assert_string_equal(json_string_value(json_object_get(o, "title")), "BUG: x");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "job"), "repo")), "/git/x");
	assert_true(json_is_null(json_object_get(o, "result")));
	json_decref(o);
	assert_int_equal(cp_store_set_state(st, dir, "running", &err), 0);
	assert_int_equal(cp_store_set_state(st, "/no/such/dir", "running", &err), CP_ERR_INPUT);
	assert_int_equal(cp_store_set_state(st, dir, "sleeping", &err), CP_ERR_USAGE);
	/* the queued job's directory gets its result: the job is kept */
	result_dir(dir, "BUG: x", "/git/x", B);
	assert_int_equal(cp_store_put_dir(st, dir, NULL, NULL, &err), 0);
	assert_int_equal(cp_store_get(st, id, &o, &err), 0);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "done");
	json_decref(o);
	assert_int_equal(count(st, NULL), 1);
	cp_store_close(st);
}

static void bad_dir_changes_nothing(void **state)
{
	struct cp_store *st = open_ok();
	struct cp_error err;
	char dir[600], path[700];

	snprintf(dir, sizeof(dir), "%s/missing", tmp);
	assert_int_equal(cp_store_put_dir(st, dir, NULL, NULL, &err), CP_ERR_IO);
	snprintf(dir, sizeof(dir), "%s/garbled", tmp);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/result.json", dir);
	write_file(path, "{\"tested\": [ {\"commit\": 12");
	assert_int_equal(cp_store_put_dir(st, dir, NULL, NULL, &err), CP_ERR_INPUT);
	assert_int_equal(count(st, NULL), 0);
	cp_store_close(st);
}

/* SQLite only below: files that are not a store this culprit may use. */

static void sql(const char *path, const char *text)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", text, msg);
	sqlite3_close(db);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *b = malloc(1 << 20);

	assert_non_null(f);
	assert_non_null(b);
	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

static void corrupt_file_refused_untouched(void **state)
{
	struct cp_store *st = NULL;
	struct cp_error err;
	char *before, *after;
	size_t n1, n2, i;
	char text[8192];

	if (is_pg())
		skip();
	for (i = 0; i < sizeof(text) - 1; i++)
		text[i] = (char)('!' + (i * 7919) % 90);
	text[sizeof(text) - 1] = '\0';
	write_file(where, text);
	before = slurp(where, &n1);
	assert_int_equal(cp_store_open(where, &st, &err), CP_ERR_STORE);
	assert_null(st);
	assert_non_null(strstr(err.msg, "corrupt"));
	after = slurp(where, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	free(before);
	free(after);
}

static void damaged_pages_refused(void **state)
{
	struct cp_store *st;
	struct cp_error err;
	struct cp_store_filter f = { 0 };
	json_t *rows = NULL;
	char dir[600];
	size_t total, i;
	FILE *fp;
	int ret;

	if (is_pg())
		skip();
	st = open_ok();
	for (i = 0; i < 30; i++) {
		snprintf(dir, sizeof(dir), "%s/d%zu", tmp, i);
		result_dir(dir, "KASAN: a long enough title to fill pages of the store file", "/r", B);
		assert_int_equal(cp_store_put_dir(st, dir, NULL, NULL, &err), 0);
	}
	cp_store_close(st);
	/* the header intact, every later page overwritten */
	fp = fopen(where, "r+b");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 4096, SEEK_SET), 0);
	for (i = 0; i < 4096 * 8; i++)
		fputc(0x5a, fp);
	assert_int_equal(fclose(fp), 0);
	ret = cp_store_open(where, &st, &err);
	if (!ret) {
		ret = cp_store_list(st, &f, &rows, &total, &err);
		json_decref(rows);
		cp_store_close(st);
	}
	assert_int_equal(ret, CP_ERR_STORE);
}

static void newer_schema_refused(void **state)
{
	struct cp_store *st = open_ok();
	struct cp_error err;
	char dir[600];

	if (is_pg()) {
		cp_store_close(st);
		skip();
	}
	snprintf(dir, sizeof(dir), "%s/n1", tmp);
	result_dir(dir, "T", "/r", B);
	assert_int_equal(cp_store_put_dir(st, dir, NULL, NULL, &err), 0);
	cp_store_close(st);
	sql(where, "UPDATE culprit_schema SET version = 99");
	st = NULL;
	assert_int_equal(cp_store_open(where, &st, &err), CP_ERR_STORE);
	assert_null(st);
	assert_non_null(strstr(err.msg, "schema version 99, newer"));
	/* nothing lost: the row is still there for the newer culprit */
	snprintf(dir, sizeof(dir), "UPDATE culprit_schema SET version = %d", CP_STORE_SCHEMA);
	sql(where, dir);
	st = open_ok();
	assert_int_equal(count(st, NULL), 1);
	cp_store_close(st);
}

static int int_query(const char *path, const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

/* A version 1 store (no state index) with a row: opening migrates it, the row stays. */
static void version_1_migrated(void **state)
{
	struct cp_store *st;
	struct cp_error err;
	char dir[600];

	if (is_pg())
		skip();
	st = open_ok();
	snprintf(dir, sizeof(dir), "%s/m1", tmp);
	result_dir(dir, "T", "/r", B);
	assert_int_equal(cp_store_put_dir(st, dir, NULL, NULL, &err), 0);
	cp_store_close(st);
	sql(where, "DROP INDEX bisections_state; UPDATE culprit_schema SET version = 1");
	assert_int_equal(int_query(where, "SELECT count(*) FROM sqlite_master WHERE name = 'bisections_state'"), 0);
	st = open_ok();
	assert_int_equal(count(st, NULL), 1);
	cp_store_close(st);
	assert_int_equal(int_query(where, "SELECT version FROM culprit_schema"), CP_STORE_SCHEMA);
	assert_int_equal(int_query(where, "SELECT count(*) FROM sqlite_master WHERE name = 'bisections_state'"), 1);
}

static void old_schema_migrated_foreign_refused(void **state)
{
	struct cp_store *st;
	struct cp_error err;

	if (is_pg())
		skip();
	sql(where, "CREATE TABLE culprit_schema (version INTEGER NOT NULL);"
		   "INSERT INTO culprit_schema VALUES (0)");
	st = open_ok();
	assert_int_equal(count(st, NULL), 0);
	cp_store_close(st);
	snprintf(where, sizeof(where), "%s/foreign.db", tmp);
	sql(where, "CREATE TABLE bisections (x TEXT)");
	assert_int_equal(cp_store_open(where, &st, &err), CP_ERR_STORE);
	assert_non_null(strstr(err.msg, "not a culprit store"));
	snprintf(where, sizeof(where), "%s/store.db", tmp);
}

static void several_writers(void **state)
{
	enum { PROCS = 4, EACH = 8 };
	char dir[600];
	int i, k, status;
	pid_t pids[PROCS];

	for (i = 0; i < PROCS * EACH; i++) {
		snprintf(dir, sizeof(dir), "%s/w%d", tmp, i);
		result_dir(dir, "KASAN: w", "/r", B);
	}
	for (i = 0; i < PROCS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct cp_store *st;
			struct cp_error err;
			int bad = 0;

			if (cp_store_open(where, &st, &err))
				_exit(2);
			for (k = 0; k < EACH; k++) {
				snprintf(dir, sizeof(dir), "%s/w%d", tmp, i * EACH + k);
				bad |= cp_store_put_dir(st, dir, NULL, NULL, &err) != 0;
			}
			cp_store_close(st);
			_exit(bad);
		}
	}
	for (i = 0; i < PROCS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	{
		struct cp_store *st = open_ok();

		assert_int_equal(count(st, NULL), PROCS * EACH);
		cp_store_close(st);
	}
}

/* A writer killed mid-stream: every row it saw committed is there, the store opens clean. */
static void killed_writer_loses_nothing(void **state)
{
	enum { DIRS = 60 };
	char dir[600], line[64];
	int fds[2], status, i;
	size_t committed = 0;
	FILE *in;
	pid_t pid;

	for (i = 0; i < DIRS; i++) {
		snprintf(dir, sizeof(dir), "%s/k%d", tmp, i);
		result_dir(dir, "KASAN: k", "/r", B);
	}
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cp_store *st;
		struct cp_error err;

		close(fds[0]);
		if (cp_store_open(where, &st, &err))
			_exit(2);
		for (i = 0; ; i = (i + 1) % DIRS) {
			snprintf(dir, sizeof(dir), "%s/k%d", tmp, i);
			if (cp_store_put_dir(st, dir, NULL, NULL, &err))
				_exit(3);
			snprintf(line, sizeof(line), "%d\n", i);
			if (write(fds[1], line, strlen(line)) < 0)
				_exit(4);
		}
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	assert_non_null(in);
	/* kill it somewhere inside a later write, after 25 commits */
	while (committed < 25 && fgets(line, sizeof(line), in))
		committed++;
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	while (fgets(line, sizeof(line), in))
		committed++;
	fclose(in);
	assert_true(WIFSIGNALED(status));
	{
		struct cp_store *st = open_ok();
		struct cp_error err;
		long long id;

		assert_true(count(st, NULL) >= (committed < DIRS ? committed : DIRS));
		for (i = 0; i < (int)committed && i < DIRS; i++) {
			snprintf(dir, sizeof(dir), "%s/k%d", tmp, i);
			assert_int_equal(cp_store_find_dir(st, dir, &id, &err), 0);
			assert_true(id > 0);
		}
		cp_store_close(st);
	}
	if (!is_pg()) {
		sqlite3 *db;
		sqlite3_stmt *q;

		assert_int_equal(sqlite3_open(where, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
		sqlite3_finalize(q);
		sqlite3_close(db);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(put_get_upsert, setup, teardown),
		cmocka_unit_test_setup_teardown(journal_only, setup, teardown),
		cmocka_unit_test_setup_teardown(filters_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(queue_and_state, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_dir_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(corrupt_file_refused_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_pages_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(old_schema_migrated_foreign_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(version_1_migrated, setup, teardown),
		cmocka_unit_test_setup_teardown(several_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(killed_writer_loses_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
