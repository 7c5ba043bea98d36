/*
 * culprit mail [--hold-below PCT] [--from ADDR] [--url BASE [--store WHERE | --store-id N]]
 *              (--mbox FILE | --sendmail PROGRAM [--timeout S]) DIR...
 *
 * The mail of each finished bisection, syzbot style (docs/service.md),
 * appended to an mbox file or piped to `PROGRAM -t -oi`.  Held mail (low
 * confidence, no culprit, no recipient) is named on stderr, not written.
 */
#include "cli/cli.h"
#include "mail/mail.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: culprit mail [--hold-below PCT] [--from ADDR] [--url BASE [--store WHERE | --store-id N]]\n"
		"                    (--mbox FILE | --sendmail PROGRAM [--timeout S]) DIR...\n"
		"\n"
		"Writes the mail of each finished bisection (output directory DIR) to the\n"
		"mbox FILE, or pipes it to PROGRAM -t -oi (a sendmail-compatible program,\n"
		"killed after S seconds, default 60).  Mail whose confidence is below PCT\n"
		"percent (default 0), without a culprit or without recipients is held.\n"
		"With --url (culprit serve's address) the links point at the bisection's\n"
		"pages there: its id is --store-id, or looked up by directory in --store.\n");
}

int cmd_mail(int argc, char **argv)
{
	struct cp_mail_options o = { 0 };
	const char *mbox = NULL, *sendmail = NULL, *where = NULL;
	struct cp_store *st = NULL;
	unsigned long timeout = 60;
	struct cp_error err;
	char held[256], *msg, *end;
	int i, ret, failed = 0, ndirs = 0;

	cp_error_clear(&err);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--hold-below") && more) {
			o.hold_below = strtod(argv[++i], &end) / 100.0;
			if (*end || !*argv[i] || o.hold_below < 0 || o.hold_below > 1)
				return cli_fail(CP_ERR_USAGE, "mail: --hold-below takes a percentage 0..100");
		} else if (!strcmp(a, "--from") && more) {
			o.from = argv[++i];
		} else if (!strcmp(a, "--url") && more) {
			o.url = argv[++i];
		} else if (!strcmp(a, "--store-id") && more) {
			o.store_id = strtoll(argv[++i], &end, 10);
			if (*end || o.store_id <= 0)
				return cli_fail(CP_ERR_USAGE, "mail: --store-id takes a bisection id");
		} else if (!strcmp(a, "--store") && more) {
			where = argv[++i];
		} else if (!strcmp(a, "--mbox") && more) {
			mbox = argv[++i];
		} else if (!strcmp(a, "--sendmail") && more) {
			sendmail = argv[++i];
		} else if (!strcmp(a, "--timeout") && more) {
			timeout = strtoul(argv[++i], &end, 10);
			if (*end || !timeout || timeout > 3600)
				return cli_fail(CP_ERR_USAGE, "mail: --timeout takes 1..3600 seconds");
		} else {
			usage(stderr);
			return cli_fail(CP_ERR_USAGE, "mail: unknown option or missing value");
		}
	}
	if (!mbox == !sendmail) {
		usage(stderr);
		return cli_fail(CP_ERR_USAGE, "mail: give one of --mbox FILE and --sendmail PROGRAM");
	}
	if (i >= argc) {
		usage(stderr);
		return cli_fail(CP_ERR_USAGE, "mail: no output directory given");
	}
	if (where && o.store_id)
		return cli_fail(CP_ERR_USAGE, "mail: give --store or --store-id, not both");
	if (where && !o.url)
		return cli_fail(CP_ERR_USAGE, "mail: --store is for the links: give --url too");
	if (where && (ret = cp_store_open(where, &st, &err)))
		return cli_fail(ret, err.msg);
	for (; i < argc; i++, ndirs++) {
		const char *cmd[] = { sendmail, "-t", "-oi", NULL };

		o.date = time(NULL);
		if (st && cp_store_find_dir(st, argv[i], &o.store_id, &err)) {
			fprintf(stderr, "culprit: %s\n", err.msg);
			failed = CP_ERR_STORE;
			continue;
		}
		ret = cp_mail_compose(argv[i], &o, &msg, held, sizeof(held), &err);
		if (!ret && !msg) {
			fprintf(stderr, "culprit mail: held %s: %s\n", argv[i], held);
			continue;
		}
		if (!ret)
			ret = mbox ? cp_mail_to_mbox(mbox, msg, o.date, &err)
				   : cp_mail_to_command(cmd, (unsigned)timeout, msg, &err);
		free(msg);
		if (ret) {
			fprintf(stderr, "culprit: %s\n", err.msg);
			failed = ret;
			continue;
		}
		fprintf(stderr, "culprit mail: %s %s\n", mbox ? "written to" : "sent through",
			mbox ? mbox : sendmail);
	}
	cp_store_close(st);
	return failed ? cp_exit_code(failed) : 0;
}
