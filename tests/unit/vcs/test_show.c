/*
 * cp_commit_format_show() and cp_commit_info_load() against git itself on
 * every commit of generated histories (make_history.sh).
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

#define GIT_SHOW "git --no-pager -c color.ui=never show --stat --summary " \
	"--no-abbrev-commit --diff-merges=first-parent"

static int setup(void **state)
{
	const char *root = getenv("SOURCE_ROOT");

	(void)state;
	if (!root || !fx_init())
		return -1;
	unsetenv("COLUMNS");
	return fx_sh("bash '%s/tests/unit/vcs/make_history.sh' hist && "
		     "bash '%s/tests/unit/vcs/make_random_history.sh' rnd 7 150 "
		     ">/dev/null 2>&1", root, root);
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

	if (sub[0] == '/')
		snprintf(path, sizeof(path), "%s", sub);
	else
		snprintf(path, sizeof(path), "%s/%s", fx_dir(), sub);
	if (cp_repo_open(&repo, path, &err))
		fail_msg("open %s: %s", path, err.msg);
	return repo;
}

static void show_first_difference(const char *hex, const char *want,
				  const char *got)
{
	size_t i = 0, line = 1;

	while (want[i] && want[i] == got[i]) {
		if (want[i] == '\n')
			line++;
		i++;
	}
	fprintf(stderr, "commit %s differs at line %zu\n--- git:\n%s\n--- culprit:\n%s\n",
		hex, line, want, got);
}

/* Compares the newest max (0: all) commits of repository dir. */
static int compare_some(const char *dir, int max, int *bad)
{
	struct cp_repo *repo = open_repo(dir);
	char *list, *hex, *save = NULL;
	int count = 0;

	list = fx_out("git -C '%s' rev-list --all --max-count=%d", dir,
		      max > 0 ? max : 1000000);
	assert_non_null(list);
	for (hex = strtok_r(list, "\n", &save); hex;
	     hex = strtok_r(NULL, "\n", &save)) {
		struct cp_error err;
		struct cp_oid id;
		char *want, *got = NULL;

		assert_int_equal(cp_oid_from_hex(&id, hex), 0);
		want = fx_out("cd '%s' && " GIT_SHOW " %s", dir, hex);
		assert_non_null(want);
		if (cp_commit_format_show(repo, &id, &got, &err))
			fail_msg("show %s: %s", hex, err.msg);
		if (strcmp(want, got)) {
			if (*bad < 5)
				show_first_difference(hex, want, got);
			(*bad)++;
		}
		count++;
		free(want);
		free(got);
	}
	free(list);
	cp_repo_free(repo);
	return count;
}

static int compare_all(const char *dir, int *bad)
{
	return compare_some(dir, 0, bad);
}

static void show_matches_git(void **state)
{
	int bad = 0, count;

	(void)state;
	count = compare_all("hist", &bad);
	printf("# compared git show on %d commits, %d differ\n", count, bad);
	assert_true(count > 50);
	/* the settings git show honours */
	assert_int_equal(fx_sh("cd hist && git config core.quotePath false && "
			       "git config log.date iso-strict && "
			       "git config log.decorate short && "
			       "git config log.mailmap false && "
			       "git config diff.renameLimit 2"), 0);
	count = compare_all("hist", &bad);
	printf("# compared git show on %d commits with quotePath, mailmap, "
	       "renameLimit, log.date and log.decorate set, %d differ\n",
	       count, bad);
	assert_int_equal(fx_sh("cd hist && git config diff.renames false && "
			       "git config core.abbrev 10 && "
			       "git config log.showRoot false && "
			       "git config log.date rfc && "
			       "git config log.decorate full && "
			       "git config log.initialDecorationSet all && "
			       "git config diff.statGraphWidth 10"), 0);
	count = compare_all("hist", &bad);
	printf("# compared git show on %d commits without renames, root diffs, "
	       "with a graph width, %d differ\n",
	       count, bad);
	assert_int_equal(fx_sh("cd hist && git config --unset diff.renames && "
			       "git config --unset diff.renameLimit && "
			       "git config --unset core.abbrev && "
			       "git config --unset log.showRoot && "
			       "git config --unset log.date && "
			       "git config --unset log.decorate && "
			       "git config --unset log.initialDecorationSet && "
			       "git config --unset diff.statGraphWidth && "
			       "git config --unset log.mailmap && "
			       "git config --unset core.quotePath"), 0);
	count = compare_all("rnd", &bad);
	printf("# compared git show on %d random commits, %d differ\n", count, bad);
	assert_true(count > 100);
	assert_int_equal(bad, 0);
}

/* culprit's own history, when the sources are a git checkout. */
static void show_matches_git_on_own_history(void **state)
{
	const char *root = getenv("SOURCE_ROOT");
	int bad = 0, count;

	(void)state;
	if (fx_sh("git -C '%s' rev-parse --is-shallow-repository 2>/dev/null | "
		  "grep -qx false", root) != 0) {
		printf("# skip: %s is not a complete git checkout\n", root);
		return;
	}
	count = compare_some(root, 150, &bad);
	printf("# compared git show on the newest %d commits of culprit itself, "
	       "%d differ\n",
	       count, bad);
	assert_int_equal(bad, 0);
}

/* Parents and committer times of every commit against git log. */
static void parents_match_git(void **state)
{
	static const char *const dirs[] = { "hist", "rnd" };
	size_t d;

	(void)state;
	for (d = 0; d < 2; d++) {
		struct cp_repo *repo = open_repo(dirs[d]);
		char *log, *line, *save = NULL;
		int count = 0, merges = 0;

		log = fx_out("git -C %s log --all --format='%%H %%ct%%x09%%P'", dirs[d]);
		assert_non_null(log);
		for (line = strtok_r(log, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			const struct cp_oid *parents;
			struct cp_error err;
			struct cp_oid id;
			char got[1024], hex[CP_OID_HEXSZ + 1];
			size_t n, i, len;
			int64_t t;

			memcpy(hex, line, CP_OID_HEXSZ);
			hex[CP_OID_HEXSZ] = '\0';
			assert_int_equal(cp_oid_from_hex(&id, hex), 0);
			if (cp_repo_commit_parents(repo, &id, &t, &parents, &n, &err))
				fail_msg("parents of %s: %s", hex, err.msg);
			len = (size_t)snprintf(got, sizeof(got), "%s %lld\t", hex,
					       (long long)t);
			for (i = 0; i < n; i++) {
				cp_oid_to_hex(&parents[i], got + len);
				len += CP_OID_HEXSZ;
				got[len++] = ' ';
			}
			got[n ? len - 1 : len] = '\0';
			assert_string_equal(got, line);
			merges += n > 1;
			count++;
		}
		printf("# parents of %d commits (%d merges) match git log\n",
		       count, merges);
		free(log);
		cp_repo_free(repo);
	}
}

/* Info fields against git log formats and --numstat. */
static void info_matches_git(void **state)
{
	struct cp_repo *repo = open_repo("hist");
	char *list, *hex, *save = NULL;
	int count = 0;

	(void)state;
	list = fx_out("git -C hist rev-list --all");
	assert_non_null(list);
	for (hex = strtok_r(list, "\n", &save); hex;
	     hex = strtok_r(NULL, "\n", &save)) {
		struct cp_commit_info *info = NULL;
		struct cp_error err;
		struct cp_oid id;
		char *subject, *numstat, *raw, got[8192];
		size_t i, len = 0;

		assert_int_equal(cp_oid_from_hex(&id, hex), 0);
		if (cp_commit_info_load(repo, &id, CP_COMMIT_FILES, &info, &err))
			fail_msg("info %s: %s", hex, err.msg);
		subject = fx_out("git -C hist log -1 --format=%%s %s", hex);
		raw = fx_out("git -C hist cat-file commit %s | sed '1,/^$/d'", hex);
		assert_non_null(subject);
		assert_non_null(raw);
		subject[strcspn(subject, "\n")] = '\0';
		assert_string_equal(info->subject, subject);
		assert_string_equal(info->message, raw);
		/* numstat: "<ins>\t<del>\t<path>" with renames as old => new */
		numstat = fx_out("git -C hist -c core.quotePath=false show "
				 "--format= --numstat -z --diff-merges=first-parent %s "
				 "| tr '\\0' '\\n'", hex);
		assert_non_null(numstat);
		got[0] = '\0';
		for (i = 0; i < info->nfiles; i++) {
			const struct cp_file_change *f = &info->files[i];

			if (f->binary)
				len += (size_t)snprintf(got + len, sizeof(got) - len,
							"-\t-\t");
			else
				len += (size_t)snprintf(got + len, sizeof(got) - len,
							"%zu\t%zu\t", f->insertions,
							f->deletions);
			if (f->status == 'R')
				len += (size_t)snprintf(got + len, sizeof(got) - len,
							"\n%s\n%s\n", f->old_path, f->path);
			else
				len += (size_t)snprintf(got + len, sizeof(got) - len,
							"%s\n", f->path);
			assert_true(len < sizeof(got));
		}
		/* git prints a leading newline when there is output */
		assert_string_equal(got, numstat[0] == '\n' ? numstat + 1 : numstat);
		free(subject);
		free(raw);
		free(numstat);
		cp_commit_info_free(info);
		count++;
	}
	printf("# compared commit info on %d commits\n", count);
	free(list);
	cp_repo_free(repo);
}

static void trailers_and_identities(void **state)
{
	struct cp_repo *repo = open_repo("hist");
	struct cp_commit_info *info = NULL;
	struct cp_error err;
	struct cp_oid id;

	char *hex = fx_line("git -C hist rev-parse ':/^Modify two files'");

	(void)state;
	assert_non_null(hex);
	assert_int_equal(cp_repo_resolve(repo, hex, &id, &err), 0);
	free(hex);
	assert_int_equal(cp_commit_info_load(repo, &id, 0, &info, &err), 0);
	assert_int_equal(info->ntrailers, 2);
	assert_string_equal(info->trailers[0].key, "Signed-off-by");
	assert_string_equal(info->trailers[0].value, "A U Thor <author@example.com>");
	assert_string_equal(info->trailers[1].key, "Reviewed-by");
	assert_string_equal(info->author.name, "Tester");
	assert_string_equal(info->author.email, "tester@example.com");
	assert_int_equal(info->author.offset, -7 * 60);
	assert_int_equal(info->nparents, 1);
	assert_null(info->files);
	assert_int_equal(info->nfiles, 0);
	cp_commit_info_free(info);
	cp_repo_free(repo);
}

static void bad_ids(void **state)
{
	struct cp_repo *repo = open_repo("hist");
	struct cp_commit_info *info = NULL;
	struct cp_error err;
	struct cp_oid id;
	char *out = NULL;

	(void)state;
	memset(&id, 0x42, sizeof(id));
	assert_int_equal(cp_commit_info_load(repo, &id, CP_COMMIT_FILES, &info, &err),
			 CP_ERR_REPO_CORRUPT);
	assert_null(info);
	assert_non_null(strstr(err.msg, "missing object 4242"));
	assert_int_equal(cp_commit_format_show(repo, &id, &out, &err),
			 CP_ERR_REPO_CORRUPT);
	assert_null(out);
	cp_repo_free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(show_matches_git),
		cmocka_unit_test(show_matches_git_on_own_history),
		cmocka_unit_test(parents_match_git),
		cmocka_unit_test(info_matches_git),
		cmocka_unit_test(trailers_and_identities),
		cmocka_unit_test(bad_ids),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
