/* The cost model (bisect/cost.h) and the width of run batches (bisect/batch.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "bisect/batch.h"
#include "bisect/cost.h"

static void test_set_keys(void **state)
{
	struct cp_cost_model m;
	struct cp_error err = { 0 };
	const char *const *k;
	unsigned n = 0;

	(void)state;
	cp_cost_kernel(&m);
	for (k = cp_cost_keys(); *k; k++, n++)
		assert_int_equal(cp_cost_set(&m, "cost", *k, 1, &err), 0);
	assert_int_equal(n, 8);
	assert_true(m.build_s == 1 && m.run_s == 1 && m.boot_s == 1 && m.timeout_s == 1);
	assert_int_equal(m.test_slots, 1);
	assert_int_equal(m.build_slots, 1);
	assert_int_equal(cp_cost_set(&m, "cost", "test_slots", 3, &err), 0);
	assert_int_equal(cp_cost_set(&m, "cost", "colour", 1, &err), CP_ERR_JOB);
	assert_non_null(strstr(err.msg, "cost.colour"));
	assert_int_equal(cp_cost_set(&m, "cost", "test_slots", 0, &err), CP_ERR_JOB);
	assert_int_equal(cp_cost_set(&m, "cost", "test_slots", 2.5, &err), CP_ERR_JOB);
	assert_int_equal(cp_cost_set(&m, "cost", "build_hit", 1.5, &err), CP_ERR_JOB);
	assert_int_equal(cp_cost_set(&m, "cost", "run_s", -1, &err), CP_ERR_JOB);
	assert_int_equal(cp_cost_set(&m, "cost", "run_s", NAN, &err), CP_ERR_JOB);
	assert_int_equal(m.test_slots, 3);
}

static void test_build_cost(void **state)
{
	struct cp_cost_model m;

	(void)state;
	cp_cost_kernel(&m);
	assert_true(cp_cost_build(&m, 0) == m.build_s);
	assert_true(cp_cost_build(&m, 1) == m.build_incr_s);
	m.build_hit = 0.5;
	assert_true(fabs(cp_cost_build(&m, 3) - (m.build_s + m.build_incr_s) / 2) < 1e-9);
	assert_true(cp_cost_run(&m) == m.boot_s + m.run_s);
	cp_cost_generic(&m);
	assert_true(cp_cost_build(&m, 0) == cp_cost_build(&m, 5));
}

static void test_width(void **state)
{
	struct cp_cost_model m;
	unsigned prev = 0;
	double p;

	(void)state;
	cp_cost_kernel(&m);
	/* a reliable reproducer gets one run; the flakier, the more, up to k */
	assert_int_equal(cp_batch_width(&m, 0.95, 20), 1);
	for (p = 0.85; p > 0.01; p -= 0.05) {
		unsigned w = cp_batch_width(&m, p, 1000);

		assert_true(w >= prev);
		assert_true(w <= m.test_slots);
		assert_true(1 - pow(1 - p, w) >= 0.9 || w == m.test_slots);
		prev = w;
	}
	assert_int_equal(prev, m.test_slots);
	assert_int_equal(cp_batch_width(&m, 0.5, 2), 2);
	assert_int_equal(cp_batch_width(&m, 0.5, 1), 1);
	m.test_slots = 1;
	assert_int_equal(cp_batch_width(&m, 0.1, 20), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_keys),
		cmocka_unit_test(test_build_cost),
		cmocka_unit_test(test_width),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
