/*
 * The streaming parser: any split of the input gives the same report,
 * console prefixes and interleaved CPUs, truncated reports, offsets, and
 * bounded memory on huge inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static const char kasan_log[] =
	"[   12.000001][ T100] syz-executor: started\n"
	"[   12.000002][  T200] other task prints this\n"
	"[   12.100000][ T100] ==================================================================\n"
	"[   12.100001][ T100] BUG: KASAN: use-after-free in foo_read+0x11/0x22\n"
	"[   12.100002][  T200] other: something from another task\n"
	"[   12.100003][ T100] Read of size 8 at addr ffff888012345678 by task a.out/100\n"
	"[   12.100004][ T100] Call Trace:\n"
	"[   12.100005][ T100]  <TASK>\n"
	"[   12.100006][ T100]  ? unrelated_guess+0x1/0x2\n"
	"[   12.100007][ T100]  kasan_report+0x1/0x2\n"
	"[   12.100008][ T100]  foo_read+0x11/0x22\n"
	"[   12.100009][ T100]  vfs_read+0x1/0x2\n"
	"[   12.100010][ T100]  ksys_read+0x1/0x2\n"
	"[   12.100011][ T100]  do_syscall_64+0x1/0x2\n"
	"[   12.100012][ T100]  </TASK>\n";

static struct cp_report *parse_split(const char *buf, size_t len, size_t step)
{
	struct cp_report_stream *st;
	struct cp_report *rep;
	struct cp_error err;

	assert_int_equal(cp_report_stream_new(&st, &err), 0);
	for (size_t off = 0; off < len; off += step)
		assert_int_equal(cp_report_stream_feed(st, buf + off,
					len - off < step ? len - off : step, &err), 0);
	assert_int_equal(cp_report_stream_finish(st, &rep, &err), 0);
	assert_int_not_equal(cp_report_stream_feed(st, "x", 1, &err), 0);
	cp_report_stream_free(st);
	return rep;
}

static void same_report(const struct cp_report *a, const struct cp_report *b)
{
	assert_string_equal(a->title, b->title);
	assert_int_equal(a->corrupted, b->corrupted);
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->end, b->end);
	assert_int_equal(a->text_len, b->text_len);
	assert_memory_equal(a->text, b->text, a->text_len);
	assert_int_equal(a->n_alt_titles, b->n_alt_titles);
	assert_int_equal(a->n_frames, b->n_frames);
}

static void test_any_split(void **state)
{
	struct cp_report *whole, *part;
	size_t len = strlen(kasan_log);

	(void)state;
	whole = parse_split(kasan_log, len, len);
	assert_non_null(whole);
	assert_string_equal(whole->title, "KASAN: use-after-free Read in foo_read");
	assert_false(whole->corrupted);
	for (size_t step = 1; step < 64; step++) {
		part = parse_split(kasan_log, len, step);
		assert_non_null(part);
		same_report(whole, part);
		cp_report_free(part);
	}
	cp_report_free(whole);
}

/* Empty lines at chunk ends (found by the fuzzer). */
static void test_empty_lines_any_split(void **state)
{
	static const char log[] = "fatal error: runtimer: bad p\n\nruntime stack:\n"
				  "\n\nfatal: bad g in signal handler\n\n";
	struct cp_report *whole, *part;

	(void)state;
	whole = parse_split(log, sizeof(log) - 1, sizeof(log) - 1);
	assert_non_null(whole);
	assert_string_equal(whole->title, "go runtime error");
	for (size_t step = 1; step < sizeof(log); step++) {
		part = parse_split(log, sizeof(log) - 1, step);
		assert_non_null(part);
		same_report(whole, part);
		cp_report_free(part);
	}
	cp_report_free(whole);
}

/*
 * A console line longer than the ring keeps (1 KiB) just before the crash:
 * the whole input kept it whole while a stream cut before it kept 1 KiB
 * (found by the fuzzer).  Both keep 1 KiB now.
 */
static void test_long_line_before_crash_any_split(void **state)
{
	static const char head[] = "[   12.000001][ T100] ";
	size_t hl = sizeof(head) - 1, fill = 1500, tl = strlen(kasan_log) - 44;
	size_t len = hl + fill + 1 + tl;
	char *log = malloc(len + 1);
	struct cp_report *whole, *part;

	(void)state;
	assert_non_null(log);
	/* skip kasan_log's first line (44 bytes), replaced by the long one */
	assert_int_equal(kasan_log[43], '\n');
	memcpy(log, head, hl);
	memset(log + hl, 'x', fill);
	log[hl + fill] = '\n';
	memcpy(log + hl + fill + 1, kasan_log + 44, tl + 1);
	whole = parse_split(log, len, len);
	assert_non_null(whole);
	assert_string_equal(whole->title, "KASAN: use-after-free Read in foo_read");
	assert_true(whole->prefix_len < 1100);
	for (size_t step = 1; step < 2000; step += step < 64 ? 1 : 97) {
		part = parse_split(log, len, step);
		assert_non_null(part);
		same_report(whole, part);
		cp_report_free(part);
	}
	cp_report_free(whole);
	free(log);
}

static void test_context_and_offsets(void **state)
{
	struct cp_report *rep;
	struct cp_error err;
	const char *start = strstr(kasan_log, "[   12.100001]");

	(void)state;
	assert_int_equal(cp_report_parse(kasan_log, strlen(kasan_log), &rep, &err), 0);
	/* The report starts at the crash line and ends after its last line. */
	assert_int_equal(rep->start, (uint64_t)(start - kasan_log));
	assert_int_equal(rep->end, (uint64_t)(strchr(start, '\n') - kasan_log));
	/* The other task's lines and the unreliable frame are left out;
	 * the task's earlier line is kept as context. */
	assert_non_null(strstr(rep->text, "syz-executor: started"));
	assert_null(strstr(rep->text, "other task"));
	assert_null(strstr(rep->text, "unrelated_guess"));
	assert_null(strstr(rep->text, "[   12."));
	assert_true(rep->n_frames >= 5);
	assert_string_equal(rep->frame, "foo_read");
	cp_report_free(rep);
}

static void test_truncated(void **state)
{
	static const char log[] =
		"[   5.0] BUG: unable to handle kernel NULL pointer dereference at 0000000000000000\n"
		"[   5.1] IP: 0x0\n";
	struct cp_report *rep;
	struct cp_error err;

	(void)state;
	assert_int_equal(cp_report_parse(log, sizeof(log) - 1, &rep, &err), 0);
	assert_non_null(rep);
	assert_true(rep->corrupted);
	assert_string_equal(rep->title, "BUG: unable to handle kernel NULL pointer dereference in corrupted");
	cp_report_free(rep);
}

static void test_no_final_newline(void **state)
{
	static const char log[] = "x\nKernel panic - not syncing: Attempted to kill init!";
	struct cp_report *rep;
	struct cp_error err;

	(void)state;
	assert_int_equal(cp_report_parse(log, sizeof(log) - 1, &rep, &err), 0);
	assert_non_null(rep);
	assert_string_equal(rep->title, "kernel panic: Attempted to kill init!");
	assert_true(rep->panicked);
	assert_int_equal(rep->end, sizeof(log) - 1);
	cp_report_free(rep);
}

/* 64 MiB of garbage without newlines, then a crash: found, memory capped. */
static void test_huge_line_and_garbage(void **state)
{
	struct cp_report_stream *st;
	struct cp_report *rep;
	struct cp_error err;
	size_t chunk = 1u << 20;
	char *junk = malloc(chunk);
	static const char tail[] = "\nWARNING: CPU: 0 PID: 1 at a/b.c:1 f+0x1/0x2\nRIP: 0010:f+0x1/0x2\n"
				   "Call Trace:\n g+0x1/0x2\n h+0x1/0x2\n i+0x1/0x2\n";

	(void)state;
	assert_non_null(junk);
	for (size_t i = 0; i < chunk; i++)
		junk[i] = (char)("\x01\x7f\xff\xfe abcdefBUG"[i % 15]);
	assert_int_equal(cp_report_stream_new(&st, &err), 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(cp_report_stream_feed(st, junk, chunk, &err), 0);
	assert_false(cp_report_stream_found(st));
	assert_int_equal(cp_report_stream_feed(st, tail, sizeof(tail) - 1, &err), 0);
	assert_true(cp_report_stream_found(st));
	assert_int_equal(cp_report_stream_finish(st, &rep, &err), 0);
	assert_non_null(rep);
	assert_string_equal(rep->title, "WARNING in f");
	assert_int_equal(rep->start, 64 * (uint64_t)chunk + 1);
	assert_true(rep->text_len < CP_REPORT_MAX_TEXT);
	cp_report_free(rep);
	cp_report_stream_free(st);
	free(junk);
}

/* A report longer than the text cap is cut, not grown without bound. */
static void test_text_cap(void **state)
{
	struct cp_report_stream *st;
	struct cp_report *rep;
	struct cp_error err;
	static const char head[] = "BUG: KASAN: use-after-free in f+0x1/0x2\nRead of size 1 at addr 0\n"
				   "Call Trace:\n f+0x1/0x2\n g+0x1/0x2\n";
	static const char line[] = " some_function_name+0x10/0x20 and some more text to fill\n";

	(void)state;
	assert_int_equal(cp_report_stream_new(&st, &err), 0);
	assert_int_equal(cp_report_stream_feed(st, head, sizeof(head) - 1, &err), 0);
	for (int i = 0; i < 200000; i++)
		assert_int_equal(cp_report_stream_feed(st, line, sizeof(line) - 1, &err), 0);
	assert_int_equal(cp_report_stream_finish(st, &rep, &err), 0);
	assert_string_equal(rep->title, "KASAN: use-after-free Read in f");
	assert_true(rep->text_len <= CP_REPORT_MAX_TEXT);
	cp_report_free(rep);
	cp_report_stream_free(st);
}

static void test_json(void **state)
{
	struct cp_report *rep;
	struct cp_error err;
	char *js;
	static const char log[] = "WARNING: CPU: 0 PID: 1 at a/b.c:1 f+0x1/0x2\n\xff\xfe bad utf8\n"
				  "RIP: 0010:f+0x1/0x2\nCall Trace:\n g+0x1/0x2\n h+0x1/0x2\n";

	(void)state;
	assert_int_equal(cp_report_parse(log, sizeof(log) - 1, &rep, &err), 0);
	assert_int_equal(cp_report_to_json(rep, &js, &err), 0);
	assert_non_null(strstr(js, "\"title\":\"WARNING in f\""));
	assert_non_null(strstr(js, "\"alt_titles\":[]"));
	assert_non_null(strstr(js, "\"type\":\"WARNING\""));
	assert_non_null(strstr(js, "\"corrupted\":false"));
	assert_non_null(strstr(js, "\"start\":0"));
	assert_non_null(strstr(js, "\\uFFFD"));
	free(js);
	cp_report_free(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_any_split),
		cmocka_unit_test(test_empty_lines_any_split),
		cmocka_unit_test(test_long_line_before_crash_any_split),
		cmocka_unit_test(test_context_and_offsets),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_huge_line_and_garbage),
		cmocka_unit_test(test_text_cap),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
