/* cp_repo_release_tags() against `git tag --merged` and a version sort. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gitfix.h"
#include "vcs/vcs.h"

static int setup(void **state)
{
	(void)state;
	if (!fx_init())
		return -1;
	return fx_sh(
		"git init -q t && cd t && c() { git commit -q --allow-empty -m \"$1\"; } && "
		"c one && git tag v1.0 && git tag v1.0-rc1 && git tag 1.1 && "
		"c two && git tag -a -m r v1.1 && git tag v1 && git tag v1.1.1.1 && "
		"c three && git tag v1.2 && git tag v1.10 && git tag vfoo && "
		"c four && git tag v1.2.3 && git tag v2.0-rc1 && git tag v01.9 && "
		"git tag -a -m tagtag v2.0 && git tag -a -m inner v1.3 && "
		"git -c advice.nestedTag=false tag -a -m outer v1.4 v1.3 && git tag v9.9 HEAD^{tree} && "
		"git checkout -q -b side HEAD~2 && c side && git tag v3.0 && "
		"git tag v1.1.5 && git checkout -q main && c five") ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_cleanup();
	return 0;
}

static void check_from(struct cp_repo *repo, const char *dir, const char *rev)
{
	struct cp_release *rel = NULL;
	struct cp_error err;
	struct cp_oid from;
	char *want, got[4096], hex[CP_OID_HEXSZ + 1];
	size_t n = 0, i, len = 0;

	assert_int_equal(cp_repo_resolve(repo, rev, &from, &err), 0);
	want = fx_out("cd %s && git tag --merged %s | "
		      "grep -E '^v[0-9]+\\.[0-9]+(\\.[0-9]+)?$' | sort -V -r | "
		      "while read t; do echo \"$t $(git rev-parse $t^{commit})\"; done",
		      dir, rev);
	assert_non_null(want);
	if (cp_repo_release_tags(repo, &from, &rel, &n, &err))
		fail_msg("release tags: %s", err.msg);
	got[0] = '\0';
	for (i = 0; i < n; i++) {
		cp_oid_to_hex(&rel[i].commit, hex);
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s %s\n",
					rel[i].name, hex);
	}
	assert_string_equal(got, want);
	free(want);
	cp_releases_free(rel, n);
}

static void tags_like_git(void **state)
{
	struct cp_repo *repo = NULL;
	struct cp_release *rel = NULL;
	struct cp_error err;
	struct cp_oid from;
	char path[512];
	size_t n = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/t", fx_dir());
	assert_int_equal(cp_repo_open(&repo, path, &err), 0);
	check_from(repo, "t", "main");
	check_from(repo, "t", "main~2");
	check_from(repo, "t", "side");
	check_from(repo, "t", "v1.0");
	/* fields */
	assert_int_equal(cp_repo_resolve(repo, "main", &from, &err), 0);
	assert_int_equal(cp_repo_release_tags(repo, &from, &rel, &n, &err), 0);
	assert_true(n >= 3);
	assert_string_equal(rel[0].name, "v2.0");
	assert_int_equal(rel[0].major, 2);
	assert_int_equal(rel[0].minor, 0);
	assert_int_equal(rel[0].patch, 0);
	cp_releases_free(rel, n);
	cp_repo_free(repo);
}

/* Many tags on a history with branches and merges, and a shallow clone. */
static void tags_on_merges_and_shallow(void **state)
{
	struct cp_repo *repo = NULL;
	struct cp_error err;
	char path[512];

	(void)state;
	assert_int_equal(fx_sh(
		"git init -q m && cd m && RANDOM=5 && git commit -q --allow-empty -m c0 && "
		"for b in 0 1 2 3; do git branch b$b; done && "
		"for i in $(seq 1 80); do "
		"  case $((RANDOM %% 6)) in "
		"  0) git checkout -q -B b$((RANDOM %% 4)) 2>/dev/null ;; "
		"  1) git checkout -q main ;; "
		"  2) git merge -q --no-edit b$((RANDOM %% 4)) >/dev/null 2>&1 || "
		"     git merge --abort 2>/dev/null ;; "
		"  esac; "
		"  git commit -q --allow-empty -m c$i; "
		"  case $((RANDOM %% 3)) in "
		"  0) git tag v$((RANDOM %% 3)).$i ;; "
		"  1) git tag -a -m t v$((RANDOM %% 3)).$((RANDOM %% 5)).$i ;; "
		"  esac; "
		"done && git checkout -q main && "
		"git clone -q --depth 4 file://$PWD ../ms"), 0);
	snprintf(path, sizeof(path), "%s/m", fx_dir());
	assert_int_equal(cp_repo_open(&repo, path, &err), 0);
	check_from(repo, "m", "main");
	check_from(repo, "m", "b0");
	check_from(repo, "m", "b1");
	check_from(repo, "m", "main~5");
	cp_repo_free(repo);
	snprintf(path, sizeof(path), "%s/ms", fx_dir());
	assert_int_equal(cp_repo_open(&repo, path, &err), 0);
	assert_int_equal(cp_repo_is_shallow(repo), 1);
	check_from(repo, "ms", "HEAD");
	cp_repo_free(repo);
}

static void no_tags(void **state)
{
	struct cp_repo *repo = NULL;
	struct cp_release *rel = NULL;
	struct cp_error err;
	struct cp_oid from;
	char path[512];
	size_t n = 5;

	(void)state;
	assert_int_equal(fx_sh("git init -q nt && git -C nt commit -q --allow-empty -m x"), 0);
	snprintf(path, sizeof(path), "%s/nt", fx_dir());
	assert_int_equal(cp_repo_open(&repo, path, &err), 0);
	assert_int_equal(cp_repo_resolve(repo, "HEAD", &from, &err), 0);
	assert_int_equal(cp_repo_release_tags(repo, &from, &rel, &n, &err), 0);
	assert_int_equal(n, 0);
	cp_releases_free(rel, n);
	cp_repo_free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tags_like_git),
		cmocka_unit_test(tags_on_merges_and_shallow),
		cmocka_unit_test(no_tags),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
