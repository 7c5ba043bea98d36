/*
 * The executor and the journal together, the way the driver uses them: a
 * "culprit" runs N jobs three at a time, journaling each as it finishes,
 * and is killed with SIGKILL at random moments until all are recorded.
 * No run may be recorded twice, none lost, and no child or grandchild may
 * outlive its culprit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/wait.h>

#include "run/exec.h"
#include "run/journal.h"
#include "helpers.h"

#define N_RUNS 40
#define JOBS 3

static char *tmp;

static int setup(void **state)
{
	(void)state;
	tmp = make_tmpdir();
	return tmp ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	remove_tree(tmp);
	free(tmp);
	return 0;
}

/* Live processes whose environment holds mark ("NAME=value"). */
static int count_marked(const char *mark)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	static char buf[1 << 16];
	int count = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[300];
		size_t n, off;
		FILE *f;
		int pid = atoi(de->d_name);

		if (pid <= 0 || !proc_alive(pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/environ", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		for (off = 0; off < n; off += strlen(buf + off) + 1)
			if (!strcmp(buf + off, mark)) {
				count++;
				break;
			}
	}
	closedir(d);
	return count;
}

/* Runs what the journal lacks; exits 0 when everything is recorded. */
static void worker(const char *out, const char *pids, const char *mark)
{
	const char *env[] = { mark, NULL };
	struct { int id, i; } running[JOBS];
	bool done[N_RUNS] = { false };
	struct cp_run_pool *pool;
	struct cp_journal *j;
	struct cp_run_result res;
	char cmd[2048];
	json_t *rec;
	size_t k;
	int next = 0, n = 0, i;

	struct cp_error err;

	if (cp_journal_open(&j, out, NULL, &err)) {
		fprintf(stderr, "worker: %s\n", err.msg);
		_exit(2);
	}
	for (k = 0; k < cp_journal_count(j); k++) {
		i = (int)json_integer_value(json_object_get(cp_journal_get(j, k), "i"));
		if (i < 0 || i >= N_RUNS || done[i])
			_exit(3);	/* recorded twice */
		done[i] = true;
	}
	if (cp_run_pool_new(&pool, JOBS, NULL))
		_exit(4);
	for (;;) {
		while (n < JOBS && next < N_RUNS) {
			struct cp_run_spec spec = { .shell = cmd, .env = env,
						    .timeout_ms = 10000 };

			if (done[next]) {
				next++;
				continue;
			}
			snprintf(cmd, sizeof(cmd),
				 "sleep 987 & echo $! >> %s; echo $$ >> %s; sleep 0.0%d; echo run %d",
				 pids, pids, next % 8 + 1, next);
			if (cp_run_start(pool, &spec, &running[n].id, NULL))
				_exit(5);
			running[n++].i = next++;
		}
		if (n == 0)
			break;
		if (cp_run_wait(pool, &res, NULL))
			_exit(6);
		for (k = 0; k < (size_t)n && running[k].id != res.id; k++)
			;
		if (k == (size_t)n || res.status.exit_code != 0)
			_exit(7);
		rec = json_pack("{s:s, s:i, s:I}", "type", "run", "i",
				running[k].i, "ns", (json_int_t)res.duration_ns);
		if (!rec || cp_journal_append(j, rec, NULL))
			_exit(8);
		json_decref(rec);
		cp_run_result_dispose(&res);
		running[k] = running[--n];
	}
	cp_run_pool_free(pool);
	cp_journal_close(j);
	_exit(0);
}

static void sigkill_at_random_moments(void **state)
{
	char out[512], pids[512], mark[600];
	bool seen[N_RUNS] = { false };
	struct cp_journal *j;
	int round, status = 0, kills = 0;
	size_t k;
	FILE *f;
	int pid_count = 0, alive = 0, p;

	(void)state;
	snprintf(out, sizeof(out), "%s/out", tmp);
	snprintf(pids, sizeof(pids), "%s/pids", tmp);
	/* Every run and everything it starts carries this variable. */
	snprintf(mark, sizeof(mark), "CP_RESUME_TEST=%s", tmp);
	srand((unsigned)getpid());
	/* Up to 100 kills; then a last worker may finish, however slow. */
	for (round = 0; round <= 100; round++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0)
			worker(out, pids, mark);
		if (round < 100) {
			sleep_ms(20 + rand() % 150);
			if (kill(pid, SIGKILL) == 0)
				kills++;
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status)) {
			if (WEXITSTATUS(status) != 0)
				fail_msg("worker failed with %d", WEXITSTATUS(status));
			break;
		}
	}
	assert_true(WIFEXITED(status));
	print_message("finished after %d SIGKILLs\n", kills);

	j = NULL;
	assert_int_equal(cp_journal_open(&j, out, NULL, NULL), 0);
	assert_int_equal(cp_journal_count(j), N_RUNS);
	for (k = 0; k < N_RUNS; k++) {
		int i = (int)json_integer_value(json_object_get(cp_journal_get(j, k), "i"));

		assert_true(i >= 0 && i < N_RUNS);
		assert_false(seen[i]);
		seen[i] = true;
	}
	cp_journal_close(j);

	/* Every shell and every background sleep ever started is gone. */
	f = fopen(pids, "r");
	assert_non_null(f);
	while (fscanf(f, "%d", &p) == 1) {
		pid_count++;
		if (!proc_gone_within(p, 3000)) {
			char path[64];

			alive++;
			snprintf(path, sizeof(path), "/proc/%d/stat", p);
			print_message("left: %s\n", slurp(path));
		}
	}
	fclose(f);
	print_message("%d processes started, %d left\n", pid_count, alive);
	assert_true(pid_count >= 2 * N_RUNS);
	assert_int_equal(alive, 0);
	/* Also those killed before their pid was written down. */
	for (round = 0; round < 300 && count_marked(mark) > 0; round++)
		sleep_ms(10);
	assert_int_equal(count_marked(mark), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sigkill_at_random_moments, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
