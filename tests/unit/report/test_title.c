/* Title normalization, crash types and title comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "report/report.h"

static void norm(const char *in, const char *want)
{
	char *got = cp_report_normalize_title(in);

	assert_non_null(got);
	if (strcmp(got, want))
		print_error("normalize '%s': want '%s' got '%s'\n", in, want, got);
	assert_string_equal(got, want);
	free(got);
}

static void test_normalize(void **state)
{
	(void)state;
	norm("INFO: task syz-executor.3:1234 blocked", "INFO: task syz-executor blocked");
	norm("WARNING in syz-executor123/456", "WARNING in syz-executor");
	norm("lost connection to syzkaller1234", "lost connection to syzkaller");
	norm("BUG: bad addr ffff888012345678 here", "BUG: bad addr ADDR here");
	norm("BUG: bad addr 0xdeadbeef00 here", "BUG: bad addr ADDR here");
	norm("kernel BUG at fs/ext4/inode.c:1234!", "kernel BUG at fs/ext4/inode.c:LINE!");
	norm("WARNING in foo+0x12/0x340", "WARNING in foo");
	norm("stall on CPU#12", "stall on CPU");
	norm("panic: index [3] len 3", "panic: index [NUM] len NUM");
	norm("route to 10.0.0.1 failed", "route to IP failed");
	norm("value 12345678", "value ADDR");
	norm("x12345678 y", "xNUM y");
	norm("keeps cfg80211_rx names", "keeps cfg80211_rx names");
	norm("  tabs\tand   spaces  ", "tabs and spaces");
	norm("bytes \x01\xff dropped", "bytes dropped");
	{
		char longt[300];

		memset(longt, 'a', sizeof(longt) - 1);
		longt[sizeof(longt) - 1] = '\0';
		char *got = cp_report_normalize_title(longt);
		assert_int_equal(strlen(got), 120);
		free(got);
	}
}

static void test_types(void **state)
{
	(void)state;
	assert_string_equal(cp_report_title_type("KASAN: use-after-free Read in f"), "KASAN-USE-AFTER-FREE-READ");
	assert_string_equal(cp_report_title_type("KASAN: slab-out-of-bounds Write in f"), "KASAN-WRITE");
	assert_string_equal(cp_report_title_type("KASAN: foo-bar in f"), "KASAN-UNKNOWN");
	assert_string_equal(cp_report_title_type("WARNING in kvm_wait"), "WARNING");
	assert_string_equal(cp_report_title_type("WARNING: suspicious RCU usage in f"), "LOCKDEP");
	assert_string_equal(cp_report_title_type("possible deadlock in f"), "LOCKDEP");
	assert_string_equal(cp_report_title_type("INFO: task hung in f"), "HANG");
	assert_string_equal(cp_report_title_type("INFO: something"), "");
	assert_string_equal(cp_report_title_type("general protection fault in f"), "DoS");
	assert_string_equal(cp_report_title_type("memory leak in f"), "LEAK");
	assert_string_equal(cp_report_title_type("kernel BUG in f"), "BUG");
	assert_string_equal(cp_report_title_type("unexpected kernel reboot"), "REBOOT");
	assert_string_equal(cp_report_title_type("SYZFATAL: x"), "SYZ_FAILURE");
	assert_string_equal(cp_report_title_type("UBSAN: shift-out-of-bounds in f"), "UBSAN");
	assert_string_equal(cp_report_title_type("no idea"), "");
}

static void test_same_title(void **state)
{
	(void)state;
	assert_true(cp_report_same_title("WARNING in foo", "WARNING in foo"));
	assert_true(cp_report_same_title("INFO: task syz-executor.1:99 blocked",
					  "INFO: task syz-executor.2:7 blocked"));
	assert_true(cp_report_same_title("kernel BUG at a.c:10!", "kernel BUG at a.c:99!"));
	assert_true(cp_report_same_title(" WARNING in foo ", "WARNING in foo"));
	assert_false(cp_report_same_title("WARNING in foo", "WARNING in bar"));
	assert_false(cp_report_same_title("", ""));
	assert_false(cp_report_same_title(NULL, "x"));
}

static void test_same_crash_alt(void **state)
{
	const char *a = "BUG: soft lockup - CPU#0 stuck for 22s!\nRIP: 0010:spin+0x1/0x2\n"
			"Call Trace:\n spin+0x1/0x2\n __x64_sys_futex+0x1/0x2\n do_syscall_64+0x1/0x2\n";
	const char *b = "rcu: INFO: rcu_preempt self-detected stall on CPU\n"
			"Call Trace:\n apic_timer_interrupt+0x1/0x2\n"
			"RIP: 0010:spin+0x1/0x2\n spin+0x1/0x2\n __x64_sys_futex+0x1/0x2\n do_syscall_64+0x1/0x2\n";
	struct cp_report *ra, *rb;
	struct cp_error err;

	(void)state;
	assert_int_equal(cp_report_parse(a, strlen(a), &ra, &err), 0);
	assert_int_equal(cp_report_parse(b, strlen(b), &rb, &err), 0);
	assert_string_equal(ra->title, "BUG: soft lockup in sys_futex");
	assert_string_equal(rb->title, "INFO: rcu detected stall in sys_futex");
	/* Both have "stall in sys_futex" among their alternative titles. */
	assert_true(cp_report_same_crash(ra, rb));
	assert_false(cp_report_same_title(ra->title, rb->title));
	cp_report_free(ra);
	cp_report_free(rb);
}

static void test_guilty_file(void **state)
{
	static const char log[] =
		"BUG: KASAN: use-after-free in ntfs_read_hdr+0x11/0x22 fs/ntfs3/index.c:123\n"
		"Read of size 8 at addr ffff888012345678 by task a/1\n"
		"Call Trace:\n"
		" __dump_stack lib/dump_stack.c:88 [inline]\n"
		" dump_stack+0x1/0x2 lib/dump_stack.c:106\n"
		" kasan_report+0x1/0x2 mm/kasan/report.c:500\n"
		" ntfs_read_hdr+0x11/0x22 fs/ntfs3/index.c:123\n"
		" ntfs_iget+0x1/0x2 fs/ntfs3/inode/iget.c:55\n"
		" lookup+0x1/0x2 fs/namei.c:1000\n";
	struct cp_report *rep;
	struct cp_error err;

	(void)state;
	assert_int_equal(cp_report_parse(log, sizeof(log) - 1, &rep, &err), 0);
	assert_string_equal(rep->title, "KASAN: use-after-free Read in ntfs_read_hdr");
	/* lib/ and mm/kasan/ are skipped; a deeper file under fs/ntfs3 wins. */
	assert_string_equal(rep->guilty_file, "fs/ntfs3/inode/iget.c");
	cp_report_free(rep);
}

/* Every crash marker is found in the middle of a line (prefilter). */
static void test_every_marker_found(void **state)
{
	struct oops *lists[] = { linux_oopses, user_oopses, user_signal_oopses };
	struct cp_error err;
	char line[256];

	(void)state;
	assert_int_equal(report_tables_init(&err), 0);
	assert_true(report_prefilter_fast());
	for (size_t l = 0; l < 3; l++)
		for (struct oops *o = lists[l]; o->header; o++) {
			int n = snprintf(line, sizeof(line), "noise noise %s tail\n", o->header);

			assert_true(n > 0 && (size_t)n < sizeof(line));
			if (!cp_report_contains_crash(line, (size_t)n)) {
				print_error("marker '%s' not found\n", o->header);
				fail();
			}
			/* Split right inside the marker as well. */
			struct cp_report_stream *st;
			struct cp_report *rep;
			size_t cut = strlen("noise noise ") + 2;

			assert_int_equal(cp_report_stream_new(&st, &err), 0);
			assert_int_equal(cp_report_stream_feed(st, line, cut, &err), 0);
			assert_int_equal(cp_report_stream_feed(st, line + cut, (size_t)n - cut, &err), 0);
			assert_int_equal(cp_report_stream_finish(st, &rep, &err), 0);
			assert_non_null(rep);
			cp_report_free(rep);
			cp_report_stream_free(st);
		}
}

static void test_all_patterns_compile(void **state)
{
	struct cp_error err;

	(void)state;
	cp_error_clear(&err);
	if (report_tables_compile_all(&err))
		print_error("%s\n", err.msg);
	assert_int_equal(report_tables_compile_all(&err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_same_title),
		cmocka_unit_test(test_same_crash_alt),
		cmocka_unit_test(test_guilty_file),
		cmocka_unit_test(test_every_marker_found),
		cmocka_unit_test(test_all_patterns_compile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
