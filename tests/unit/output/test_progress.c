#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output/progress.h"

static struct cp_progress_state base(void)
{
	struct cp_progress_state st;

	memset(&st, 0, sizeof(st));
	st.step = 3;
	st.steps_left = 4;
	st.revs_left = 37;
	strcpy(st.commit, "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d");
	st.phase = CP_PROGRESS_RUN;
	st.runs_done = 2;
	st.runs_total = 10;
	st.phase_s = 5;
	st.elapsed_s = 62;
	st.eta_s = 300;
	return st;
}

static void full_line(void **state)
{
	struct cp_progress_state st = base();
	char buf[256];
	size_t n;

	(void)state;
	n = cp_progress_format(&st, 0, buf, sizeof(buf));
	assert_string_equal(buf, "step 3 (~4 left) | 37 revs left | 1a2b3c4d5e6f | run 2/10 5.0s"
			    " | 1m2.0s | ETA 5m0.0s");
	assert_int_equal(n, strlen(buf));
}

static void unknowns_left_out(void **state)
{
	struct cp_progress_state st;
	char buf[256];

	(void)state;
	memset(&st, 0, sizeof(st));
	st.steps_left = -1;
	st.revs_left = -1;
	st.eta_s = -1;
	cp_progress_format(&st, 0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	st.step = 1;
	st.revs_left = 1;
	st.phase = CP_PROGRESS_BUILD;
	st.phase_s = 3725.5;
	cp_progress_format(&st, 0, buf, sizeof(buf));
	assert_string_equal(buf, "step 1 | 1 rev left | build 1h2m5.5s");
}

static void release_search_label(void **state)
{
	struct cp_progress_state st;
	char buf[256];

	(void)state;
	memset(&st, 0, sizeof(st));
	st.steps_left = -1;
	st.revs_left = -1;
	st.eta_s = -1;
	st.label = "release v5.12";
	strcpy(st.commit, "abcdef0123456789abcdef0123456789abcdef01");
	st.phase = CP_PROGRESS_CHECKOUT;
	cp_progress_format(&st, 0, buf, sizeof(buf));
	assert_string_equal(buf, "release v5.12 | abcdef012345 | checkout 0.0s");
}

/* The culprit policy counts no steps: the leader's posterior, rounded down. */
static void culprit_policy_posterior(void **state)
{
	struct cp_progress_state st = base();
	char buf[256];

	(void)state;
	st.steps_left = st.revs_left = -1;
	st.eta_s = -1;
	st.leader_p = 0.834;
	st.target_p = 0.99;
	cp_progress_format(&st, 0, buf, sizeof(buf));
	assert_string_equal(buf, "step 3 | culprit 0.83 of 0.99 | 1a2b3c4d5e6f | run 2/10 5.0s | 1m2.0s");
	st.leader_p = 0.9899;
	cp_progress_format(&st, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "culprit 0.98 of 0.99"));
	st.leader_p = -1;
	cp_progress_format(&st, 0, buf, sizeof(buf));
	assert_null(strstr(buf, "culprit"));
}

static void cut_to_width(void **state)
{
	struct cp_progress_state st = base();
	char buf[256];

	(void)state;
	assert_int_equal(cp_progress_format(&st, 20, buf, sizeof(buf)), 20);
	assert_string_equal(buf, "step 3 (~4 left) ...");
	assert_int_equal(cp_progress_format(&st, 2, buf, sizeof(buf)), 2);
	/* a small buffer: cut, still terminated */
	assert_int_equal(cp_progress_format(&st, 0, buf, 8), 7);
	assert_string_equal(buf, "step 3 ");
}

static void control_characters_replaced(void **state)
{
	struct cp_progress_state st = base();
	char buf[256];

	(void)state;
	st.label = "evil\033[2J\r\nlabel";
	cp_progress_format(&st, 0, buf, sizeof(buf));
	assert_null(strchr(buf, '\033'));
	assert_null(strchr(buf, '\r'));
	assert_null(strchr(buf, '\n'));
	assert_non_null(strstr(buf, "evil?[2J??label"));
}

static void eta(void **state)
{
	(void)state;
	assert_true(cp_progress_eta(0, 0, 5, 3) < 0);
	assert_true(cp_progress_eta(100, 2, 5, -1) < 0);
	/* mean 50 s: 45 s left of this step, then 3 more */
	assert_true(cp_progress_eta(100, 2, 5, 3) == 45 + 150);
	/* a step slower than the mean: nothing left of it */
	assert_true(cp_progress_eta(100, 2, 80, 1) == 50);
}

static void drawn_only_when_enabled(void **state)
{
	struct cp_progress_state st = base();
	struct cp_progress *p = NULL;
	struct cp_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	/* a memory stream is not a terminal: plain log lines only */
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(cp_progress_start(&p, f, 0, &err), 0);
	assert_false(cp_progress_enabled(p));
	cp_progress_update(p, &st);
	cp_progress_printf(p, "testing commit %s\n", "abc");
	cp_progress_finish(p);
	fclose(f);
	assert_string_equal(buf, "testing commit abc\n");
	free(buf);

	/* forced: the line, erased around a log line, erased at the end */
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_int_equal(cp_progress_start(&p, f, 1, &err), 0);
	assert_true(cp_progress_enabled(p));
	cp_progress_update(p, &st);
	cp_progress_printf(p, "log line\n");
	cp_progress_finish(p);
	fclose(f);
	assert_non_null(strstr(buf, "\rstep 3 (~4 left) | 37 revs left | 1a2b3c4d5e6f | run 2/10"));
	assert_non_null(strstr(buf, "\033[K\r\033[Klog line\n\rstep 3"));
	assert_int_equal(strcmp(buf + strlen(buf) - 4, "\r\033[K"), 0);
	free(buf);
	cp_progress_finish(NULL);
}

static void clock_fills_times(void **state)
{
	struct cp_progress_state st = base();
	struct cp_progress *p = NULL;
	struct cp_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	st.elapsed_s = 0;
	st.phase_s = 0;
	st.eta_s = 0;
	assert_int_equal(cp_progress_start(&p, f, 1, &err), 0);
	cp_progress_update(p, &st);
	st.step = 4;
	cp_progress_update(p, &st);	/* step 3 finished: an ETA is known */
	cp_progress_finish(p);
	fclose(f);
	assert_non_null(strstr(buf, "step 4 (~4 left)"));
	assert_non_null(strstr(buf, "ETA "));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_line),
		cmocka_unit_test(unknowns_left_out),
		cmocka_unit_test(release_search_label),
		cmocka_unit_test(culprit_policy_posterior),
		cmocka_unit_test(cut_to_width),
		cmocka_unit_test(control_characters_replaced),
		cmocka_unit_test(eta),
		cmocka_unit_test(drawn_only_when_enabled),
		cmocka_unit_test(clock_fills_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
