/*
 * culprit recipients --repo DIR REV
 *
 * Prints who must read a bisection that names commit REV, as two lines:
 * "To: a, b, ..." (author, Signed-off-by/Reviewed-by/Acked-by/Tested-by/
 * Co-developed-by people, maintainers and lists) and "Cc: ..." (reviewers
 * and the rest); see src/output/recipients.h and docs/output.md.
 */
#include "cli/cli.h"
#include "output/recipients.h"
#include "vcs/vcs.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: culprit recipients [--repo DIR] REV\n"
		"\n"
		"Prints the To: and Cc: lines for a bisection result naming commit REV.\n"
		"  --repo DIR   the git repository (default .)\n");
}

static void print_list(const char *what, char **v, size_t n)
{
	size_t i;

	printf("%s:", what);
	for (i = 0; i < n; i++)
		printf("%s %s", i ? "," : "", v[i]);
	printf("\n");
}

int cmd_recipients(int argc, char **argv)
{
	const char *dir = ".", *rev = NULL;
	struct cp_recipients r = { 0 };
	struct cp_repo *repo = NULL;
	struct cp_error err;
	struct cp_oid id;
	int i, ret;

	cp_error_clear(&err);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--repo") && i + 1 < argc) {
			dir = argv[++i];
		} else if (argv[i][0] == '-' || rev) {
			usage(stderr);
			return cli_fail(CP_ERR_USAGE, rev && argv[i][0] != '-' ?
					"recipients: one revision only" :
					"recipients: unknown option");
		} else {
			rev = argv[i];
		}
	}
	if (!rev) {
		usage(stderr);
		return cli_fail(CP_ERR_USAGE, "recipients: no revision given");
	}
	ret = cp_repo_open(&repo, dir, &err);
	if (!ret)
		ret = cp_repo_resolve(repo, rev, &id, &err);
	if (!ret)
		ret = cp_recipients_for_commit(repo, &id, &r, &err);
	cp_repo_free(repo);
	if (ret)
		return cli_fail(ret, err.msg);
	print_list("To", r.to, r.nto);
	print_list("Cc", r.cc, r.ncc);
	cp_recipients_dispose(&r);
	if (fflush(stdout) || ferror(stdout))
		return cli_fail(CP_ERR_IO, "recipients: writing the output failed");
	return 0;
}
