/*
 * culprit show [--no-write] DIR
 *
 * Re-prints the report of a finished bisection (DIR/result.json) or of an
 * interrupted one (rebuilt from DIR/journal.jsonl), and rewrites
 * DIR/report.txt and DIR/index.html unless --no-write.  The repository
 * named by the job is opened when it can be, for the commit text,
 * recipients and the picture's range (docs/output.md).
 */
#include "cli/cli.h"
#include "output/output.h"
#include "output/report.h"
#include "output/summary.h"
#include "vcs/vcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: culprit show [--no-write] DIR\n"
		"\n"
		"Prints the report of the bisection in output directory DIR (finished or\n"
		"interrupted) and rewrites DIR/report.txt and DIR/index.html.\n"
		"  --no-write   only print\n");
}

static int print_only(const char *dir, struct cp_error *err)
{
	struct cp_summary s;
	struct cp_output_facts f;
	struct cp_repo *repo = NULL;
	struct cp_error ignored;
	char *text = NULL;
	int ret;

	ret = cp_summary_load(dir, &s, err);
	if (ret)
		return ret;
	if (s.repo && cp_repo_open(&repo, s.repo, &ignored))
		repo = NULL;
	ret = cp_output_facts_gather(&s, repo, dir, &f, err);
	if (!ret) {
		ret = cp_output_report_text(&s, &f, &text, err);
		cp_output_facts_dispose(&f);
	}
	if (!ret)
		fputs(text, stdout);
	free(text);
	cp_repo_free(repo);
	cp_summary_dispose(&s);
	return ret;
}

int cmd_show(int argc, char **argv)
{
	const char *dir = NULL;
	struct cp_error err;
	int i, write = 1, ret;

	cp_error_clear(&err);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--no-write")) {
			write = 0;
		} else if (argv[i][0] == '-' || dir) {
			usage(stderr);
			return cli_fail(CP_ERR_USAGE, dir && argv[i][0] != '-' ?
					"show: one directory only" : "show: unknown option");
		} else {
			dir = argv[i];
		}
	}
	if (!dir) {
		usage(stderr);
		return cli_fail(CP_ERR_USAGE, "show: no output directory given");
	}
	ret = write ? cp_output_write_auto(dir, stdout, &err) : print_only(dir, &err);
	if (ret)
		return cli_fail(ret, err.msg);
	if (fflush(stdout) || ferror(stdout))
		return cli_fail(CP_ERR_IO, "show: writing the report failed");
	return 0;
}
