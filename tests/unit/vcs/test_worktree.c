/*
 * cp_worktree_*: a detached linked worktree that follows checkouts, while
 * the user's checkout (HEAD, index, files, uncommitted changes) and branches
 * stay exactly as they were; bare repositories; reuse and removal.
 */
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

/* Everything about the user's checkout that must not change. */
#define USER_STATE "cd u && git rev-parse HEAD && git symbolic-ref HEAD && " \
	"git status --porcelain --untracked-files=all && sha1sum .git/index && " \
	"git for-each-ref && cat f g untracked && git diff && git diff --cached"

static int setup(void **state)
{
	(void)state;
	if (!fx_init())
		return -1;
	return fx_sh(
		"git init -q u && cd u && echo 1 > f && echo g > g && mkdir d && "
		"echo x > d/x && git add . && git commit -qm c1 && "
		"echo 2 > f && git rm -q d/x && mkdir -p d && echo y > d/y && git add . && "
		"git commit -qm c2 && echo 3 > f && git commit -qam c3 && "
		"echo dirty > f && echo staged > g && git add g && "
		"echo u > untracked && cd .. && git clone -q --bare u bare.git") ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_cleanup();
	return 0;
}

static struct cp_repo *open_repo(const char *sub)
{
	struct cp_repo *repo = NULL;
	struct cp_error err;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", fx_dir(), sub);
	if (cp_repo_open(&repo, path, &err))
		fail_msg("open %s: %s", path, err.msg);
	return repo;
}

static void checkout_ok(struct cp_repo *repo, struct cp_worktree *wt,
			const char *rev, const char *wtdir)
{
	struct cp_error err;
	struct cp_oid id;
	char hex[CP_OID_HEXSZ + 1], *head, *status, *tree, *want;

	assert_int_equal(cp_repo_resolve(repo, rev, &id, &err), 0);
	if (cp_worktree_checkout(wt, &id, &err))
		fail_msg("checkout %s: %s", rev, err.msg);
	cp_oid_to_hex(&id, hex);
	head = fx_line("git -C %s rev-parse HEAD", wtdir);
	assert_non_null(head);
	assert_string_equal(head, hex);
	/* detached */
	assert_int_not_equal(fx_sh("git -C %s symbolic-ref -q HEAD", wtdir), 0);
	status = fx_out("git -C %s status --porcelain --untracked-files=all", wtdir);
	assert_non_null(status);
	assert_string_equal(status, "");
	/* the files on disk are exactly the commit's */
	tree = fx_out("cd %s && find . -path ./.git -prune -o -type f -print | "
		      "sed 's|^./||' | sort", wtdir);
	want = fx_out("git -C %s ls-tree -r --name-only %s | sort", wtdir, hex);
	assert_non_null(tree);
	assert_non_null(want);
	assert_string_equal(tree, want);
	free(head);
	free(status);
	free(tree);
	free(want);
}

static void worktree_leaves_user_alone(void **state)
{
	struct cp_repo *repo = open_repo("u");
	struct cp_worktree *wt = NULL;
	struct cp_error err;
	char *before, *after, *list, wtdir[512];

	(void)state;
	before = fx_out(USER_STATE);
	assert_non_null(before);
	snprintf(wtdir, sizeof(wtdir), "%s/wt", fx_dir());
	if (cp_worktree_open(repo, wtdir, &wt, &err))
		fail_msg("open worktree: %s", err.msg);
	assert_string_equal(cp_worktree_path(wt), wtdir);
	checkout_ok(repo, wt, "HEAD~2", "wt");
	/* dirt and untracked files in the worktree are discarded */
	assert_int_equal(fx_sh("echo junk > wt/f && echo new > wt/new && "
			       "mkdir -p wt/nd && echo n > wt/nd/n && rm wt/g"), 0);
	checkout_ok(repo, wt, "HEAD~1", "wt");
	assert_int_equal(fx_sh("echo junk > wt/d/y"), 0);
	checkout_ok(repo, wt, "HEAD", "wt");
	checkout_ok(repo, wt, "HEAD~2", "wt");
	cp_worktree_free(wt);

	/* reopening reuses it */
	wt = NULL;
	assert_int_equal(cp_worktree_open(repo, wtdir, &wt, &err), 0);
	checkout_ok(repo, wt, "HEAD~1", "wt");
	cp_worktree_free(wt);
	list = fx_out("git -C u worktree list --porcelain | grep -c '^worktree'");
	assert_non_null(list);
	assert_string_equal(list, "2\n");
	free(list);

	after = fx_out(USER_STATE);
	assert_non_null(after);
	assert_string_equal(before, after);

	/* removal */
	assert_int_equal(cp_worktree_remove(repo, wtdir, &err), 0);
	assert_int_not_equal(fx_sh("test -e wt"), 0);
	list = fx_out("git -C u worktree list --porcelain | grep -c '^worktree'");
	assert_string_equal(list, "1\n");
	free(list);
	assert_int_equal(fx_sh("test -z \"$(ls u/.git/worktrees 2>/dev/null)\""), 0);
	/* removing again, or a directory that never was one */
	assert_int_equal(cp_worktree_remove(repo, wtdir, &err), 0);
	free(after);
	after = fx_out(USER_STATE);
	assert_string_equal(before, after);
	free(before);
	free(after);
	cp_repo_free(repo);
}

static void worktree_in_bare_repo(void **state)
{
	struct cp_repo *repo = open_repo("bare.git");
	struct cp_worktree *wt = NULL;
	struct cp_error err;
	char wtdir[512], *refs_before, *refs_after;

	(void)state;
	refs_before = fx_out("git -C bare.git for-each-ref; git -C bare.git symbolic-ref HEAD");
	snprintf(wtdir, sizeof(wtdir), "%s/bare-wt", fx_dir());
	if (cp_worktree_open(repo, wtdir, &wt, &err))
		fail_msg("open worktree: %s", err.msg);
	checkout_ok(repo, wt, "HEAD~1", "bare-wt");
	checkout_ok(repo, wt, "HEAD", "bare-wt");
	cp_worktree_free(wt);
	refs_after = fx_out("git -C bare.git for-each-ref; git -C bare.git symbolic-ref HEAD");
	assert_string_equal(refs_before, refs_after);
	assert_int_equal(cp_worktree_remove(repo, wtdir, &err), 0);
	assert_int_not_equal(fx_sh("test -e bare-wt"), 0);
	free(refs_before);
	free(refs_after);
	cp_repo_free(repo);

	/* a bare mirror whose HEAD names a missing branch */
	assert_int_equal(fx_sh("git clone -q --bare u orphan.git && "
			       "git -C orphan.git symbolic-ref HEAD refs/heads/gone"), 0);
	repo = open_repo("orphan.git");
	snprintf(wtdir, sizeof(wtdir), "%s/orphan-wt", fx_dir());
	if (cp_worktree_open(repo, wtdir, &wt, &err))
		fail_msg("open worktree of a HEAD-less mirror: %s", err.msg);
	checkout_ok(repo, wt, "main~1", "orphan-wt");
	cp_worktree_free(wt);
	assert_int_equal(fx_sh("test \"$(git -C orphan.git symbolic-ref HEAD)\" = "
			       "refs/heads/gone"), 0);
	assert_int_equal(cp_worktree_remove(repo, wtdir, &err), 0);
	cp_repo_free(repo);
}

static void worktree_bad_places(void **state)
{
	struct cp_repo *repo = open_repo("u");
	struct cp_worktree *wt = NULL;
	struct cp_error err;
	char dir[512];

	(void)state;
	assert_int_equal(fx_sh("mkdir -p full && echo x > full/x"), 0);
	snprintf(dir, sizeof(dir), "%s/full", fx_dir());
	assert_int_equal(cp_worktree_open(repo, dir, &wt, &err), CP_ERR_IO);
	assert_null(wt);
	assert_non_null(strstr(err.msg, "not a culprit worktree"));
	assert_int_equal(cp_worktree_remove(repo, dir, &err), CP_ERR_IO);
	assert_int_equal(fx_sh("test -f full/x"), 0);	/* never deleted */
	snprintf(dir, sizeof(dir), "%s/full/x/below-a-file", fx_dir());
	assert_int_equal(cp_worktree_open(repo, dir, &wt, &err), CP_ERR_IO);
	assert_null(wt);
	/* parents are created */
	snprintf(dir, sizeof(dir), "%s/new/parent/wt", fx_dir());
	if (cp_worktree_open(repo, dir, &wt, &err))
		fail_msg("open with new parents: %s", err.msg);
	checkout_ok(repo, wt, "HEAD", "new/parent/wt");
	cp_worktree_free(wt);
	assert_int_equal(cp_worktree_remove(repo, dir, &err), 0);
	cp_repo_free(repo);
}

/* A worktree whose directory was deleted by hand is registered again. */
static void worktree_recreated(void **state)
{
	struct cp_repo *repo = open_repo("u");
	struct cp_worktree *wt = NULL;
	struct cp_error err;
	char dir[512];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/wt2", fx_dir());
	assert_int_equal(cp_worktree_open(repo, dir, &wt, &err), 0);
	checkout_ok(repo, wt, "HEAD", "wt2");
	cp_worktree_free(wt);
	assert_int_equal(fx_sh("rm -rf wt2"), 0);
	wt = NULL;
	if (cp_worktree_open(repo, dir, &wt, &err))
		fail_msg("reopen: %s", err.msg);
	checkout_ok(repo, wt, "HEAD~1", "wt2");
	cp_worktree_free(wt);
	assert_int_equal(cp_worktree_remove(repo, dir, &err), 0);
	assert_int_equal(fx_sh("test \"$(git -C u worktree list | wc -l)\" = 1"), 0);
	cp_repo_free(repo);
}

/* After `git worktree prune` dropped its registration, it is taken back. */
static void worktree_reregistered(void **state)
{
	struct cp_repo *repo = open_repo("u");
	struct cp_worktree *wt = NULL;
	struct cp_error err;
	char dir[512];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/wt3", fx_dir());
	assert_int_equal(cp_worktree_open(repo, dir, &wt, &err), 0);
	checkout_ok(repo, wt, "HEAD", "wt3");
	cp_worktree_free(wt);
	assert_int_equal(fx_sh("mv wt3 wt3.away && git -C u worktree prune && "
			       "mv wt3.away wt3 && echo stray > wt3/stray"), 0);
	wt = NULL;
	if (cp_worktree_open(repo, dir, &wt, &err))
		fail_msg("reopen: %s", err.msg);
	checkout_ok(repo, wt, "HEAD~2", "wt3");
	cp_worktree_free(wt);
	assert_int_equal(cp_worktree_remove(repo, dir, &err), 0);
	assert_int_equal(fx_sh("test ! -e wt3"), 0);
	cp_repo_free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(worktree_leaves_user_alone),
		cmocka_unit_test(worktree_in_bare_repo),
		cmocka_unit_test(worktree_bad_places),
		cmocka_unit_test(worktree_recreated),
		cmocka_unit_test(worktree_reregistered),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
