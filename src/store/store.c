/*
 * The schema, its migrations and every query of the store, written once
 * for all back ends (backend.h): parameters are $1..$n, each once and in
 * order, numbers travel as text and are CAST where SQL needs a number.
 */
#include "store/store.h"
#include "store/backend.h"
#include "output/summary.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct cp_store {
	const struct cp_store_backend *be;
	void *conn;
};

static const char *const states[] = { "queued", "running", "done", "failed", "interrupted" };

int cp_store_state_valid(const char *s)
{
	size_t i;

	for (i = 0; s && i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(s, states[i]))
			return 1;
	return 0;
}

const char *cp_store_backend_name(const struct cp_store *st)
{
	return st->be->name;
}

static int run(struct cp_store *st, const char *sql, int n, const char *const *p,
	       cp_store_row_fn row, void *ctx, struct cp_error *err)
{
	return st->be->exec(st->conn, sql, n, p, row, ctx, err);
}

static void rollback(struct cp_store *st)
{
	struct cp_error ignored;

	run(st, "ROLLBACK", 0, NULL, NULL, NULL, &ignored);
}

static int commit(struct cp_store *st, struct cp_error *err)
{
	int ret = run(st, "COMMIT", 0, NULL, NULL, NULL, err);

	if (ret)
		rollback(st);
	return ret;
}

/* Migration N brings the schema from version N to N + 1. */
static int migrate_0(struct cp_store *st, struct cp_error *err)
{
	char sql[1024];
	int ret;

	snprintf(sql, sizeof(sql),
		 "CREATE TABLE bisections (id %s, dir TEXT NOT NULL UNIQUE, state TEXT NOT NULL,"
		 " mode TEXT, status TEXT, title TEXT, repo TEXT, bad TEXT, culprit TEXT, subject TEXT,"
		 " confidence DOUBLE PRECISION, flags TEXT, revisions INTEGER,"
		 " created DOUBLE PRECISION, updated DOUBLE PRECISION, finished DOUBLE PRECISION,"
		 " job TEXT, result TEXT)", st->be->serial_pk);
	ret = run(st, sql, 0, NULL, NULL, NULL, err);
	if (!ret)
		ret = run(st, "CREATE INDEX bisections_updated ON bisections (updated)", 0, NULL, NULL, NULL, err);
	if (!ret)
		ret = run(st, "CREATE TABLE tested (bisection BIGINT NOT NULL REFERENCES bisections (id)"
			  " ON DELETE CASCADE, idx INTEGER NOT NULL, commit_id TEXT NOT NULL, label TEXT,"
			  " verdict TEXT, target INTEGER, clean INTEGER, other INTEGER, infra INTEGER,"
			  " build_s DOUBLE PRECISION, test_s DOUBLE PRECISION, PRIMARY KEY (bisection, idx))",
			  0, NULL, NULL, NULL, err);
	return ret;
}

/* 1 -> 2: the list filtered by state without reading every row */
static int migrate_1(struct cp_store *st, struct cp_error *err)
{
	return run(st, "CREATE INDEX bisections_state ON bisections (state, updated)", 0, NULL, NULL,
		   NULL, err);
}

static int (*const migrations[CP_STORE_SCHEMA])(struct cp_store *, struct cp_error *) = {
	migrate_0,
	migrate_1,
};

static int int_row(void *ctx, int ncols, const char *const *cols, struct cp_error *err)
{
	*(long long *)ctx = ncols > 0 && cols[0] ? strtoll(cols[0], NULL, 10) : -1;
	return 0;
}

static int found_row(void *ctx, int ncols, const char *const *cols, struct cp_error *err)
{
	*(int *)ctx = 1;
	return 0;
}

static int has_table(struct cp_store *st, const char *table, int *yes, struct cp_error *err)
{
	const char *p[1] = { table };

	*yes = 0;
	return run(st, st->be->has_table_sql, 1, p, found_row, yes, err);
}

static int migrate(struct cp_store *st, const char *where, struct cp_error *err)
{
	long long version = -1;
	char buf[32];
	const char *p[1] = { buf };
	int yes, ret;

	ret = st->be->begin(st->conn, err);
	if (ret)
		return ret;
	ret = has_table(st, "culprit_schema", &yes, err);
	if (!ret && !yes) {
		int theirs = 0;

		/* someone else's bisections table: not ours to migrate */
		ret = has_table(st, "bisections", &theirs, err);
		if (!ret && theirs)
			ret = cp_error_set(err, CP_ERR_STORE, "%s: not a culprit store (a bisections table without culprit_schema)", where);
	}
	if (!ret && !yes) {
		ret = run(st, "CREATE TABLE culprit_schema (version INTEGER NOT NULL)", 0, NULL, NULL, NULL, err);
		if (!ret)
			ret = run(st, "INSERT INTO culprit_schema (version) VALUES (0)", 0, NULL, NULL, NULL, err);
	}
	if (!ret)
		ret = run(st, "SELECT version FROM culprit_schema", 0, NULL, int_row, &version, err);
	if (!ret && version < 0)
		ret = cp_error_set(err, CP_ERR_STORE, "%s: the store has no schema version", where);
	if (!ret && version > CP_STORE_SCHEMA)
		ret = cp_error_set(err, CP_ERR_STORE,
				   "%s: the store has schema version %lld, newer than this culprit's (%d): use a newer culprit",
				   where, version, CP_STORE_SCHEMA);
	for (; !ret && version < CP_STORE_SCHEMA; version++) {
		ret = migrations[version](st, err);
		snprintf(buf, sizeof(buf), "%lld", version + 1);
		if (!ret)
			ret = run(st, "UPDATE culprit_schema SET version = CAST($1 AS INTEGER)", 1, p, NULL, NULL, err);
	}
	if (ret) {
		rollback(st);
		return ret;
	}
	return commit(st, err);
}

int cp_store_open(const char *where, struct cp_store **out, struct cp_error *err)
{
	struct cp_store *st;
	int ret;

	*out = NULL;
	if (!where || !*where)
		return cp_error_set(err, CP_ERR_USAGE, "store: no store given");
	st = calloc(1, sizeof(*st));
	if (!st)
		return cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
	st->be = !strncmp(where, "postgresql://", 13) || !strncmp(where, "postgres://", 11)
		? &cp_store_postgres : &cp_store_sqlite;
	ret = st->be->open(where, &st->conn, err);
	if (!ret)
		ret = migrate(st, where, err);
	if (ret) {
		if (st->conn)
			st->be->close(st->conn);
		free(st);
		return ret;
	}
	*out = st;
	return 0;
}

void cp_store_close(struct cp_store *st)
{
	if (!st)
		return;
	st->be->close(st->conn);
	free(st);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The flags a person filters on, from the summary; a JSON array. */
static json_t *flags_of(const struct cp_summary *s, const char *state)
{
	json_t *a = json_array();
	size_t i;

	if (!a)
		return NULL;
	/* a running bisection has no result yet either, but nothing went wrong */
	if (s->from_journal && !strcmp(state, "interrupted"))
		json_array_append_new(a, json_string("interrupted: no result yet"));
	if (cp_summary_flaky(s))
		json_array_append_new(a, json_string("flaky reproducer"));
	if (s->culprit_signature && s->parent_signature &&
	    !strcmp(s->culprit_signature, s->parent_signature))
		json_array_append_new(a, json_string("build unchanged from parent"));
	if (s->status && !strcmp(s->status, "inconclusive"))
		json_array_append_new(a, json_string("inconclusive"));
	/* below the confidence target: candidates, no culprit to act on */
	if (s->status && !strcmp(s->status, "uncertain"))
		json_array_append_new(a, json_string("uncertain"));
	if (s->nothers)
		json_array_append_new(a, json_string("other crash in the range"));
	for (i = 0; i < s->nflags; i++)
		json_array_append_new(a, json_string(s->flags[i]));
	return a;
}

static char *num(char *buf, size_t n, double v)
{
	snprintf(buf, n, "%.17g", v);
	return buf;
}

static int put_tested(struct cp_store *st, const char *id, const struct cp_summary *s,
		      struct cp_error *err)
{
	char idx[24], t[24], c[24], o[24], in[24], b[40], ts[40];
	const char *p[11];
	size_t i;
	int ret;

	p[0] = id;
	ret = run(st, "DELETE FROM tested WHERE bisection = CAST($1 AS BIGINT)", 1, p, NULL, NULL, err);
	for (i = 0; !ret && i < s->ntested; i++) {
		const struct cp_summary_tested *x = &s->tested[i];

		snprintf(idx, sizeof(idx), "%zu", i);
		snprintf(t, sizeof(t), "%u", x->runs.target);
		snprintf(c, sizeof(c), "%u", x->runs.clean);
		snprintf(o, sizeof(o), "%u", x->runs.other);
		snprintf(in, sizeof(in), "%u", x->runs.infra);
		p[0] = id; p[1] = idx; p[2] = x->commit; p[3] = x->label; p[4] = x->verdict;
		p[5] = t; p[6] = c; p[7] = o; p[8] = in;
		p[9] = num(b, sizeof(b), x->build_s);
		p[10] = num(ts, sizeof(ts), x->test_s);
		ret = run(st, "INSERT INTO tested (bisection, idx, commit_id, label, verdict, target, clean,"
			  " other, infra, build_s, test_s) VALUES (CAST($1 AS BIGINT), CAST($2 AS INTEGER), $3, $4,"
			  " $5, CAST($6 AS INTEGER), CAST($7 AS INTEGER), CAST($8 AS INTEGER), CAST($9 AS INTEGER),"
			  " CAST($10 AS DOUBLE PRECISION), CAST($11 AS DOUBLE PRECISION))", 11, p, NULL, NULL, err);
	}
	return ret;
}

static const char upsert_sql[] =
	"INSERT INTO bisections (dir, state, mode, status, title, repo, bad, culprit, subject,"
	" confidence, flags, revisions, created, updated, finished, job, result) VALUES ($1, $2, $3,"
	" $4, $5, $6, $7, $8, $9, CAST($10 AS DOUBLE PRECISION), $11, CAST($12 AS INTEGER),"
	" CAST($13 AS DOUBLE PRECISION), CAST($14 AS DOUBLE PRECISION), CAST($15 AS DOUBLE PRECISION),"
	" $16, $17) ON CONFLICT (dir) DO UPDATE SET state = excluded.state, mode = excluded.mode,"
	" status = excluded.status, title = excluded.title, repo = excluded.repo, bad = excluded.bad,"
	" culprit = excluded.culprit, subject = excluded.subject, confidence = excluded.confidence,"
	" flags = excluded.flags, revisions = excluded.revisions, updated = excluded.updated,"
	" finished = excluded.finished, job = COALESCE(excluded.job, bisections.job),"
	" result = excluded.result RETURNING id";

/* Absolute path of dir (which may not exist yet for a queued job). */
static char *abs_dir(const char *dir)
{
	char *r = realpath(dir, NULL);
	char cwd[PATH_MAX];
	size_t n;

	if (r || dir[0] == '/')
		return r ? r : strdup(dir);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	n = strlen(cwd) + strlen(dir) + 2;
	r = malloc(n);
	if (r)
		snprintf(r, n, "%s/%s", cwd, dir);
	return r;
}

static int id_row(void *ctx, int ncols, const char *const *cols, struct cp_error *err)
{
	snprintf(ctx, 24, "%s", ncols > 0 && cols[0] ? cols[0] : "");
	return 0;
}

int cp_store_put_dir(struct cp_store *st, const char *out_dir, const char *state,
		     long long *id_out, struct cp_error *err)
{
	struct cp_summary s;
	char conf[40], rev[24], created[40], updated[40], finished[40], id[24] = "";
	char *dir = NULL, *flags = NULL, *job = NULL, *result = NULL, *rpath = NULL;
	const char *p[17];
	json_t *fl, *jobj;
	struct stat sb;
	double t;
	int ret;

	if (state && !cp_store_state_valid(state))
		return cp_error_set(err, CP_ERR_USAGE, "store: unknown state \"%s\"", state);
	ret = cp_summary_load(out_dir, &s, err);
	if (ret)
		return cp_error_prefix(err, "store: %s", out_dir);
	if (!state)
		state = s.from_journal ? "interrupted" : "done";
	dir = abs_dir(out_dir);
	fl = flags_of(&s, state);
	flags = fl ? json_dumps(fl, JSON_COMPACT) : NULL;
	json_decref(fl);
	jobj = json_object_get(s.root, "job");
	job = jobj ? json_dumps(jobj, JSON_COMPACT) : NULL;
	result = json_dumps(s.root, JSON_COMPACT);
	if (!dir || !flags || !result || (jobj && !job)) {
		ret = cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
		goto out;
	}
	t = now_s();
	finished[0] = '\0';
	if (asprintf(&rpath, "%s/result.json", dir) < 0) {
		rpath = NULL;
		ret = cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
		goto out;
	}
	/* The result's own time, so an import keeps when the bisection ended. */
	if (!s.from_journal && !stat(rpath, &sb))
		num(finished, sizeof(finished), (double)sb.st_mtim.tv_sec + sb.st_mtim.tv_nsec / 1e9);
	snprintf(rev, sizeof(rev), "%zu", s.revisions ? s.revisions : s.ntested);
	p[0] = dir; p[1] = state; p[2] = s.mode; p[3] = s.status; p[4] = s.target;
	p[5] = s.repo; p[6] = s.bad; p[7] = s.culprit; p[8] = s.culprit_subject;
	p[9] = num(conf, sizeof(conf), s.confidence);
	p[10] = flags; p[11] = rev;
	p[12] = num(created, sizeof(created), t);
	p[13] = num(updated, sizeof(updated), finished[0] ? strtod(finished, NULL) : t);
	p[14] = finished[0] ? finished : NULL;
	p[15] = job; p[16] = result;
	ret = st->be->begin(st->conn, err);
	if (ret)
		goto out;
	ret = run(st, upsert_sql, 17, p, id_row, id, err);
	if (!ret && !id[0])
		ret = cp_error_set(err, CP_ERR_INTERNAL, "store: no row id came back");
	if (!ret)
		ret = put_tested(st, id, &s, err);
	if (ret)
		rollback(st);
	else
		ret = commit(st, err);
	if (!ret && id_out)
		*id_out = strtoll(id, NULL, 10);
out:
	free(rpath);
	free(dir);
	free(flags);
	free(job);
	free(result);
	cp_summary_dispose(&s);
	return ret;
}

int cp_store_queue(struct cp_store *st, const char *dir_in, json_t *job,
		   long long *id_out, struct cp_error *err)
{
	char t[40], id[24] = "";
	char *dir = abs_dir(dir_in), *j = job ? json_dumps(job, JSON_COMPACT) : NULL;
	const char *p[17] = { 0 };
	json_t *repo = job ? json_object_get(job, "repo") : NULL;
	json_t *bad = job ? json_object_get(job, "bad") : NULL;
	json_t *title = job ? json_object_get(job, "crash") : NULL;
	int ret;

	if (!dir || (job && !j)) {
		free(dir);
		free(j);
		return cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
	}
	num(t, sizeof(t), now_s());
	p[0] = dir; p[1] = "queued"; p[4] = json_string_value(title);
	p[5] = json_string_value(repo); p[6] = json_string_value(bad);
	p[10] = "[]"; p[11] = "0"; p[12] = t; p[13] = t; p[15] = j;
	ret = st->be->begin(st->conn, err);
	if (!ret) {
		ret = run(st, upsert_sql, 17, p, id_row, id, err);
		if (ret)
			rollback(st);
		else
			ret = commit(st, err);
	}
	if (!ret && id_out)
		*id_out = strtoll(id, NULL, 10);
	free(dir);
	free(j);
	return ret;
}

int cp_store_set_state(struct cp_store *st, const char *dir_in, const char *state,
		       struct cp_error *err)
{
	char t[40], id[24] = "";
	char *dir;
	const char *p[3];
	int ret;

	if (!cp_store_state_valid(state))
		return cp_error_set(err, CP_ERR_USAGE, "store: unknown state \"%s\"", state);
	dir = abs_dir(dir_in);
	if (!dir)
		return cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
	p[0] = state; p[1] = num(t, sizeof(t), now_s()); p[2] = dir;
	ret = run(st, "UPDATE bisections SET state = $1, updated = CAST($2 AS DOUBLE PRECISION)"
		  " WHERE dir = $3 RETURNING id", 3, p, id_row, id, err);
	if (!ret && !id[0])
		ret = cp_error_set(err, CP_ERR_INPUT, "store: no bisection with directory %s", dir);
	free(dir);
	return ret;
}

int cp_store_find_dir(struct cp_store *st, const char *dir_in, long long *id,
		      struct cp_error *err)
{
	char found[24] = "";
	char *dir = abs_dir(dir_in);
	const char *p[1] = { dir };
	int ret;

	*id = 0;
	if (!dir)
		return cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
	ret = run(st, "SELECT id FROM bisections WHERE dir = $1", 1, p, id_row, found, err);
	if (!ret && found[0])
		*id = strtoll(found, NULL, 10);
	free(dir);
	return ret;
}

#define ROW_COLS "id, dir, state, mode, status, title, repo, bad, culprit, subject, confidence," \
	" flags, revisions, created, updated, finished"

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *real_or_null(const char *s)
{
	return s ? json_real(strtod(s, NULL)) : json_null();
}

static json_t *parsed_or_null(const char *s)
{
	json_t *v = s ? json_loads(s, 0, NULL) : NULL;

	return v ? v : json_null();
}

static json_t *row_object(int ncols, const char *const *c)
{
	json_t *o = json_object();

	if (!o || ncols < 16)
		return o;
	json_object_set_new(o, "id", json_integer(c[0] ? strtoll(c[0], NULL, 10) : 0));
	json_object_set_new(o, "dir", text_or_null(c[1]));
	json_object_set_new(o, "state", text_or_null(c[2]));
	json_object_set_new(o, "mode", text_or_null(c[3]));
	json_object_set_new(o, "status", text_or_null(c[4]));
	json_object_set_new(o, "title", text_or_null(c[5]));
	json_object_set_new(o, "repo", text_or_null(c[6]));
	json_object_set_new(o, "bad", text_or_null(c[7]));
	json_object_set_new(o, "culprit", text_or_null(c[8]));
	json_object_set_new(o, "subject", text_or_null(c[9]));
	json_object_set_new(o, "confidence", real_or_null(c[10]));
	json_object_set_new(o, "flags", parsed_or_null(c[11]));
	json_object_set_new(o, "revisions", json_integer(c[12] ? strtoll(c[12], NULL, 10) : 0));
	json_object_set_new(o, "created", real_or_null(c[13]));
	json_object_set_new(o, "updated", real_or_null(c[14]));
	json_object_set_new(o, "finished", real_or_null(c[15]));
	return o;
}

static int list_row(void *ctx, int ncols, const char *const *cols, struct cp_error *err)
{
	json_t *o = row_object(ncols, cols);

	if (!o || json_array_append_new(ctx, o))
		return cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
	return 0;
}

/* "%needle%" with LIKE's wildcards escaped, lowercased (ASCII). */
static char *like_pattern(const char *s)
{
	size_t n = strlen(s), i, j = 0;
	char *p = malloc(2 * n + 3);

	if (!p)
		return NULL;
	p[j++] = '%';
	for (i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			p[j++] = '\\';
		p[j++] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	return p;
}

int cp_store_list(struct cp_store *st, const struct cp_store_filter *f,
		  json_t **out, size_t *total, struct cp_error *err)
{
	char where[512] = "", sql[1024], lim[24], off[24];
	char *title = NULL, *repo = NULL;
	const char *p[5];
	long long count = 0;
	json_t *a;
	int n = 0, ret;

	*out = NULL;
	if (f->state) {
		p[n++] = f->state;
		snprintf(where + strlen(where), sizeof(where) - strlen(where), " AND state = $%d", n);
	}
	if (f->title) {
		if (!(title = like_pattern(f->title)))
			return cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
		p[n++] = title;
		snprintf(where + strlen(where), sizeof(where) - strlen(where),
			 " AND lower(title) LIKE $%d ESCAPE '\\'", n);
	}
	if (f->repo) {
		if (!(repo = like_pattern(f->repo))) {
			free(title);
			return cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
		}
		p[n++] = repo;
		snprintf(where + strlen(where), sizeof(where) - strlen(where),
			 " AND lower(repo) LIKE $%d ESCAPE '\\'", n);
	}
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM bisections WHERE 1 = 1%s", where);
	ret = run(st, sql, n, p, int_row, &count, err);
	a = json_array();
	if (!ret && !a)
		ret = cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
	snprintf(lim, sizeof(lim), "%zu", f->limit ? f->limit : 100);
	snprintf(off, sizeof(off), "%zu", f->offset);
	p[n] = lim;
	p[n + 1] = off;
	snprintf(sql, sizeof(sql), "SELECT " ROW_COLS " FROM bisections WHERE 1 = 1%s ORDER BY updated %s,"
		 " id %s LIMIT CAST($%d AS INTEGER) OFFSET CAST($%d AS INTEGER)", where,
		 f->oldest_first ? "ASC" : "DESC", f->oldest_first ? "ASC" : "DESC", n + 1, n + 2);
	if (!ret)
		ret = run(st, sql, n + 2, p, list_row, a, err);
	free(title);
	free(repo);
	if (ret) {
		json_decref(a);
		return ret;
	}
	*out = a;
	if (total)
		*total = count > 0 ? (size_t)count : 0;
	return 0;
}

static int get_row(void *ctx, int ncols, const char *const *c, struct cp_error *err)
{
	json_t **o = ctx;

	*o = row_object(ncols, c);
	if (!*o || ncols < 18)
		return cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
	json_object_set_new(*o, "job", parsed_or_null(c[16]));
	json_object_set_new(*o, "result", parsed_or_null(c[17]));
	return 0;
}

static int tested_row(void *ctx, int ncols, const char *const *c, struct cp_error *err)
{
	json_t *o = json_object();

	if (!o || ncols < 10 || json_array_append_new(ctx, o))
		return cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
	json_object_set_new(o, "commit", text_or_null(c[0]));
	json_object_set_new(o, "label", text_or_null(c[1]));
	json_object_set_new(o, "verdict", text_or_null(c[2]));
	json_object_set_new(o, "target", json_integer(c[3] ? atoll(c[3]) : 0));
	json_object_set_new(o, "clean", json_integer(c[4] ? atoll(c[4]) : 0));
	json_object_set_new(o, "other", json_integer(c[5] ? atoll(c[5]) : 0));
	json_object_set_new(o, "infra", json_integer(c[6] ? atoll(c[6]) : 0));
	json_object_set_new(o, "build_s", real_or_null(c[7]));
	json_object_set_new(o, "test_s", real_or_null(c[8]));
	return 0;
}

int cp_store_get(struct cp_store *st, long long id, json_t **out, struct cp_error *err)
{
	char buf[24];
	const char *p[1] = { buf };
	json_t *o = NULL, *t;
	int ret;

	*out = NULL;
	snprintf(buf, sizeof(buf), "%lld", id);
	ret = run(st, "SELECT " ROW_COLS ", job, result FROM bisections WHERE id = CAST($1 AS BIGINT)",
		  1, p, get_row, &o, err);
	if (ret || !o) {
		json_decref(o);
		return ret;
	}
	t = json_array();
	if (!t || json_object_set_new(o, "tested", t)) {
		json_decref(o);
		return cp_error_set(err, CP_ERR_NOMEM, "store: out of memory");
	}
	/* a dummy 10th column keeps the row callback's column check simple */
	ret = run(st, "SELECT commit_id, label, verdict, target, clean, other, infra, build_s, test_s, idx"
		  " FROM tested WHERE bisection = CAST($1 AS BIGINT) ORDER BY idx", 1, p, tested_row, t, err);
	if (ret) {
		json_decref(o);
		return ret;
	}
	*out = o;
	return 0;
}
