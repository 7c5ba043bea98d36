/* cp_repo_open, cp_repo_resolve, cp_repo_commit_parents against git. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <git2.h>

#include "gitfix.h"
#include "vcs/vcs.h"

static int setup(void **state)
{
	(void)state;
	if (!fx_init())
		return -1;
	/* r: a history with a merge, tags, a subdirectory. */
	return fx_sh("git init -q r && cd r && mkdir sub && "
		     "echo a > a && echo s > sub/s && git add . && git commit -qm one && "
		     "echo b >> a && git commit -qam two && git tag v1.0 && "
		     "git tag -a -m annotated v1.1 && "
		     "git checkout -qb side && echo c > c && git add c && "
		     "git commit -qm side1 && echo d >> c && git commit -qam side2 && "
		     "git checkout -q main && echo e >> a && git commit -qam three && "
		     "git merge -q --no-ff -m merge side && "
		     "echo f >> a && git commit -qam four && "
		     "git clone -q --bare . ../bare.git") == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fx_cleanup();
	return 0;
}

static struct cp_repo *open_ok(const char *sub)
{
	struct cp_repo *repo = NULL;
	struct cp_error err;
	char path[512];

	cp_error_clear(&err);
	snprintf(path, sizeof(path), "%s/%s", fx_dir(), sub);
	if (cp_repo_open(&repo, path, &err) != 0)
		fail_msg("open %s: %s", path, err.msg);
	return repo;
}

static void open_kinds(void **state)
{
	struct cp_repo *repo;
	char path[512];

	(void)state;
	repo = open_ok("r");
	snprintf(path, sizeof(path), "%s/r/", fx_dir());
	assert_string_equal(cp_repo_workdir(repo), path);
	snprintf(path, sizeof(path), "%s/r/.git/", fx_dir());
	assert_string_equal(cp_repo_git_dir(repo), path);
	assert_int_equal(cp_repo_is_shallow(repo), 0);
	cp_repo_free(repo);

	repo = open_ok("r/.git");
	assert_non_null(cp_repo_workdir(repo));
	cp_repo_free(repo);

	repo = open_ok("bare.git");
	assert_null(cp_repo_workdir(repo));
	cp_repo_free(repo);
}

static void expect_not_repo(const char *sub)
{
	struct cp_repo *repo = NULL;
	struct cp_error err;
	char path[512];

	cp_error_clear(&err);
	snprintf(path, sizeof(path), "%s/%s", fx_dir(), sub);
	assert_int_equal(cp_repo_open(&repo, path, &err), CP_ERR_NOT_REPO);
	assert_null(repo);
	assert_int_equal(err.code, CP_ERR_NOT_REPO);
	assert_non_null(strstr(err.msg, path));
	assert_null(strchr(err.msg, '\n'));
}

static void open_not_repo(void **state)
{
	struct cp_repo *repo = NULL;
	struct cp_error err;

	(void)state;
	assert_int_equal(fx_sh("mkdir -p plain && touch plain/file"), 0);
	expect_not_repo("plain");
	expect_not_repo("plain/file");
	expect_not_repo("does-not-exist");
	expect_not_repo("r/sub");	/* no search of parent directories */
	assert_int_equal(cp_repo_open(&repo, "", &err), CP_ERR_NOT_REPO);
	assert_null(repo);
}

static void expect_resolves(struct cp_repo *repo, const char *repodir,
			    const char *rev)
{
	struct cp_oid id;
	struct cp_error err;
	char hex[CP_OID_HEXSZ + 1];
	char *want;
	int rc;

	cp_error_clear(&err);
	want = fx_line("git -C %s rev-parse --verify -q \"$(git -C %s rev-parse "
		       "--verify -q '%s')^{commit}\"", repodir, repodir, rev);
	if (!want)
		fail_msg("git cannot resolve '%s'", rev);
	rc = cp_repo_resolve(repo, rev, &id, &err);
	if (rc)
		fail_msg("resolve %s: %s", rev, err.msg);
	cp_oid_to_hex(&id, hex);
	assert_string_equal(hex, want);
	free(want);
}

static void resolve_like_git(void **state)
{
	static const char *const revs[] = {
		"HEAD", "main", "side", "v1.0", "v1.1", "refs/tags/v1.1",
		"HEAD~1", "HEAD~2", "HEAD~1^2", "HEAD^^2~1", "HEAD^^", "main@{0}",
		"side^", "HEAD^{commit}", "v1.1^{}", ":/side1", ":/^t", ":/!-e",
		":/thr", ":/!-zzz", ":/o", ":/merge",
	};
	struct cp_repo *repo;
	char *full, *shortid;
	size_t i;

	(void)state;
	repo = open_ok("r");
	for (i = 0; i < sizeof(revs) / sizeof(revs[0]); i++)
		expect_resolves(repo, "r", revs[i]);
	full = fx_line("git -C r rev-parse HEAD~2");
	shortid = fx_line("git -C r rev-parse --short=7 HEAD~2");
	expect_resolves(repo, "r", full);
	expect_resolves(repo, "r", shortid);
	free(full);
	free(shortid);
	cp_repo_free(repo);

	repo = open_ok("bare.git");
	expect_resolves(repo, "bare.git", "HEAD");
	expect_resolves(repo, "bare.git", "v1.1");
	expect_resolves(repo, "bare.git", "main~3");
	cp_repo_free(repo);
}

static void expect_resolve_fails(struct cp_repo *repo, const char *rev,
				 int code, const char *msg)
{
	struct cp_oid id;
	struct cp_error err;

	cp_error_clear(&err);
	assert_int_equal(cp_repo_resolve(repo, rev, &id, &err), code);
	assert_int_equal(err.code, code);
	if (!strstr(err.msg, msg))
		fail_msg("resolve '%s': message '%s' lacks '%s'", rev, err.msg, msg);
	assert_null(strchr(err.msg, '\n'));
}

static void resolve_bad(void **state)
{
	struct cp_repo *repo;

	(void)state;
	repo = open_ok("r");
	expect_resolve_fails(repo, "nope", CP_ERR_BAD_REV, "unknown revision 'nope'");
	expect_resolve_fails(repo, "HEAD~99", CP_ERR_BAD_REV, "unknown revision 'HEAD~99'");
	expect_resolve_fails(repo, "", CP_ERR_BAD_REV, "empty revision");
	expect_resolve_fails(repo, "HEAD^^^^^^^^^^^^^", CP_ERR_BAD_REV, "unknown revision");
	expect_resolve_fails(repo, "0123456789012345678901234567890123456789",
			     CP_ERR_BAD_REV, "unknown revision");
	expect_resolve_fails(repo, "deadbeef", CP_ERR_BAD_REV, "unknown revision");
	expect_resolve_fails(repo, "HEAD^2", CP_ERR_BAD_REV, "unknown revision");
	expect_resolve_fails(repo, "a..b", CP_ERR_BAD_REV, "unknown revision");
	expect_resolve_fails(repo, ":/no such message", CP_ERR_BAD_REV,
			     "unknown revision ':/no such message'");
	expect_resolve_fails(repo, ":/(", CP_ERR_BAD_REV, "bad regular expression");
	expect_resolve_fails(repo, ":/!!x", CP_ERR_BAD_REV, "unknown revision");
	expect_resolve_fails(repo, ":/!x", CP_ERR_BAD_REV, "unknown revision");
	expect_resolve_fails(repo, "HEAD^{tree}", CP_ERR_NOT_COMMIT,
			     "'HEAD^{tree}' is a tree, not a commit");
	expect_resolve_fails(repo, "HEAD:a", CP_ERR_NOT_COMMIT,
			     "'HEAD:a' is a blob, not a commit");
	expect_resolve_fails(repo, "HEAD:sub", CP_ERR_NOT_COMMIT, "is a tree");
	cp_repo_free(repo);
}

static void resolve_in_empty_repo(void **state)
{
	struct cp_repo *repo;

	(void)state;
	assert_int_equal(fx_sh("git init -q empty"), 0);
	repo = open_ok("empty");
	expect_resolve_fails(repo, "HEAD", CP_ERR_BAD_REV,
			     "unknown revision 'HEAD' (the repository has no commits)");
	expect_resolve_fails(repo, "main", CP_ERR_BAD_REV, "unknown revision 'main'");
	cp_repo_free(repo);
}

static void resolve_tag_of_tree(void **state)
{
	struct cp_repo *repo;

	(void)state;
	assert_int_equal(fx_sh("cd r && git tag -a -m t treetag HEAD^{tree} && "
			       "git tag blobtag HEAD:a"), 0);
	repo = open_ok("r");
	expect_resolve_fails(repo, "treetag", CP_ERR_NOT_COMMIT,
			     "'treetag' is a tag of a tree, not a commit");
	expect_resolve_fails(repo, "blobtag", CP_ERR_NOT_COMMIT, "is a blob");
	cp_repo_free(repo);
	assert_int_equal(fx_sh("cd r && git tag -d treetag blobtag >/dev/null"), 0);
}

/* Writes blobs until two share a 4-hex-digit prefix; resolves the prefix. */
static void resolve_ambiguous(void **state)
{
	git_repository *g = NULL;
	struct cp_repo *repo;
	char path[512], buf[64], prefix[5];
	static unsigned short seen[65536];
	int i;

	(void)state;
	assert_int_equal(fx_sh("git init -q amb && cd amb && echo x > x && "
			       "git add x && git commit -qm x"), 0);
	snprintf(path, sizeof(path), "%s/amb", fx_dir());
	git_libgit2_init();
	assert_int_equal(git_repository_open(&g, path), 0);
	memset(seen, 0, sizeof(seen));
	prefix[0] = '\0';
	for (i = 1; i < 60000 && !prefix[0]; i++) {
		git_oid oid;
		unsigned key;

		snprintf(buf, sizeof(buf), "blob %d\n", i);
		assert_int_equal(git_blob_create_from_buffer(&oid, g, buf, strlen(buf)), 0);
		key = (unsigned)oid.id[0] << 8 | oid.id[1];
		if (seen[key])
			git_oid_tostr(prefix, sizeof(prefix), &oid);
		seen[key] = 1;
	}
	git_repository_free(g);
	git_libgit2_shutdown();
	assert_true(prefix[0]);
	repo = open_ok("amb");
	expect_resolve_fails(repo, prefix, CP_ERR_BAD_REV, "ambiguous");
	cp_repo_free(repo);
}

static void parents_like_git(void **state)
{
	struct cp_repo *repo;
	char *log, *line, *save = NULL;
	int count = 0;

	(void)state;
	repo = open_ok("r");
	log = fx_out("git -C r log --all --format='%%H %%ct %%P'");
	assert_non_null(log);
	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char hex[CP_OID_HEXSZ + 1], got[4096];
		const struct cp_oid *parents;
		struct cp_error err;
		struct cp_oid id;
		size_t n, i, len;
		int64_t t;

		memcpy(hex, line, CP_OID_HEXSZ);
		hex[CP_OID_HEXSZ] = '\0';
		assert_int_equal(cp_oid_from_hex(&id, hex), 0);
		assert_int_equal(cp_repo_commit_parents(repo, &id, &t, &parents, &n,
							&err), 0);
		len = (size_t)snprintf(got, sizeof(got), "%s %lld ", hex, (long long)t);
		for (i = 0; i < n; i++) {
			cp_oid_to_hex(&parents[i], got + len);
			len += CP_OID_HEXSZ;
			got[len++] = i + 1 < n ? ' ' : '\0';
		}
		if (!n)
			got[len - 1] = '\0';
		/* git prints "%H %ct " then nothing for a root */
		if (strcmp(got, line) != 0) {
			size_t l = strlen(line);

			assert_true(n == 0 && l && line[l - 1] == ' ' &&
				    strncmp(got, line, l - 1) == 0);
		}
		count++;
	}
	assert_int_equal(count, 7);
	free(log);
	cp_repo_free(repo);
}

static void shallow_clone(void **state)
{
	struct cp_repo *repo;
	struct cp_oid id, boundary;
	const struct cp_oid *parents;
	struct cp_error err;
	char hex[CP_OID_HEXSZ + 1];
	char *want;
	size_t n;
	int64_t t;
	int rc = 0, steps = 0;

	(void)state;
	assert_int_equal(fx_sh("git init -q lin && for i in 1 2 3 4 5 6; do echo $i >> lin/f && "
			       "git -C lin add f && git -C lin commit -qm c$i; done && "
			       "git clone -q --depth 3 file://$PWD/lin shallow"), 0);
	repo = open_ok("shallow");
	assert_int_equal(cp_repo_is_shallow(repo), 1);
	/* resolving inside the fetched history works */
	expect_resolves(repo, "shallow", "HEAD~2");
	want = fx_line("git -C shallow rev-parse HEAD~2");
	assert_int_equal(cp_oid_from_hex(&boundary, want), 0);
	assert_int_equal(cp_repo_is_shallow_boundary(repo, &boundary), 1);
	/* going past the cut names the shallow clone */
	expect_resolve_fails(repo, "HEAD~3", CP_ERR_REPO_CORRUPT, "shallow clone");

	/* walk first parents from HEAD until the cut */
	assert_int_equal(cp_repo_resolve(repo, "HEAD", &id, &err), 0);
	assert_int_equal(cp_repo_is_shallow_boundary(repo, &id), 0);
	for (;;) {
		rc = cp_repo_commit_parents(repo, &id, &t, &parents, &n, &err);
		if (rc)
			break;
		assert_int_equal(n, 1);
		id = parents[0];
		steps++;
	}
	assert_int_equal(steps, 2);
	assert_int_equal(rc, CP_ERR_REPO_CORRUPT);
	cp_oid_to_hex(&boundary, hex);
	assert_true(cp_oid_equal(&id, &boundary));
	assert_non_null(strstr(err.msg, "history is cut off at"));
	assert_non_null(strstr(err.msg, hex));
	assert_non_null(strstr(err.msg, "git fetch --unshallow"));
	free(want);
	cp_repo_free(repo);
}

static void missing_and_corrupt_objects(void **state)
{
	struct cp_repo *repo;
	struct cp_oid id;
	const struct cp_oid *parents;
	struct cp_error err;
	char *hex, *hex2, msg[128];
	size_t n;
	int64_t t;

	(void)state;
	assert_int_equal(fx_sh("git clone -q --no-local r broken && "
			       "mv broken/.git/objects/pack/*.pack p.pack && "
			       "rm -f broken/.git/objects/pack/* && "
			       "git -C broken unpack-objects -q < p.pack"),
			 0);
	hex = fx_line("git -C broken rev-parse HEAD~1");
	hex2 = fx_line("git -C broken rev-parse HEAD~2");
	assert_non_null(hex);
	assert_non_null(hex2);
	repo = open_ok("broken");
	assert_int_equal(fx_sh("rm broken/.git/objects/%.2s/%s", hex, hex + 2), 0);
	assert_int_equal(fx_sh("f=broken/.git/objects/%.2s/%s; chmod u+w $f && "
			       "printf garbage > $f", hex2, hex2 + 2), 0);
	/* missing */
	assert_int_equal(cp_oid_from_hex(&id, hex), 0);
	assert_int_equal(cp_repo_commit_parents(repo, &id, &t, &parents, &n, &err),
			 CP_ERR_REPO_CORRUPT);
	snprintf(msg, sizeof(msg), "missing object %s", hex);
	assert_string_equal(err.msg, msg);
	expect_resolve_fails(repo, "HEAD~1", CP_ERR_REPO_CORRUPT, msg);
	/* corrupt */
	assert_int_equal(cp_oid_from_hex(&id, hex2), 0);
	assert_int_equal(cp_repo_commit_parents(repo, &id, &t, &parents, &n, &err),
			 CP_ERR_REPO_CORRUPT);
	assert_non_null(strstr(err.msg, hex2));
	assert_null(strchr(err.msg, '\n'));
	expect_resolve_fails(repo, hex2, CP_ERR_REPO_CORRUPT, "");
	free(hex);
	free(hex2);
	cp_repo_free(repo);
}

static void several_repos_open(void **state)
{
	struct cp_repo *a, *b;

	(void)state;
	a = open_ok("r");
	b = open_ok("bare.git");
	cp_repo_free(a);
	expect_resolves(b, "bare.git", "HEAD");
	cp_repo_free(b);
	cp_repo_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_kinds),
		cmocka_unit_test(open_not_repo),
		cmocka_unit_test(resolve_like_git),
		cmocka_unit_test(resolve_bad),
		cmocka_unit_test(resolve_in_empty_repo),
		cmocka_unit_test(resolve_tag_of_tree),
		cmocka_unit_test(resolve_ambiguous),
		cmocka_unit_test(parents_like_git),
		cmocka_unit_test(shallow_clone),
		cmocka_unit_test(missing_and_corrupt_objects),
		cmocka_unit_test(several_repos_open),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
