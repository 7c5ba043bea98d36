/*
 * The built-in example repository: its history has the promised shape
 * (checked with the git CLI) and the program builds and crashes where
 * cp_demo_make_repo() says: clean on culprit^ and good_tag, the ASan report
 * on culprit and bad, a build failure on a broken commit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "demo/demo.h"

static char tmp[256];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs a shell command; returns its exit status (128 + n for signal n). */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char *cmd = NULL;
	va_list ap;
	int st, n;

	va_start(ap, fmt);
	n = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	st = system(cmd);
	free(cmd);
	assert_true(st != -1);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* The first line a shell command prints, without its newline. */
static void sh_line(char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void sh_line(char *out, size_t size, const char *fmt, ...)
{
	char *cmd = NULL;
	va_list ap;
	FILE *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	p = popen(cmd, "r");
	free(cmd);
	assert_non_null(p);
	if (!fgets(out, (int)size, p))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	while (fgetc(p) != EOF)
		;
	assert_int_equal(pclose(p), 0);
}

static long sh_num(const char *fmt, const char *a, const char *b)
{
	char line[64];

	sh_line(line, sizeof(line), fmt, a, b);
	return strtol(line, NULL, 10);
}

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmp, sizeof(tmp), "%s/culprit-demo.XXXXXX",
		 base ? base : "/tmp");
	if (!mkdtemp(tmp))
		return -1;
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("HOME", tmp, 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	return 0;
}

static int teardown(void **state)
{
	if (tmp[0] && sh("rm -rf '%s'", tmp) != 0)
		return -1;
	return 0;
}

static void make(const char *name, unsigned seed, struct cp_demo_repo *r)
{
	struct cp_error err = { 0 };
	char dir[512];
	double t0 = now();

	snprintf(dir, sizeof(dir), "%s/%s", tmp, name);
	if (cp_demo_make_repo(dir, seed, r, &err) != 0)
		fail_msg("cp_demo_make_repo: %s", err.msg);
	fprintf(stderr, "# generated %s (%zu commits) in %.2f s\n", name,
		r->ncommits, now() - t0);
}

static void test_history(void **state)
{
	struct cp_demo_repo r;
	char line[256];
	const char *p;
	long n, merges, tags, pos;

	make("history", 1, &r);
	p = r.path;
	assert_int_equal(sh("git -C '%s' fsck --no-progress --strict", p), 0);
	sh_line(line, sizeof(line), "git -C '%s' rev-parse main", p);
	assert_string_equal(line, r.bad);
	sh_line(line, sizeof(line), "git -C '%s' symbolic-ref HEAD", p);
	assert_string_equal(line, "refs/heads/main");
	sh_line(line, sizeof(line), "git -C '%s' status --porcelain | wc -l", p);
	assert_string_equal(line, "0");

	n = sh_num("git -C '%s' rev-list --count %s", p, r.bad);
	assert_int_equal(n, (long)r.ncommits);
	assert_in_range(n, 180, 220);
	merges = sh_num("git -C '%s' rev-list --merges --count %s", p, r.bad);
	assert_in_range(merges, n * 8 / 100, n * 16 / 100);
	tags = sh_num("git -C '%s' tag -l 'v*' --merged %s | wc -l", p, r.bad);
	assert_in_range(tags, 5, 30);
	assert_int_equal(sh("git -C '%s' show-ref -q --verify 'refs/tags/%s'",
			    p, r.good_tag), 0);

	assert_int_equal(sh("git -C '%s' merge-base --is-ancestor %s %s", p,
			    r.culprit, r.bad), 0);
	assert_int_equal(sh("git -C '%s' merge-base --is-ancestor %s %s", p,
			    r.good_tag, r.culprit), 0);
	assert_int_not_equal(sh("git -C '%s' merge-base --is-ancestor %s %s", p,
				r.culprit, r.good_tag), 0);
	/* Inside a merged topic: not on main's first-parent line. */
	assert_int_not_equal(sh("git -C '%s' rev-list --first-parent %s | "
				"grep -q %s", p, r.bad, r.culprit), 0);
	/* Somewhere in the middle. */
	pos = sh_num("git -C '%s' rev-list --count %s", p, r.culprit);
	assert_in_range(pos, n / 4, n * 3 / 4);
	/* Distinct, increasing committer dates along the first parents. */
	assert_int_equal(sh("git -C '%s' log --format=%%ct %s | sort -n -u -c -r",
			    p, r.bad), 0);
	cp_demo_repo_free(&r);
}

/* Extracts rev into tmp/name, builds it; returns make's exit status. */
static int build(const struct cp_demo_repo *r, const char *rev,
		 const char *name)
{
	double t0 = now();
	int rc;

	assert_int_equal(sh("mkdir -p '%s/%s' && git -C '%s' archive %s | "
			    "tar -x -C '%s/%s'", tmp, name, r->path, rev, tmp,
			    name), 0);
	rc = sh("cd '%s/%s' && %s >build.log 2>&1", tmp, name, r->build_cmd);
	fprintf(stderr, "# build %s: status %d, %.2f s\n", rev, rc, now() - t0);
	return rc;
}

/* Runs the reproducer in tmp/name; returns its status, *asan set when the
 * report names the heap overflow. */
static int run(const struct cp_demo_repo *r, const char *name, int *asan)
{
	double t0 = now();
	int rc;

	rc = sh("cd '%s/%s' && %s >test.log 2>&1", tmp, name, r->test_cmd);
	*asan = sh("grep -q 'ERROR: AddressSanitizer: heap-buffer-overflow' "
		   "'%s/%s/test.log'", tmp, name) == 0;
	fprintf(stderr, "# test %s: status %d, %.2f s\n", name, rc,
		now() - t0);
	return rc;
}

static void test_builds_and_crashes(void **state)
{
	struct cp_demo_repo r;
	char rev[64];
	int asan;

	make("builds", 1, &r);

	snprintf(rev, sizeof(rev), "%s^", r.culprit);
	assert_int_equal(build(&r, rev, "before"), 0);
	assert_int_equal(run(&r, "before", &asan), 0);
	assert_false(asan);

	assert_int_equal(build(&r, r.good_tag, "good"), 0);
	assert_int_equal(run(&r, "good", &asan), 0);
	assert_false(asan);

	assert_int_equal(build(&r, r.culprit, "culprit"), 0);
	assert_int_not_equal(run(&r, "culprit", &asan), 0);
	assert_true(asan);

	assert_int_equal(build(&r, r.bad, "bad"), 0);
	assert_int_not_equal(run(&r, "bad", &asan), 0);
	assert_true(asan);

	/* culprit~2 is a build broken on purpose, fixed by culprit^. */
	snprintf(rev, sizeof(rev), "%s~2", r.culprit);
	assert_int_not_equal(build(&r, rev, "broken"), 0);
	cp_demo_repo_free(&r);
}

static void test_deterministic(void **state)
{
	struct cp_demo_repo a, b, c;

	make("seed1-a", 1, &a);
	make("seed1-b", 1, &b);
	make("seed2", 2, &c);
	assert_string_equal(a.bad, b.bad);
	assert_string_equal(a.culprit, b.culprit);
	assert_string_equal(a.good_tag, b.good_tag);
	assert_int_equal(a.ncommits, b.ncommits);
	assert_string_not_equal(a.bad, c.bad);
	assert_int_equal(sh("git -C '%s' merge-base --is-ancestor %s %s",
			    c.path, c.culprit, c.bad), 0);
	assert_int_equal(sh("git -C '%s' merge-base --is-ancestor %s %s",
			    c.path, c.good_tag, c.culprit), 0);
	cp_demo_repo_free(&a);
	cp_demo_repo_free(&b);
	cp_demo_repo_free(&c);
}

static void test_refuses_non_empty_dir(void **state)
{
	struct cp_demo_repo r;
	struct cp_error err = { 0 };
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/full", tmp);
	assert_int_equal(sh("mkdir -p '%s' && touch '%s/x'", dir, dir), 0);
	assert_int_equal(cp_demo_make_repo(dir, 1, &r, &err), CP_ERR_IO);
	assert_non_null(strstr(err.msg, "not empty"));
	assert_null(r.path);
	cp_demo_repo_free(&r);
	cp_demo_repo_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_builds_and_crashes),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_refuses_non_empty_dir),
	};

	return cmocka_run_group_tests_name("demo", tests, setup, teardown);
}
