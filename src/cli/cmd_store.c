/*
 * culprit store import [--state S] --store WHERE DIR...
 * culprit store list [--state S] [--title T] [--repo R] [--oldest] [--limit N] --store WHERE
 * culprit store get --store WHERE ID
 *
 * Fills the results store from existing output directories (result.json,
 * else journal.jsonl) and prints what it holds as JSON (docs/service.md).
 */
#include "cli/cli.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: culprit store import [--state STATE] --store WHERE DIR...\n"
		"       culprit store list [--state STATE] [--title TEXT] [--repo TEXT] [--oldest]\n"
		"                          [--limit N] --store WHERE\n"
		"       culprit store get --store WHERE ID\n"
		"\n"
		"WHERE is a SQLite file (created when missing) or a postgresql:// URL.\n"
		"import reads each output directory (result.json, else journal.jsonl) into\n"
		"the store; its state is done (result.json) or interrupted (journal only)\n"
		"unless --state (queued, running, done, failed, interrupted) says otherwise.\n"
		"list and get print JSON (docs/service.md).\n");
}

static int print_json(json_t *v)
{
	int ret = json_dumpf(v, stdout, JSON_INDENT(2));

	fputc('\n', stdout);
	json_decref(v);
	if (ret || fflush(stdout) || ferror(stdout))
		return cli_fail(CP_ERR_IO, "store: writing the output failed");
	return 0;
}

int cmd_store(int argc, char **argv)
{
	struct cp_store_filter f = { 0 };
	const char *where = NULL, *verb, *state = NULL;
	struct cp_store *st = NULL;
	struct cp_error err;
	char **args;
	int i, nargs = 0, ret = 0, failed = 0;
	json_t *v = NULL;
	size_t total;
	char *end;

	cp_error_clear(&err);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? cli_fail(CP_ERR_USAGE, "store: no verb given") : 0;
	}
	verb = argv[1];
	if (strcmp(verb, "import") && strcmp(verb, "list") && strcmp(verb, "get")) {
		usage(stderr);
		return cli_fail(CP_ERR_USAGE, "store: the verb is import, list or get");
	}
	args = calloc((size_t)argc, sizeof(*args));
	if (!args)
		return cli_fail(CP_ERR_NOMEM, "store: out of memory");
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;

		if (!strcmp(a, "--store") && more) {
			where = argv[++i];
		} else if (!strcmp(a, "--state") && more) {
			state = argv[++i];
		} else if (!strcmp(a, "--title") && more) {
			f.title = argv[++i];
		} else if (!strcmp(a, "--repo") && more) {
			f.repo = argv[++i];
		} else if (!strcmp(a, "--oldest")) {
			f.oldest_first = 1;
		} else if (!strcmp(a, "--limit") && more) {
			f.limit = strtoul(argv[++i], &end, 10);
			if (*end || !f.limit) {
				free(args);
				return cli_fail(CP_ERR_USAGE, "store: --limit takes a positive number");
			}
		} else if (a[0] == '-') {
			free(args);
			usage(stderr);
			return cli_fail(CP_ERR_USAGE, "store: unknown option or missing value");
		} else {
			args[nargs++] = argv[i];
		}
	}
	if (!where) {
		free(args);
		return cli_fail(CP_ERR_USAGE, "store: --store WHERE is required");
	}
	if (state && !cp_store_state_valid(state)) {
		free(args);
		return cli_fail(CP_ERR_USAGE, "store: --state is one of queued, running, done, failed, interrupted");
	}
	if ((!strcmp(verb, "import") && !nargs) || (!strcmp(verb, "get") && nargs != 1) ||
	    (!strcmp(verb, "list") && nargs)) {
		free(args);
		usage(stderr);
		return cli_fail(CP_ERR_USAGE, "store: wrong number of arguments");
	}
	ret = cp_store_open(where, &st, &err);
	if (ret) {
		free(args);
		return cli_fail(ret, err.msg);
	}
	if (!strcmp(verb, "import")) {
		for (i = 0; i < nargs; i++) {
			long long id;

			ret = cp_store_put_dir(st, args[i], state, &id, &err);
			if (ret) {
				fprintf(stderr, "culprit: %s\n", err.msg);
				failed = ret;
				continue;
			}
			printf("%lld %s\n", id, args[i]);
		}
		ret = failed ? cp_exit_code(failed) : 0;
	} else if (!strcmp(verb, "list")) {
		f.state = state;
		ret = cp_store_list(st, &f, &v, &total, &err);
		ret = ret ? cli_fail(ret, err.msg) : print_json(v);
	} else {
		long long id = strtoll(args[0], &end, 10);

		if (*end || id <= 0)
			ret = cli_fail(CP_ERR_USAGE, "store: get takes a bisection id");
		else if ((ret = cp_store_get(st, id, &v, &err)))
			ret = cli_fail(ret, err.msg);
		else if (!v)
			ret = cli_fail(CP_ERR_INPUT, "store: no bisection with that id");
		else
			ret = print_json(v);
	}
	cp_store_close(st);
	free(args);
	return ret;
}
