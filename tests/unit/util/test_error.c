#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "util/error.h"

static void set_returns_code_and_formats(void **state)
{
	struct cp_error err;

	(void)state;
	cp_error_clear(&err);
	assert_int_equal(cp_error_set(&err, CP_ERR_BAD_REV, "unknown revision '%s'", "x"),
			 CP_ERR_BAD_REV);
	assert_int_equal(err.code, CP_ERR_BAD_REV);
	assert_string_equal(err.msg, "unknown revision 'x'");
}

static void message_stays_on_one_line(void **state)
{
	struct cp_error err;

	(void)state;
	cp_error_set(&err, CP_ERR_IO, "a\nb\tc");
	assert_string_equal(err.msg, "a b c");
}

static void prefix_keeps_code(void **state)
{
	struct cp_error err;

	(void)state;
	cp_error_set(&err, CP_ERR_IO, "disk full");
	assert_int_equal(cp_error_prefix(&err, "writing %s", "log"), CP_ERR_IO);
	assert_string_equal(err.msg, "writing log: disk full");
}

static void exit_codes_are_distinct(void **state)
{
	int codes[] = { CP_ERR_USAGE, CP_ERR_NOT_REPO, CP_ERR_BAD_REV,
			CP_ERR_NOT_COMMIT, CP_ERR_RANGE, CP_ERR_REPO_CORRUPT,
			CP_ERR_MERGE_BASE_BAD, CP_ERR_IO, CP_ERR_JOB };
	size_t i, j;

	(void)state;
	assert_int_equal(cp_exit_code(CP_OK), 0);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_int_not_equal(cp_exit_code(codes[i]), 0);
		for (j = i + 1; j < sizeof(codes) / sizeof(codes[0]); j++)
			assert_int_not_equal(cp_exit_code(codes[i]), cp_exit_code(codes[j]));
	}
	assert_string_equal(cp_status_name(CP_ERR_NOT_REPO), "not-a-repository");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_returns_code_and_formats),
		cmocka_unit_test(message_stays_on_one_line),
		cmocka_unit_test(prefix_keeps_code),
		cmocka_unit_test(exit_codes_are_distinct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
