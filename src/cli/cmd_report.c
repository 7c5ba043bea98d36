/*
 * culprit report [--json] [--symbolize BINARY] [FILE|-]
 *
 * Reads a console log (a file, or stdin for "-" or no argument) and prints
 * the first crash report in it: the title, a blank line and the report
 * text; with --json one JSON object.  Prints nothing when there is no crash.
 * Exit status: 0 no crash, 10 crash found, 2 usage, 9 I/O error (see
 * docs/report.md).
 */
#include "cli/cli.h"
#include "report/report.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REPORT_EXIT_CRASH 10
#define CHUNK (1u << 20)

static void usage(FILE *out)
{
	fprintf(out, "usage: culprit report [--json] [--symbolize BINARY] [FILE|-]\n"
		"\n"
		"Prints the first crash report found in a console log or program output.\n"
		"  --json               print one JSON object (title, alt_titles, type, ...)\n"
		"  --symbolize BINARY   add file:line and inlined frames from BINARY's debug info\n"
		"Exit status: 0 no crash, 10 crash found, 2 usage error, 9 I/O error.\n");
}

static int read_all(int fd, const char *name, struct cp_report_stream *st,
		    struct cp_error *err)
{
	char *buf = malloc(CHUNK);
	int rc = 0;

	if (!buf)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = cp_error_set(err, CP_ERR_IO, "reading %s: %s", name, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if ((rc = cp_report_stream_feed(st, buf, (size_t)n, err)))
			break;
	}
	free(buf);
	return rc;
}

static int print_report(const struct cp_report *rep, bool json)
{
	struct cp_error err;
	char *s;

	cp_error_clear(&err);
	if (json) {
		if (cp_report_to_json(rep, &s, &err))
			return cli_fail(err.code, err.msg);
		printf("%s\n", s);
		free(s);
	} else {
		printf("%s\n\n", rep->title);
		fwrite(rep->text, 1, rep->text_len, stdout);
		if (rep->text_len && rep->text[rep->text_len - 1] != '\n')
			putchar('\n');
	}
	if (fflush(stdout) || ferror(stdout))
		return cli_fail(CP_ERR_IO, "writing the report failed");
	return REPORT_EXIT_CRASH;
}

int cmd_report(int argc, char **argv)
{
	const char *file = NULL, *binary = NULL;
	struct cp_report_stream *st = NULL;
	struct cp_report *rep = NULL;
	struct cp_error err;
	bool json = false, opts = true;
	int fd = 0, rc, status;

	cp_error_clear(&err);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts && !strcmp(a, "--json")) {
			json = true;
		} else if (opts && !strcmp(a, "--symbolize")) {
			if (++i >= argc) {
				usage(stderr);
				return cli_fail(CP_ERR_USAGE, "report: --symbolize needs a binary");
			}
			binary = argv[i];
		} else if (opts && !strncmp(a, "--symbolize=", 12)) {
			binary = a + 12;
		} else if (opts && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
			usage(stdout);
			return 0;
		} else if (opts && !strcmp(a, "--")) {
			opts = false;
		} else if (opts && a[0] == '-' && a[1]) {
			usage(stderr);
			fprintf(stderr, "culprit: report: unknown option '%s'\n", a);
			return cp_exit_code(CP_ERR_USAGE);
		} else if (!file) {
			file = a;
		} else {
			usage(stderr);
			return cli_fail(CP_ERR_USAGE, "report: more than one input file");
		}
	}
	if (file && strcmp(file, "-")) {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			cp_error_set(&err, CP_ERR_IO, "report: cannot open %s: %s", file,
				     strerror(errno));
			return cli_fail(err.code, err.msg);
		}
	}
	rc = cp_report_stream_new(&st, &err);
	if (!rc)
		rc = read_all(fd, file ? file : "stdin", st, &err);
	if (!rc)
		rc = cp_report_stream_finish(st, &rep, &err);
	if (fd > 0)
		close(fd);
	cp_report_stream_free(st);
	if (rc)
		return cli_fail(rc, err.msg);
	if (!rep)
		return 0;
	if (binary && (rc = cp_report_symbolize(rep, binary, &err))) {
		cp_report_free(rep);
		return cli_fail(rc, err.msg);
	}
	status = print_report(rep, json);
	cp_report_free(rep);
	return status;
}
