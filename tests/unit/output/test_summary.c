#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output/html.h"
#include "output/report.h"
#include "output/summary.h"

#define A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define C "cccccccccccccccccccccccccccccccccccccccc"

static json_t *load(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	assert_non_null(j);
	return j;
}

static void counts_flags_confidence(void **state)
{
	json_t *root = load(
		"{\"version\":1,\"status\":\"found\",\"target\":\"KASAN: use-after-free Read in f\","
		"\"culprit\":{\"commit\":\"" B "\",\"subject\":\"s\"},"
		"\"tested\":["
		"{\"commit\":\"" A "\",\"verdict\":\"crashed\",\"build\":{\"ok\":true,\"duration_s\":2},"
		" \"runs\":[{\"index\":0,\"outcome\":\"crashed: KASAN: use-after-free Read in f\",\"duration_s\":1},"
		"          {\"index\":1,\"outcome\":\"OK\",\"duration_s\":1}]},"
		"{\"commit\":\"" C "\",\"verdict\":\"clean\",\"build\":{\"ok\":true,\"duration_s\":2},"
		" \"runs\":[{\"index\":0,\"outcome\":\"OK\"},{\"index\":1,\"outcome\":\"OK\"}]},"
		"{\"commit\":\"" B "\",\"verdict\":\"skip\",\"build\":{\"ok\":true},"
		" \"runs\":[{\"index\":0,\"outcome\":\"crashed: WARNING in g\"},"
		"          {\"index\":1,\"outcome\":\"infra problem: no VM\"}]}]}");
	struct cp_summary s;
	struct cp_error err;

	(void)state;
	assert_int_equal(cp_summary_from_json(root, &s, &err), 0);
	json_decref(root);
	assert_string_equal(s.mode, "cause");
	assert_string_equal(s.culprit, B);
	assert_null(s.culprit_signature);
	assert_int_equal(s.ntested, 3);
	assert_int_equal(s.tested[0].runs.target, 1);
	assert_int_equal(s.tested[0].runs.clean, 1);
	assert_int_equal(s.tested[2].runs.other, 1);
	assert_int_equal(s.tested[2].runs.infra, 1);
	assert_int_equal(s.tested[2].built, 1);
	assert_int_equal(s.nothers, 1);
	assert_string_equal(s.others[0].title, "WARNING in g");
	assert_int_equal(s.others[0].tested[0], 2);
	/* flaky: 1 of 2 runs; the clean commit had 2 clean runs: 1 - 0.5^2 */
	assert_true(cp_summary_flaky(&s));
	assert_false(s.confidence_given);
	assert_true(fabs(s.confidence - 0.75) < 1e-9);
	/* no totals: summed from the commits */
	assert_true(fabs(s.build_s - 4) < 1e-9);
	assert_true(fabs(s.test_s - 1 - 1) < 1e-9);
	assert_int_equal(s.revisions, 3);
	cp_summary_dispose(&s);
}

static void journal(void **state)
{
	static const char text[] =
		"{\"journal\":\"culprit\",\"format\":1,\"header\":{\"bad\":\"x\",\"runs\":2}}\n"
		"{\"type\":\"build\",\"commit\":\"" A "\",\"ok\":true,\"duration_s\":3}\n"
		"{\"type\":\"run\",\"commit\":\"" A "\",\"index\":1,\"outcome\":\"crashed: T\",\"duration_s\":2}\n"
		"{\"type\":\"run\",\"commit\":\"" A "\",\"index\":0,\"outcome\":\"crashed: T\",\"duration_s\":2}\n"
		"{\"type\":\"build\",\"commit\":\"" B "\",\"ok\":false,\"duration_s\":1}\n"
		"{\"type\":\"build\",\"commit\":\"" C "\",\"ok\":true,\"duration_s\":1}\n"
		"{\"type\":\"run\",\"commit\":\"" C "\",\"index\":0,\"outcome\":\"OK\",\"duration_s\":1}\n"
		"{\"type\":\"run\",\"comm";
	struct cp_summary s;
	struct cp_error err;
	json_t *root = NULL;

	(void)state;
	assert_int_equal(cp_summary_journal_to_result(text, strlen(text), &root, &err), 0);
	assert_int_equal(cp_summary_from_json(root, &s, &err), 0);
	json_decref(root);
	assert_string_equal(s.status, "interrupted");
	assert_string_equal(s.target, "T");
	assert_int_equal(s.ntested, 3);
	assert_string_equal(s.tested[0].verdict, "crashed");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(s.tested[0].run_list, 0),
							    "index")), 0);
	assert_string_equal(s.tested[1].verdict, "skip");
	assert_int_equal(s.tested[1].built, 0);
	assert_string_equal(s.tested[2].verdict, "");	/* 1 of 2 runs done */
	assert_int_equal(s.revisions, 2);
	assert_true(fabs(s.total_s - 10) < 1e-9);
	cp_summary_dispose(&s);

	/* a corrupt line in the middle is an error; no header is one too */
	assert_int_equal(cp_summary_journal_to_result("{\"header\":{}}\nxx\n{}\n", 20, &root, &err),
			 CP_ERR_INPUT);
	assert_int_equal(cp_summary_journal_to_result("{\"type\":\"run\"}\n", 15, &root, &err),
			 CP_ERR_INPUT);
	assert_int_equal(cp_summary_journal_to_result("", 0, &root, &err), CP_ERR_INPUT);
}

static void not_an_object(void **state)
{
	struct cp_summary s;
	struct cp_error err;
	json_t *j = json_array();

	(void)state;
	assert_int_equal(cp_summary_from_json(j, &s, &err), CP_ERR_INPUT);
	json_decref(j);
	/* an empty object is a valid (if useless) result */
	j = json_object();
	assert_int_equal(cp_summary_from_json(j, &s, &err), 0);
	assert_int_equal(s.ntested, 0);
	assert_string_equal(s.status, "unknown");
	cp_summary_dispose(&s);
	json_decref(j);
}

/* Odd shapes and hostile values: a shorter report, never a crash. */
static void odd_shapes(void **state)
{
	static const char *const docs[] = {
		"{\"tested\":[1,\"x\",null,{\"commit\":5},{\"commit\":\"../../etc\",\"runs\":"
		"[{\"index\":0,\"outcome\":\"crashed: T\"}],\"verdict\":\"crashed\"}],"
		"\"target\":\"T\",\"culprit\":{\"commit\":\"../../etc\"}}",
		"{\"tested\":{},\"candidates\":[1,\"zz\"],\"status\":\"inconclusive\","
		"\"posterior\":[{\"commit\":\"zz\",\"p\":7},{\"p\":1},3],\"flags\":[\"<b>\",4],"
		"\"confidence\":\"high\",\"totals\":[]}",
		"{\"mode\":\"fix\",\"tested\":[{\"commit\":\"" A "\",\"runs\":[{\"outcome\":7},"
		"{\"outcome\":\"crashed: \"},{}],\"build\":{\"ok\":\"yes\"}}],"
		"\"culprit\":{\"commit\":\"" A "\",\"signature\":\"s\",\"parent_signature\":\"s\"}}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct cp_output_facts f;
		struct cp_summary s;
		struct cp_error err;
		char *text = NULL, *html = NULL;
		json_t *root = load(docs[i]);

		assert_int_equal(cp_summary_from_json(root, &s, &err), 0);
		json_decref(root);
		assert_int_equal(cp_output_facts_gather(&s, NULL, "/nonexistent", &f, &err), 0);
		assert_null(f.crash_text);
		assert_int_equal(cp_output_report_text(&s, &f, &text, &err), 0);
		assert_int_equal(cp_output_html(&s, &f, NULL, text, &html, &err), 0);
		assert_null(strstr(html, "<b>"));
		free(text);
		free(html);
		cp_output_facts_dispose(&f);
		cp_summary_dispose(&s);
	}
}

static void escaping(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	static const char evil[] = "<script>alert('x')</script> & \"q\"\x01\x7f\ttab";

	(void)state;
	cp_html_escape(f, evil, sizeof(evil) - 1);
	cp_html_escape(f, "abcdef", 3);
	fclose(f);
	assert_string_equal(buf, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
			    "&#xFFFD;&#xFFFD;\ttababc");
	free(buf);
}

static void durations(void **state)
{
	char b[32];

	(void)state;
	cp_format_duration(3.25, b, sizeof(b));
	assert_string_equal(b, "3.2s");
	cp_format_duration(125, b, sizeof(b));
	assert_string_equal(b, "2m5.0s");
	cp_format_duration(3600 * 4 + 42 * 60 + 7.9, b, sizeof(b));
	assert_string_equal(b, "4h42m7.9s");
	cp_format_duration(-1, b, sizeof(b));
	assert_string_equal(b, "0.0s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_flags_confidence),
		cmocka_unit_test(journal),
		cmocka_unit_test(not_an_object),
		cmocka_unit_test(odd_shapes),
		cmocka_unit_test(escaping),
		cmocka_unit_test(durations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
