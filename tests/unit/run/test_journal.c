#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "run/journal.h"
#include "helpers.h"

static char *tmp;
static char out[600];
static char journal_path[700];

static int setup(void **state)
{
	static int n;

	(void)state;
	tmp = make_tmpdir();
	if (!tmp)
		return -1;
	/* The output directory does not exist yet: open creates it. */
	snprintf(out, sizeof(out), "%s/deep/out%d", tmp, n++);
	snprintf(journal_path, sizeof(journal_path), "%s/%s", out,
		 CP_JOURNAL_FILE);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_tree(tmp);
	free(tmp);
	return 0;
}

static struct cp_journal *open_ok(json_t *header)
{
	struct cp_journal *j = NULL;
	struct cp_error err;

	cp_error_clear(&err);
	if (cp_journal_open(&j, out, header, &err))
		fail_msg("open failed: %s", err.msg);
	return j;
}

static void append_run(struct cp_journal *j, json_int_t i)
{
	json_t *rec = json_pack("{s:s, s:I, s:s}", "type", "run", "i", i,
				"note", "two\nlines");
	struct cp_error err;

	assert_non_null(rec);
	if (cp_journal_append(j, rec, &err))
		fail_msg("append failed: %s", err.msg);
	json_decref(rec);
}

static void append_raw(const char *text)
{
	int fd = open(journal_path, O_WRONLY | O_APPEND);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void write_raw(const char *text)
{
	char dir[600];
	int fd;

	mkdir(tmp, 0755);
	snprintf(dir, sizeof(dir), "%s/deep", tmp);
	mkdir(dir, 0755);
	mkdir(out, 0755);
	fd = open(journal_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static json_int_t record_i(struct cp_journal *j, size_t k)
{
	return json_integer_value(json_object_get(cp_journal_get(j, k), "i"));
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void append_and_read_back(void **state)
{
	json_t *header = json_pack("{s:s, s:i}", "repo", "/src/x", "runs", 3);
	json_t *other = json_pack("{s:s}", "repo", "/elsewhere");
	struct cp_journal *j;
	json_int_t i;

	(void)state;
	j = open_ok(header);
	assert_false(cp_journal_resumed(j));
	assert_int_equal(cp_journal_count(j), 0);
	assert_true(json_equal(cp_journal_header(j), header));
	for (i = 0; i < 3; i++)
		append_run(j, i);
	assert_int_equal(cp_journal_count(j), 3);
	cp_journal_close(j);

	/* One line per record, escapes keep "two\nlines" on one line. */
	assert_int_equal(count_lines(slurp(journal_path)), 4);
	assert_true(strncmp(slurp(journal_path),
			    "{\"journal\":\"culprit\",\"format\":1,", 32) == 0);

	j = open_ok(other);	/* ignored: the journal exists */
	assert_true(cp_journal_resumed(j));
	assert_true(json_equal(cp_journal_header(j), header));
	assert_int_equal(cp_journal_count(j), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(record_i(j, (size_t)i), i);
	assert_string_equal(json_string_value(json_object_get(
			    cp_journal_get(j, 0), "note")), "two\nlines");
	assert_null(cp_journal_get(j, 3));
	append_run(j, 3);
	cp_journal_close(j);

	j = open_ok(NULL);
	assert_int_equal(cp_journal_count(j), 4);
	cp_journal_close(j);
	json_decref(header);
	json_decref(other);
}

static void torn_last_line_is_dropped(void **state)
{
	struct cp_journal *j;
	struct stat before, after;

	(void)state;
	j = open_ok(NULL);
	append_run(j, 0);
	append_run(j, 1);
	cp_journal_close(j);
	assert_int_equal(stat(journal_path, &before), 0);

	/* What a SIGKILL in the middle of write() leaves. */
	append_raw("{\"type\":\"run\",\"i\":2,\"no");
	j = open_ok(NULL);
	assert_int_equal(cp_journal_count(j), 2);
	/* The torn bytes are cut, so the next record starts clean. */
	assert_int_equal(stat(journal_path, &after), 0);
	assert_int_equal(after.st_size, before.st_size);
	append_run(j, 2);
	cp_journal_close(j);

	j = open_ok(NULL);
	assert_int_equal(cp_journal_count(j), 3);
	assert_int_equal(record_i(j, 2), 2);
	cp_journal_close(j);

	/* A whole but unparsable last line (a torn disk block) too. */
	append_raw("\x01\x02garbage\n");
	j = open_ok(NULL);
	assert_int_equal(cp_journal_count(j), 3);
	cp_journal_close(j);
}

static void torn_header_starts_afresh(void **state)
{
	json_t *header = json_pack("{s:s}", "job", "new");
	struct cp_journal *j;

	(void)state;
	write_raw("{\"journal\":\"cul");
	j = open_ok(header);
	assert_false(cp_journal_resumed(j));
	assert_true(json_equal(cp_journal_header(j), header));
	cp_journal_close(j);
	assert_int_equal(count_lines(slurp(journal_path)), 1);
	json_decref(header);
}

static void corrupt_journals_are_refused(void **state)
{
	struct cp_journal *j = NULL;
	struct cp_error err;

	(void)state;
	write_raw("{\"journal\":\"culprit\",\"format\":1,\"header\":{}}\n"
		  "{\"i\":0}\nnot json\n{\"i\":2}\n");
	assert_int_equal(cp_journal_open(&j, out, NULL, &err), CP_ERR_INPUT);
	assert_null(j);
	assert_non_null(strstr(err.msg, "line 3 is corrupt"));

	write_raw("{\"some\":\"other file\"}\n");
	assert_int_equal(cp_journal_open(&j, out, NULL, &err), CP_ERR_INPUT);
	assert_non_null(strstr(err.msg, "is not a culprit journal"));

	write_raw("{\"journal\":\"culprit\",\"format\":2,\"header\":{}}\n");
	assert_int_equal(cp_journal_open(&j, out, NULL, &err), CP_ERR_INPUT);
	assert_non_null(strstr(err.msg, "format 2"));

	assert_int_equal(cp_journal_open(&j, "", NULL, &err), CP_ERR_USAGE);

	/* A refused journal leaves the directory unlocked. */
	write_raw("");
	j = open_ok(NULL);
	cp_journal_close(j);
}

static void second_culprit_is_refused(void **state)
{
	struct cp_journal *j, *j2 = NULL;
	struct cp_error err;
	char expect[128];
	pid_t pid;
	int status;

	(void)state;
	j = open_ok(NULL);
	assert_int_equal(cp_journal_open(&j2, out, NULL, &err), CP_ERR_LOCKED);
	assert_null(j2);
	snprintf(expect, sizeof(expect),
		 "is in use by another culprit (pid %ld)", (long)getpid());
	assert_non_null(strstr(err.msg, expect));

	/* Another process is refused too. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(cp_journal_open(&j2, out, NULL, NULL) == CP_ERR_LOCKED ?
		      0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	cp_journal_close(j);
	j = open_ok(NULL);
	cp_journal_close(j);
}

static void lock_dies_with_its_holder(void **state)
{
	char lock_path[700];
	pid_t pid;
	int ready[2], status;
	struct cp_journal *j;
	char c;

	(void)state;
	snprintf(lock_path, sizeof(lock_path), "%s/%s", out, CP_JOURNAL_LOCK);
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cp_journal *held;

		close(ready[0]);
		if (cp_journal_open(&held, out, NULL, NULL))
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_int_equal(atoi(slurp(lock_path)), pid);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* The stale lock file does not block the resume. */
	j = open_ok(NULL);
	assert_int_equal(atoi(slurp(lock_path)), getpid());
	cp_journal_close(j);
}

static int syncs;
static int fail_sync;

static int counting_sync(int fd)
{
	syncs++;
	if (fail_sync) {
		errno = EIO;
		return -1;
	}
	return fsync(fd);
}

static void every_append_is_synced(void **state)
{
	struct cp_journal *j;
	struct cp_error err;
	json_t *rec, *arr;

	(void)state;
	j = open_ok(NULL);
	cp_journal__set_sync(j, counting_sync);
	syncs = 0;
	fail_sync = 0;
	append_run(j, 0);
	append_run(j, 1);
	assert_int_equal(syncs, 2);

	/* Only objects are records. */
	arr = json_array();
	assert_int_equal(cp_journal_append(j, arr, &err), CP_ERR_INTERNAL);
	json_decref(arr);
	assert_int_equal(syncs, 2);

	/* A failed fsync fails the append and the journal stops. */
	fail_sync = 1;
	rec = json_pack("{s:i}", "i", 2);
	assert_int_equal(cp_journal_append(j, rec, &err), CP_ERR_IO);
	assert_non_null(strstr(err.msg, "syncing journal"));
	assert_non_null(strstr(err.msg, "Input/output error"));
	assert_int_equal(cp_journal_count(j), 2);
	fail_sync = 0;
	assert_int_equal(cp_journal_append(j, rec, &err), CP_ERR_IO);
	assert_non_null(strstr(err.msg, "unusable"));
	assert_int_equal(syncs, 3);
	json_decref(rec);
	cp_journal_close(j);
}

/* A writer killed with SIGKILL at random moments never corrupts it. */
static void sigkill_while_appending(void **state)
{
	static char payload[30000];
	json_int_t expect = 0;
	struct cp_journal *j;
	struct stat before, after;
	int round, torn = 0;
	size_t k;

	(void)state;
	memset(payload, 'p', sizeof(payload) - 1);
	srand((unsigned)getpid());
	for (round = 0; round < 15; round++) {
		pid_t pid = fork();
		int status;

		assert_true(pid >= 0);
		if (pid == 0) {
			struct cp_journal *w;
			json_int_t i;
			json_t *rec;

			if (cp_journal_open(&w, out, NULL, NULL))
				_exit(1);
			for (i = (json_int_t)cp_journal_count(w);; i++) {
				rec = json_pack("{s:I, s:s}", "i", i, "p",
						payload);
				if (!rec || cp_journal_append(w, rec, NULL))
					_exit(1);
				json_decref(rec);
			}
		}
		sleep_ms(10 + rand() % 80);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));

		memset(&before, 0, sizeof(before));
		stat(journal_path, &before);
		j = open_ok(NULL);
		assert_int_equal(stat(journal_path, &after), 0);
		torn += after.st_size != before.st_size;
		assert_true((json_int_t)cp_journal_count(j) >= expect);
		for (k = 0; k < cp_journal_count(j); k++)
			assert_int_equal(record_i(j, k), (json_int_t)k);
		expect = (json_int_t)cp_journal_count(j);
		cp_journal_close(j);
	}
	print_message("%lld records survived 15 SIGKILLs, %d torn tails cut\n",
		      (long long)expect, torn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(append_and_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(torn_last_line_is_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(torn_header_starts_afresh, setup, teardown),
		cmocka_unit_test_setup_teardown(corrupt_journals_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(second_culprit_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(lock_dies_with_its_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(every_append_is_synced, setup, teardown),
		cmocka_unit_test_setup_teardown(sigkill_while_appending, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
