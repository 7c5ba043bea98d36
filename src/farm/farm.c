/* The farm's queue (farm.h): job files in, one culprit bisect per job. */
#include "farm/farm.h"
#include "farm/board.h"
#include "run/exec.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct cp_run_pool *volatile active_pool;

void cp_farm_interrupt(void)
{
	if (active_pool)
		cp_run_pool_cancel(active_pool);
}

struct bisection {
	char name[256];
	char job[4400];
	char out[4400];
	char log[4400];
	int id;			/* the pool's, -1 when not running */
	enum { B_WAITING, B_RUNNING, B_DONE, B_FAILED } state;
};

static int is_job_file(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return de->d_name[0] != '.' && n > 5 && n < 250 && !strcmp(de->d_name + n - 5, ".json");
}

static int exists(const char *dir, const char *file)
{
	char path[4600];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return stat(path, &st) == 0;
}

/* The line of the bisection's output starting with prefix, or "". */
static void line_of(const char *log, const char *prefix, char *buf, size_t size)
{
	FILE *f = fopen(log, "r");
	char line[1024];

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, prefix, strlen(prefix))) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, size, "%s", line);
		}
	fclose(f);
}

static int start(struct cp_run_pool *pool, const struct cp_farm_opts *o, struct bisection *b,
		 struct cp_error *err)
{
	const char *argv[16];
	struct cp_run_spec spec = { 0 };
	int n = 0, resume = exists(b->out, "journal.jsonl");

	argv[n++] = o->self;
	argv[n++] = "bisect";
	if (resume) {
		/* the job, cache and executor come from the journal's header */
		argv[n++] = "--resume";
		argv[n++] = b->out;
	} else {
		argv[n++] = "--job";
		argv[n++] = b->job;
		argv[n++] = "--out";
		argv[n++] = b->out;
		if (o->cache) {
			argv[n++] = "--cache";
			argv[n++] = o->cache;
		}
		if (o->executor) {
			argv[n++] = "--executor";
			argv[n++] = o->executor;
		}
	}
	/* the store is not in the journal's header: a resumed one needs it again */
	if (o->store) {
		argv[n++] = "--store";
		argv[n++] = o->store;
	}
	argv[n] = NULL;
	spec.argv = argv;
	spec.stdout_path = b->log;
	spec.stderr_path = b->log;
	spec.timeout_ms = o->timeout_s * 1000;
	/* a bisection stops its own children and journals on SIGTERM */
	spec.grace_ms = 30000;
	if (cp_run_start(pool, &spec, &b->id, err))
		return -1;
	b->state = B_RUNNING;
	fprintf(o->log, "farm: %s: %s\n", b->name, resume ? "resumed" : "started");
	fflush(o->log);
	return 0;
}

static void finished(const struct cp_farm_opts *o, struct bisection *b,
		     const struct cp_run_result *res)
{
	char line[1024];

	b->id = -1;
	if (!res->status.cancelled && (res->status.exit_code == 0 || res->status.exit_code == 6 ||
					    res->status.exit_code == 16) &&
	    exists(b->out, "result.json")) {
		b->state = B_DONE;
		if (res->status.exit_code == 16) {
			/* finished, without a culprit: its one-line reason */
			line_of(b->log, "culprit: uncertain", line, sizeof(line));
			fprintf(o->log, "farm: %s: done: %s\n", b->name,
				line[0] ? line + strlen("culprit: ") : "uncertain (result.json)");
			fflush(o->log);
			return;
		}
		line_of(b->log, "first bad commit:", line, sizeof(line));
		if (!line[0])
			line_of(b->log, "first good commit:", line, sizeof(line));
		fprintf(o->log, "farm: %s: done: %s\n", b->name, line[0] ? line : "inconclusive (result.json)");
	} else {
		b->state = B_FAILED;
		line_of(b->log, "culprit: ", line, sizeof(line));
		if (res->status.cancelled)
			fprintf(o->log, "farm: %s: interrupted (resumable)\n", b->name);
		else if (res->status.timed_out)
			fprintf(o->log, "farm: %s: failed: timed out after %llu s (resumable)\n", b->name,
				(unsigned long long)o->timeout_s);
		else
			fprintf(o->log, "farm: %s: failed (exit %d): %s\n", b->name,
				res->status.exit_code, line[0] ? line : res->status.failure);
	}
	fflush(o->log);
}

static int list_jobs(const struct cp_farm_opts *o, struct bisection **out, size_t *n,
		     struct cp_error *err)
{
	struct dirent **names = NULL;
	struct bisection *v;
	int k, count = scandir(o->jobs_dir, &names, is_job_file, alphasort);

	*out = NULL;
	*n = 0;
	if (count < 0)
		return cp_error_set(err, CP_ERR_USAGE, "cannot read --jobs-dir %s: %s", o->jobs_dir,
				    strerror(errno));
	if (count == 0) {
		free(names);
		return cp_error_set(err, CP_ERR_USAGE, "no job files (*.json) in %s", o->jobs_dir);
	}
	v = calloc((size_t)count, sizeof(*v));
	for (k = 0; k < count; k++) {
		if (v) {
			struct bisection *b = &v[k];

			snprintf(b->name, sizeof(b->name), "%.*s", (int)strlen(names[k]->d_name) - 5,
				 names[k]->d_name);
			snprintf(b->job, sizeof(b->job), "%s/%s", o->jobs_dir, names[k]->d_name);
			snprintf(b->out, sizeof(b->out), "%s/%s", o->out, b->name);
			snprintf(b->log, sizeof(b->log), "%s/%s.log", o->out, b->name);
			b->id = -1;
			b->state = exists(b->out, "result.json") ? B_DONE : B_WAITING;
		}
		free(names[k]);
	}
	free(names);
	if (!v)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	*out = v;
	*n = (size_t)count;
	return 0;
}

/*
 * On a terminal the board is redrawn every second: a "sleep 1" child in the
 * pool wakes cp_run_wait(), which has no timeout of its own.  -1 when none.
 */
static int tick(struct cp_run_pool *pool, struct cp_farm_board *bd)
{
	const char *argv[] = { "sleep", "1", NULL };
	struct cp_run_spec spec = { .argv = argv, .timeout_ms = 10000 };
	struct cp_error e;
	int id = -1;

	if (bd->tty && cp_run_start(pool, &spec, &id, &e))
		id = -1;
	return id;
}

static void draw(struct cp_farm_board *bd, const struct bisection *b, size_t n,
		 struct cp_farm_line *lines)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (b[i].state == B_RUNNING) {
			lines[k].name = b[i].name;
			lines[k++].out = b[i].out;
		}
	cp_farm_board_draw(bd, lines, k);
}

int cp_farm_run(const struct cp_farm_opts *o, volatile sig_atomic_t *stop,
		struct cp_error *err)
{
	struct cp_farm_board bd;
	struct cp_farm_line *lines = NULL;
	int ticker = -1;
	struct cp_run_pool *pool = NULL;
	struct bisection *b = NULL;
	size_t n, i, next = 0, ndone = 0, nfailed = 0, nskipped = 0;
	int ret;

	ret = list_jobs(o, &b, &n, err);
	if (!ret)
		ret = cp_mkdir_p(o->out, err);
	if (!ret)
		ret = cp_run_pool_new(&pool, o->slots + 1, err);	/* + the ticker */
	if (!ret && !(lines = calloc(n, sizeof(*lines))))
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	if (ret) {
		cp_run_pool_free(pool);
		free(b);
		return ret;
	}
	cp_farm_board_init(&bd, o->log, 0);
	active_pool = pool;
	for (i = 0; i < n; i++)
		if (b[i].state == B_DONE) {
			nskipped++;
			fprintf(o->log, "farm: %s: finished already\n", b[i].name);
		}
	for (;;) {
		while (!(stop && *stop) && cp_run_running(pool) - (ticker >= 0) < o->slots) {
			while (next < n && b[next].state != B_WAITING)
				next++;
			if (next >= n)
				break;
			cp_farm_board_erase(&bd);
			if (start(pool, o, &b[next], err)) {
				/* this one cannot start (e.g. its log): the others go on */
				fprintf(o->log, "farm: %s: failed: %s\n", b[next].name, err->msg);
				b[next].state = B_FAILED;
				cp_error_clear(err);
			}
			next++;
		}
		if (cp_run_running(pool) - (ticker >= 0) == 0)
			break;
		if (ticker < 0 && !(stop && *stop))
			ticker = tick(pool, &bd);
		{
			struct cp_run_result res = { 0 };

			ret = cp_run_wait(pool, &res, err);
			if (ret)
				break;
			if (res.id == ticker) {
				ticker = -1;
				if (!(stop && *stop))
					draw(&bd, b, n, lines);
			} else {
				cp_farm_board_erase(&bd);
			}
			for (i = 0; i < n; i++)
				if (b[i].state == B_RUNNING && b[i].id == res.id)
					finished(o, &b[i], &res);
			cp_run_result_dispose(&res);
		}
	}
	active_pool = NULL;
	cp_farm_board_erase(&bd);
	cp_run_pool_free(pool);
	free(lines);
	for (i = 0; i < n; i++) {
		ndone += b[i].state == B_DONE;
		nfailed += b[i].state != B_DONE;
	}
	fprintf(o->log, "farm: %zu bisections: %zu done (%zu before), %zu not finished\n", n, ndone,
		nskipped, nfailed);
	free(b);
	if (ret)
		return ret;
	if (stop && *stop)
		return cp_error_set(err, CP_ERR_INTERRUPTED,
				    "interrupted; rerun the same culprit farm command to resume");
	if (nfailed)
		return cp_error_set(err, CP_ERR_FARM, "%zu of %zu bisections did not finish (see %s/*.log)",
				    nfailed, n, o->out);
	return 0;
}
