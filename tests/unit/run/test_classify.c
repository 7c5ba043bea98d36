#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "run/exec.h"
#include "run/internal.h"

static struct cp_run_status exited(int code)
{
	struct cp_run_status st;

	memset(&st, 0, sizeof(st));
	st.exit_code = code;
	return st;
}

static struct cp_run_status killed(int sig)
{
	struct cp_run_status st = exited(-1);

	st.signal = sig;
	return st;
}

static void verdict_follows_git_bisect_run(void **state)
{
	struct cp_run_status st;
	int code;

	(void)state;
	st = exited(0);
	assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_GOOD);
	st = exited(125);
	assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_SKIP);
	for (code = 1; code <= 127; code++) {
		if (code == 125)
			continue;
		st = exited(code);
		assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_BAD);
	}
	st = exited(128);
	assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_ABORT);
	st = exited(128 + SIGTERM);
	assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_ABORT);
	st = exited(255);
	assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_ABORT);
	/* culprit's choice: crash signals are bad, directly or via a shell. */
	st = killed(SIGSEGV);
	assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_BAD);
	st = exited(128 + SIGABRT);
	assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_BAD);
	st = killed(SIGKILL);
	assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_ABORT);
	st = killed(SIGTERM);
	assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_ABORT);
	st = exited(0);
	st.timed_out = true;
	assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_ABORT);
	st = exited(1);
	st.cancelled = true;
	assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_ABORT);
	assert_string_equal(cp_run_verdict_name(CP_VERDICT_SKIP), "skip");
	assert_string_equal(cp_run_verdict_name(CP_VERDICT_ABORT), "abort");
}

static void classify_test_step(void **state)
{
	struct cp_run_status st;
	char buf[300];

	(void)state;
	st = exited(0);
	assert_int_equal(cp_run_classify(CP_STEP_TEST, &st, NULL, buf, sizeof(buf)),
			 CP_OUTCOME_OK);
	assert_string_equal(buf, "OK");
	st = exited(1);
	assert_int_equal(cp_run_classify(CP_STEP_TEST, &st,
			 "KASAN: use-after-free in foo", buf, sizeof(buf)),
			 CP_OUTCOME_CRASHED);
	assert_string_equal(buf, "crashed: KASAN: use-after-free in foo");
	/* A nonzero exit without a crash is not the crash looked for. */
	assert_int_equal(cp_run_classify(CP_STEP_TEST, &st, NULL, buf, sizeof(buf)),
			 CP_OUTCOME_OK);
	/* A crash seen before the hang still counts. */
	st = killed(SIGTERM);
	st.timed_out = true;
	assert_int_equal(cp_run_classify(CP_STEP_TEST, &st, "WARNING in bar",
			 buf, sizeof(buf)), CP_OUTCOME_CRASHED);
	assert_int_equal(cp_run_classify(CP_STEP_TEST, &st, NULL, buf, sizeof(buf)),
			 CP_OUTCOME_INFRA);
	assert_string_equal(buf, "infra problem: test timed out");
	st = exited(0);
	strcpy(st.failure, "saving output to 'x': No space left on device");
	assert_int_equal(cp_run_classify(CP_STEP_TEST, &st, NULL, buf, sizeof(buf)),
			 CP_OUTCOME_INFRA);
	assert_string_equal(buf, "infra problem: saving output to 'x': "
			    "No space left on device");
	st = exited(0);
	st.cancelled = true;
	cp_run_classify(CP_STEP_TEST, &st, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "infra problem: test cancelled");
	st = killed(SIGBUS);
	assert_int_equal(cp_run_classify(CP_STEP_TEST, &st, NULL, buf, sizeof(buf)),
			 CP_OUTCOME_CRASHED);
	assert_string_equal(buf, "crashed: fatal signal SIGBUS");
	st = exited(128 + SIGSEGV);
	cp_run_classify(CP_STEP_TEST, &st, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "crashed: fatal signal SIGSEGV");
	st = exited(127);
	assert_int_equal(cp_run_classify(CP_STEP_TEST, &st, NULL, buf, sizeof(buf)),
			 CP_OUTCOME_INFRA);
	assert_string_equal(buf, "infra problem: test command could not run "
			    "(exit status 127)");
	/* No buffer is fine. */
	st = exited(0);
	assert_int_equal(cp_run_classify(CP_STEP_TEST, &st, NULL, NULL, 0),
			 CP_OUTCOME_OK);
	/* A small buffer truncates. */
	st = exited(1);
	cp_run_classify(CP_STEP_TEST, &st, "long title", buf, 6);
	assert_string_equal(buf, "crash");
}

static void classify_build_step(void **state)
{
	struct cp_run_status st;
	char buf[300];

	(void)state;
	st = exited(0);
	assert_int_equal(cp_run_classify(CP_STEP_BUILD, &st, NULL, buf, sizeof(buf)),
			 CP_OUTCOME_OK);
	assert_string_equal(buf, "OK");
	st = exited(2);
	assert_int_equal(cp_run_classify(CP_STEP_BUILD, &st, NULL, buf, sizeof(buf)),
			 CP_OUTCOME_BUILD_FAILED);
	assert_string_equal(buf, "build failed");
	st = killed(SIGSEGV);	/* the compiler crashed */
	assert_int_equal(cp_run_classify(CP_STEP_BUILD, &st, NULL, buf, sizeof(buf)),
			 CP_OUTCOME_BUILD_FAILED);
	st = killed(SIGTERM);
	st.timed_out = true;
	assert_int_equal(cp_run_classify(CP_STEP_BUILD, &st, NULL, buf, sizeof(buf)),
			 CP_OUTCOME_INFRA);
	assert_string_equal(buf, "infra problem: build timed out");
}

static void status_from_start_error(void **state)
{
	struct cp_run_status st;
	struct cp_error err;
	char buf[300];

	(void)state;
	cp_error_set(&err, CP_ERR_CHILD, "cannot run 'qemu': No such file or directory");
	cp_run_status_from_error(&st, &err);
	assert_int_equal(cp_run_classify(CP_STEP_TEST, &st, NULL, buf, sizeof(buf)),
			 CP_OUTCOME_INFRA);
	assert_string_equal(buf, "infra problem: cannot run 'qemu': No such file or directory");
	assert_int_equal(cp_run_exit_verdict(&st), CP_VERDICT_ABORT);
	cp_run_status_from_error(&st, NULL);
	cp_run_classify(CP_STEP_BUILD, &st, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "infra problem: the runner failed");
}

static void tail_ring_buffer(void **state)
{
	struct cp_tail t;
	char *s;
	size_t len;

	(void)state;
	assert_int_equal(cp_tail__init(&t, 8), 0);
	cp_tail__push(&t, "abc", 3);
	assert_int_equal(cp_tail__take(&t, &s, &len), 0);
	assert_string_equal(s, "abc");
	assert_false(t.dropped);
	free(s);
	cp_tail__push(&t, "defgh", 5);	/* exactly full */
	assert_false(t.dropped);
	cp_tail__push(&t, "ij", 2);	/* wraps */
	assert_true(t.dropped);
	assert_int_equal(cp_tail__take(&t, &s, &len), 0);
	assert_int_equal(len, 8);
	assert_string_equal(s, "cdefghij");
	free(s);
	cp_tail__push(&t, "0123456789", 10);	/* larger than the buffer */
	assert_int_equal(cp_tail__take(&t, &s, &len), 0);
	assert_string_equal(s, "23456789");
	free(s);
	cp_tail__push(&t, "", 0);
	cp_tail__push(&t, "xyz", 3);
	assert_int_equal(cp_tail__take(&t, &s, &len), 0);
	assert_string_equal(s, "56789xyz");
	free(s);
	cp_tail__dispose(&t);

	assert_int_equal(cp_tail__init(&t, 8), 0);
	cp_tail__push(&t, "0123456789", 10);	/* into an empty buffer */
	assert_true(t.dropped);
	cp_tail__dispose(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdict_follows_git_bisect_run),
		cmocka_unit_test(classify_test_step),
		cmocka_unit_test(classify_build_step),
		cmocka_unit_test(status_from_start_error),
		cmocka_unit_test(tail_ring_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
