/*
 * Kernel builder units that need no kernel: signatures of small ELF files
 * compiled here, the compiler policy, versions, config checks, build
 * errors and the kernel job sections.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "report/report.h"

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/culprit-kernel-test-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_text(const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* gcc ARGS in tmpdir: 0 on success. */
static int gcc(const char *args)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cd '%s' && gcc %s 2>/dev/null", tmpdir, args);
	return system(cmd);
}

static void sig_of(const char *name, char out[CP_KERNEL_SIG_HEXSZ])
{
	struct cp_error err;
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	cp_error_clear(&err);
	assert_int_equal(cp_kernel_signature(p, out, &err), 0);
	assert_int_equal(strlen(out), 64);
}

static const char prog[] =
	"#include <stdio.h>\n"
	"static int table[16] = { 1, 2, 3 };\n"
	"static char big[4096];\n"
	"int f(int x) { return table[x & 15] * 3 + big[x & 4095]; }\n"
	"int main(int argc, char **argv) { (void)argv; printf(\"%d\\n\", f(argc)); return 0; }\n";

static void signature_same_sources_same_signature(void **state)
{
	char a[CP_KERNEL_SIG_HEXSZ], b[CP_KERNEL_SIG_HEXSZ];

	(void)state;
	write_text("p.c", prog);
	assert_int_equal(gcc("-O2 -o p1 p.c"), 0);
	assert_int_equal(gcc("-O2 -o p2 p.c"), 0);
	sig_of("p1", a);
	sig_of("p2", b);
	assert_string_equal(a, b);
	/* object files (sections not loaded at fixed addresses) too */
	assert_int_equal(gcc("-O2 -c -o p1.o p.c"), 0);
	assert_int_equal(gcc("-O2 -c -o p2.o p.c"), 0);
	sig_of("p1.o", a);
	sig_of("p2.o", b);
	assert_string_equal(a, b);
}

static void signature_ignores_comments_but_not_code(void **state)
{
	char a[CP_KERNEL_SIG_HEXSZ], b[CP_KERNEL_SIG_HEXSZ], c[CP_KERNEL_SIG_HEXSZ];
	char *commented, *changed, *p;

	(void)state;
	commented = malloc(strlen(prog) + 64);
	changed = strdup(prog);
	assert_non_null(commented);
	assert_non_null(changed);
	/* a comment at the end: no line moves */
	snprintf(commented, strlen(prog) + 64, "%s/* only a comment */\n", prog);
	p = strstr(changed, "* 3");
	assert_non_null(p);
	p[2] = '5';
	write_text("p.c", prog);
	write_text("q.c", commented);
	write_text("r.c", changed);
	assert_int_equal(gcc("-O2 -o p p.c"), 0);
	assert_int_equal(gcc("-O2 -o q q.c"), 0);
	assert_int_equal(gcc("-O2 -o r r.c"), 0);
	sig_of("p", a);
	sig_of("q", b);
	sig_of("r", c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	/* debug info is not loaded: -g does not change the signature */
	assert_int_equal(gcc("-O2 -g -o pg p.c"), 0);
	sig_of("pg", b);
	assert_string_equal(a, b);
	free(commented);
	free(changed);
}

static void signature_errors(void **state)
{
	char sig[CP_KERNEL_SIG_HEXSZ], p[512];
	struct cp_error err;

	(void)state;
	write_text("not-elf", "hello\n");
	snprintf(p, sizeof(p), "%s/not-elf", tmpdir);
	assert_int_equal(cp_kernel_signature(p, sig, &err), CP_ERR_INPUT);
	snprintf(p, sizeof(p), "%s/missing", tmpdir);
	assert_int_equal(cp_kernel_signature(p, sig, &err), CP_ERR_IO);
}

static bool fake_installed(const char *cmd)
{
	return !strcmp(cmd, "gcc-12") || !strcmp(cmd, "gcc-11") || !strcmp(cmd, "clang");
}

static void compiler_table(void **state)
{
	struct cp_kernel_compiler *rows = NULL;
	struct cp_kernel_choice ch;
	struct cp_kernel_version v;
	struct cp_error err;
	size_t n = 0;
	json_t *j = NULL;

	(void)state;
	assert_int_equal(cp_kernel_compilers_parse_table(
		"# comment\n\n6.1 - gcc-12 gcc # newest\n5.9 6.1 gcc-10 gcc-11\n- 5.9 gcc-8\n",
		"t.txt", &j, &err), 0);
	assert_int_equal(json_array_size(j), 3);
	assert_int_equal(cp_kernel_compilers_from_json(j, "compilers", &rows, &n, &err), 0);
	assert_int_equal(n, 3);
	/* the first installed one of the row; a fallback says so */
	assert_int_equal(cp_kernel_version_parse("6.1", &v), 0);
	cp_kernel_choose_compiler(rows, n, v, fake_installed, &ch);
	assert_string_equal(ch.cc, "gcc-12");
	assert_string_equal(ch.note, "");
	assert_int_equal(cp_kernel_version_parse("5.10", &v), 0);
	cp_kernel_choose_compiler(rows, n, v, fake_installed, &ch);
	assert_string_equal(ch.cc, "gcc-11");
	assert_string_equal(ch.note,
			    "compiler for Linux 5.10: gcc-10 is not installed, falling back to gcc-11");
	/* none installed: no compiler, and why */
	assert_int_equal(cp_kernel_version_parse("4.14", &v), 0);
	cp_kernel_choose_compiler(rows, n, v, fake_installed, &ch);
	assert_null(ch.cc);
	assert_string_equal(ch.note, "no compiler for Linux 4.14: gcc-8 is not installed");
	cp_kernel_compilers_free(rows, n);
	json_decref(j);

	/* bad tables name the file and line */
	assert_int_equal(cp_kernel_compilers_parse_table("6.1 - gcc\nsix - gcc\n", "t.txt", &j, &err),
			 CP_ERR_INPUT);
	assert_non_null(strstr(err.msg, "t.txt:2:"));
	assert_int_equal(cp_kernel_compilers_parse_table("6.1 -\n", "t.txt", &j, &err), CP_ERR_INPUT);
	assert_non_null(strstr(err.msg, "t.txt:1: no compiler"));
	assert_int_equal(cp_kernel_compilers_parse_table("# only comments\n", "t.txt", &j, &err),
			 CP_ERR_INPUT);
	/* a list of fallbacks in a job row; an empty one is refused */
	j = json_loads("[{\"min\": \"5.0\", \"cc\": [\"gcc-13\", \"clang\"]}]", 0, NULL);
	assert_int_equal(cp_kernel_compilers_from_json(j, "compilers", &rows, &n, &err), 0);
	assert_int_equal(cp_kernel_version_parse("6.1", &v), 0);
	cp_kernel_choose_compiler(rows, n, v, fake_installed, &ch);
	assert_string_equal(ch.cc, "clang");
	cp_kernel_compilers_free(rows, n);
	json_decref(j);
	j = json_loads("[{\"cc\": []}]", 0, NULL);
	assert_int_equal(cp_kernel_compilers_from_json(j, "compilers", &rows, &n, &err), CP_ERR_JOB);
	assert_non_null(strstr(err.msg, "compilers[0].cc"));
	json_decref(j);
	/* the installed check itself: sh is on PATH, this is not */
	assert_true(cp_kernel_in_path("sh -c"));
	assert_false(cp_kernel_in_path("culprit-no-such-compiler-x"));
}

/* the crash needs CONFIG_B and CONFIG_E */
static int needs_b_e(char *const *keep, size_t n, void *arg, int *repro, struct cp_error *err)
{
	size_t i;
	int b = 0, e = 0;

	(void)err;
	++*(unsigned *)arg;
	for (i = 0; i < n; i++) {
		b |= !strcmp(keep[i], "CONFIG_B");
		e |= !strcmp(keep[i], "CONFIG_E");
	}
	*repro = b && e;
	return 0;
}

static int never(char *const *keep, size_t n, void *arg, int *repro, struct cp_error *err)
{
	(void)keep;
	(void)n;
	(void)arg;
	(void)err;
	*repro = 0;
	return 0;
}

static void kconfig_minimize(void **state)
{
	struct cp_kconfig full, base;
	struct cp_error err;
	char **diff = NULL, **kept = NULL, **unk = NULL, *text = NULL;
	size_t ndiff = 0, nkept = 0, nunk = 0;
	unsigned tests = 0, calls = 0;

	(void)state;
	assert_int_equal(cp_kconfig_parse("CONFIG_64BIT=y\n# CONFIG_MODULES is not set\n"
					  "CONFIG_A=y\nCONFIG_B=m\nCONFIG_C=\"x\"\n# CONFIG_D is not set\n"
					  "CONFIG_E=y\nCONFIG_F=y\nCONFIG_G=y\nCONFIG_H=y\nCONFIG_A=n\n",
					  &full, &err), 0);
	assert_int_equal(cp_kconfig_parse("CONFIG_64BIT=y\n# CONFIG_MODULES is not set\nCONFIG_C=\"x\"\n",
					  &base, &err), 0);
	/* beyond the baseline: set, not =n, not the same value; the last line of A says n */
	assert_int_equal(cp_kconfig_diff(&full, &base, &diff, &ndiff, &err), 0);
	assert_int_equal(ndiff, 5);
	assert_string_equal(diff[0], "CONFIG_B");
	assert_string_equal(diff[1], "CONFIG_E");
	assert_string_equal(diff[4], "CONFIG_H");
	assert_int_equal(cp_kconfig_minimize(diff, ndiff, needs_b_e, &calls, 40, &kept, &nkept,
					     &tests, &err), 0);
	assert_int_equal(nkept, 2);
	assert_string_equal(kept[0], "CONFIG_B");
	assert_string_equal(kept[1], "CONFIG_E");
	assert_int_equal(tests, calls);
	assert_true(tests <= 12);
	/* the composed config: the baseline, then the kept options with the full config's values */
	assert_int_equal(cp_kconfig_compose(&base, &full, kept, nkept, &text, &err), 0);
	assert_string_equal(text, "CONFIG_64BIT=y\n# CONFIG_MODULES is not set\nCONFIG_C=\"x\"\n"
			    "CONFIG_B=m\nCONFIG_E=y\n");
	free(text);
	cp_kernel_strv_free(kept);
	/* a budget stops it; nothing reproducing keeps everything */
	assert_int_equal(cp_kconfig_minimize(diff, ndiff, never, NULL, 3, &kept, &nkept, &tests, &err), 0);
	assert_int_equal(nkept, 5);
	assert_int_equal(tests, 3);
	cp_kernel_strv_free(kept);
	/* options the written .config does not mention: unknown to that kernel */
	assert_int_equal(cp_kconfig_unknown("CONFIG_A=y\nCONFIG_OLD=y\n# CONFIG_X is not set\n",
					    "CONFIG_A=y\n", &unk, &nunk, &err), 0);
	assert_int_equal(nunk, 1);
	assert_string_equal(unk[0], "CONFIG_OLD");
	cp_kernel_strv_free(unk);
	cp_kernel_strv_free(diff);
	cp_kconfig_free(&full);
	cp_kconfig_free(&base);
}

static void compiler_policy(void **state)
{
	struct cp_kernel_spec spec;
	struct cp_kernel_version v;
	struct cp_error err;
	json_t *j;

	(void)state;
	j = json_loads("{\"config\": \"/x/.config\", \"compilers\": ["
		       "{\"max\": \"4.19\", \"cc\": \"gcc-8\"},"
		       "{\"min\": \"4.19\", \"max\": \"6.0\", \"cc\": \"gcc-10\"},"
		       "{\"min\": \"6.0\", \"cc\": \"gcc-12\"}]}", 0, NULL);
	assert_non_null(j);
	cp_kernel_spec_init(&spec);
	assert_int_equal(cp_kernel_spec_from_json(j, NULL, &spec, &err), 0);
	assert_int_equal(spec.ncompilers, 3);
	assert_int_equal(cp_kernel_version_parse("4.14", &v), 0);
	assert_string_equal(cp_kernel_pick_compiler(&spec, v), "gcc-8");
	assert_int_equal(cp_kernel_version_parse("4.19", &v), 0);
	assert_string_equal(cp_kernel_pick_compiler(&spec, v), "gcc-10");
	assert_int_equal(cp_kernel_version_parse("5.15", &v), 0);
	assert_string_equal(cp_kernel_pick_compiler(&spec, v), "gcc-10");
	assert_int_equal(cp_kernel_version_parse("6.1", &v), 0);
	assert_string_equal(cp_kernel_pick_compiler(&spec, v), "gcc-12");
	assert_int_equal(cp_kernel_version_parse("6", &v), 0);
	assert_string_equal(cp_kernel_pick_compiler(&spec, v), "gcc-12");
	assert_int_not_equal(cp_kernel_version_parse("six", &v), 0);
	assert_int_not_equal(cp_kernel_version_parse("6.1.2", &v), 0);
	cp_kernel_spec_free(&spec);
	json_decref(j);

	/* no table: gcc; bad rows are job errors naming the field */
	cp_kernel_spec_init(&spec);
	assert_string_equal(cp_kernel_pick_compiler(&spec, v), "gcc");
	j = json_loads("{\"config\": \"c\", \"compilers\": [{\"min\": \"x\", \"cc\": \"gcc\"}]}", 0, NULL);
	assert_int_equal(cp_kernel_spec_from_json(j, "/base", &spec, &err), CP_ERR_JOB);
	assert_non_null(strstr(err.msg, "compilers[0].min"));
	cp_kernel_spec_free(&spec);
	json_decref(j);
	j = json_loads("{\"config\": \"c\", \"colour\": 1}", 0, NULL);
	assert_int_equal(cp_kernel_spec_from_json(j, "/base", &spec, &err), CP_ERR_JOB);
	assert_non_null(strstr(err.msg, "colour"));
	cp_kernel_spec_free(&spec);
	json_decref(j);
	/* relative paths from the job file's folder */
	j = json_loads("{\"config\": \"k/.config\"}", 0, NULL);
	assert_int_equal(cp_kernel_spec_from_json(j, "/base", &spec, &err), 0);
	assert_string_equal(spec.config, "/base/k/.config");
	assert_true(spec.ccache);
	cp_kernel_spec_free(&spec);
	json_decref(j);
}

static void kernel_version_from_makefile(void **state)
{
	struct cp_kernel_version v;
	struct cp_error err;

	(void)state;
	write_text("Makefile", "# SPDX\nVERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 192\nEXTRAVERSION =\n");
	assert_int_equal(cp_kernel_version(tmpdir, &v, &err), 0);
	assert_int_equal(v.major, 6);
	assert_int_equal(v.minor, 1);
	write_text("Makefile", "all:\n");
	assert_int_equal(cp_kernel_version(tmpdir, &v, &err), CP_ERR_INPUT);
}

static void config_options(void **state)
{
	struct cp_kernel_option o, want[4];
	struct cp_error err;
	char **dropped;
	size_t n;
	const char *cfg =
		"#\n# Automatically generated file; DO NOT EDIT.\n#\n"
		"CONFIG_64BIT=y\n"
		"CONFIG_LKDTM=y\n"
		"# CONFIG_KASAN is not set\n"
		"CONFIG_CMDLINE=\"a b\"\n";

	(void)state;
	assert_int_equal(cp_kernel_option_parse("CONFIG_X=y", &o), 1);
	assert_string_equal(o.name, "CONFIG_X");
	assert_string_equal(o.value, "y");
	free(o.name);
	free(o.value);
	assert_int_equal(cp_kernel_option_parse("# CONFIG_Y is not set", &o), 1);
	assert_string_equal(o.name, "CONFIG_Y");
	assert_null(o.value);
	free(o.name);
	assert_int_equal(cp_kernel_option_parse("# Automatically generated", &o), 0);
	assert_int_equal(cp_kernel_option_parse("", &o), 0);
	assert_int_equal(cp_kernel_option_parse("CONFIG_Z", &o), 0);

	want[0] = (struct cp_kernel_option){ "CONFIG_LKDTM", "y" };
	want[1] = (struct cp_kernel_option){ "CONFIG_KASAN", "y" };
	want[2] = (struct cp_kernel_option){ "CONFIG_SLOB", NULL };
	want[3] = (struct cp_kernel_option){ "CONFIG_64BIT", NULL };
	assert_int_equal(cp_kernel_config_check(cfg, want, 4, &dropped, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(dropped[0], "CONFIG_KASAN=y (got: is not set)");
	assert_string_equal(dropped[1], "# CONFIG_64BIT is not set (got: =y)");
	assert_null(dropped[2]);
	cp_kernel_strv_free(dropped);
	want[0] = (struct cp_kernel_option){ "CONFIG_NEW", "y" };
	assert_int_equal(cp_kernel_config_check(cfg, want, 1, &dropped, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(dropped[0], "CONFIG_NEW=y (got: absent)");
	cp_kernel_strv_free(dropped);
}

static void first_build_error(void **state)
{
	char out[256];
	const char *log =
		"  CC      kernel/sys.o\n"
		"kernel/sys.c: In function '__do_sys_sethostname':\n"
		"kernel/sys.c:1383:9: error: 'x' undeclared (first use in this function)\n"
		"kernel/sys.c:1390:9: error: second\n"
		"make[3]: *** [scripts/Makefile.build:250: kernel/sys.o] Error 1\n";
	const char *link_only = "  LD      vmlinux\nmake[1]: *** [Makefile:1250: vmlinux] Error 1\n";

	(void)state;
	cp_kernel_first_error(log, strlen(log), out, sizeof(out));
	assert_string_equal(out, "kernel/sys.c:1383:9: error: 'x' undeclared (first use in this function)");
	cp_kernel_first_error(link_only, strlen(link_only), out, sizeof(out));
	assert_string_equal(out, "make[1]: *** [Makefile:1250: vmlinux] Error 1");
	cp_kernel_first_error("all fine\n", 9, out, sizeof(out));
	assert_string_equal(out, "");
}

static void job_sections_become_commands(void **state)
{
	char *build = NULL, *test = NULL, *q;
	struct cp_error err;
	json_t *j;
	char text[1024];

	(void)state;
	write_text("config", "CONFIG_64BIT=y\n");
	write_text("repro.c", "int main(void) { return 0; }\n");
	snprintf(text, sizeof(text),
		 "{\"repo\": \"/r\", \"kernel\": {\"config\": \"config\", \"compilers\": [{\"cc\": \"gcc\"}],"
		 " \"cmdline\": \"it's\"}, \"vm\": {\"type\": \"qemu\", \"count\": 2, \"accel\": \"tcg\"},"
		 " \"repro\": {\"c\": \"repro.c\"}}");
	j = json_loads(text, 0, NULL);
	assert_non_null(j);
	assert_int_equal(cp_kernel_job_expand(j, tmpdir, &build, &test, &err), 0);
	assert_non_null(strstr(build, " kernel-build --spec '{"));
	assert_non_null(strstr(test, " vm-run --spec '{"));
	assert_non_null(strstr(build, tmpdir));
	assert_non_null(strstr(build, "it'\\''s"));	/* quoted for the shell */
	assert_int_equal(cp_kernel_job_vm_count(j), 2);
	free(build);
	free(test);
	json_decref(j);

	/* errors name the field */
	j = json_loads("{\"kernel\": {\"config\": \"config\"}, \"vm\": {\"type\": \"xen\"},"
		       " \"repro\": {\"c\": \"repro.c\"}}", 0, NULL);
	assert_int_equal(cp_kernel_job_expand(j, tmpdir, &build, &test, &err), CP_ERR_JOB);
	assert_non_null(strstr(err.msg, "vm.type"));
	json_decref(j);
	j = json_loads("{\"kernel\": {\"config\": \"config\"}, \"repro\": {\"c\": \"nope.c\"}}", 0, NULL);
	assert_int_equal(cp_kernel_job_expand(j, tmpdir, &build, &test, &err), CP_ERR_JOB);
	assert_non_null(strstr(err.msg, "repro.c"));
	json_decref(j);
	j = json_loads("{\"kernel\": {\"config\": \"config\"}, \"vm\": {\"count\": 0},"
		       " \"repro\": {\"sh\": \"repro.c\"}}", 0, NULL);
	assert_int_equal(cp_kernel_job_expand(j, tmpdir, &build, &test, &err), CP_ERR_JOB);
	assert_non_null(strstr(err.msg, "vm.count"));
	json_decref(j);
	/* no kernel section: nothing to do */
	j = json_loads("{\"repo\": \"/r\"}", 0, NULL);
	assert_int_equal(cp_kernel_job_expand(j, tmpdir, &build, &test, &err), 0);
	assert_null(build);
	assert_null(test);
	json_decref(j);

	/* the one-call rewrite for culprit bisect --job */
	j = json_loads("{\"repo\": \"/r\", \"kernel\": {\"config\": \"config\","
		       " \"compilers\": [{\"cc\": \"gcc-12\"}]}, \"vm\": {\"count\": 3},"
		       " \"repro\": {\"c\": \"repro.c\"}}", 0, NULL);
	assert_int_equal(cp_kernel_job_rewrite(j, tmpdir, &err), 0);
	assert_null(json_object_get(j, "kernel"));
	assert_null(json_object_get(j, "vm"));
	assert_null(json_object_get(j, "repro"));
	assert_non_null(strstr(json_string_value(json_object_get(j, "build")), "kernel-build"));
	assert_non_null(strstr(json_string_value(json_object_get(j, "test")), "vm-run"));
	assert_int_equal(json_integer_value(json_object_get(j, "runs")), 3);
	assert_string_equal(json_string_value(json_object_get(j, "compiler")), "gcc-12");
	json_decref(j);
	j = json_loads("{\"build\": \"make\", \"kernel\": {\"config\": \"config\"},"
		       " \"repro\": {\"c\": \"repro.c\"}}", 0, NULL);
	assert_int_equal(cp_kernel_job_rewrite(j, tmpdir, &err), CP_ERR_JOB);
	json_decref(j);
	j = json_loads("{\"build\": \"make\", \"test\": \"./t\"}", 0, NULL);
	assert_int_equal(cp_kernel_job_rewrite(j, tmpdir, &err), 0);
	assert_string_equal(json_string_value(json_object_get(j, "build")), "make");
	json_decref(j);

	q = cp_kernel_shell_quote("a'b c");
	assert_string_equal(q, "'a'\\''b c'");
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(signature_same_sources_same_signature, setup, teardown),
		cmocka_unit_test_setup_teardown(signature_ignores_comments_but_not_code, setup, teardown),
		cmocka_unit_test_setup_teardown(signature_errors, setup, teardown),
		cmocka_unit_test(compiler_policy),
		cmocka_unit_test(compiler_table),
		cmocka_unit_test(kconfig_minimize),
		cmocka_unit_test_setup_teardown(kernel_version_from_makefile, setup, teardown),
		cmocka_unit_test(config_options),
		cmocka_unit_test(first_build_error),
		cmocka_unit_test_setup_teardown(job_sections_become_commands, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

