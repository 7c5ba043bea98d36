/*
 * culprit farm: runs every job file of a directory as a bisection, N at
 * once, sharing a build cache (docs/farm.md).
 */
#include "cli/cli.h"
#include "exec/exec.h"
#include "farm/farm.h"
#include "store/store.h"
#include "util/error.h"

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	cp_farm_interrupt();
}

static void farm_usage(FILE *out)
{
	fprintf(out,
		"usage: culprit farm --jobs-dir DIR [-j N] [--out DIR] [--cache DIR]\n"
		"                    [--executor local|slurm] [--timeout S] [--store WHERE]\n"
		"\n"
		"Runs every job file DIR/*.json as a bisection (culprit bisect --job), N at\n"
		"once (default 2), each in OUT/<name>/ (default ./farm-out) with its output\n"
		"in OUT/<name>.log, all sharing the build cache --cache.  A bisection that\n"
		"fails does not stop the others.  Run the same command again after a kill:\n"
		"finished bisections are skipped, the others resume from their journals.\n"
		"--timeout S: one bisection's limit (default 7 days).  --store WHERE: every\n"
		"bisection keeps its row in the results store current (docs/service.md).\n");
}

int cmd_farm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "jobs-dir", required_argument, NULL, 'd' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "out", required_argument, NULL, 'o' },
		{ "cache", required_argument, NULL, 'c' },
		{ "executor", required_argument, NULL, 'e' },
		{ "timeout", required_argument, NULL, 't' },
		{ "store", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cp_farm_opts o = { .out = "farm-out", .slots = 2, .timeout_s = 7 * 24 * 3600,
				  .log = stdout };
	struct cp_error err;
	struct sigaction sa;
	char self[PATH_MAX];
	ssize_t n;
	int c, ret;

	cp_error_clear(&err);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
		char *end;
		unsigned long u;

		switch (c) {
		case 'd': o.jobs_dir = optarg; break;
		case 'o': o.out = optarg; break;
		case 'c': o.cache = optarg; break;
		case 's': o.store = optarg; break;
		case 'e': {
			json_t *v = json_string(optarg);

			ret = v ? cp_exec_check_config(v, &err) : CP_ERR_NOMEM;
			json_decref(v);
			if (ret)
				return cli_fail(CP_ERR_USAGE, ret == CP_ERR_NOMEM ? "out of memory" : err.msg);
			o.executor = optarg;
			break;
		}
		case 'j': case 't':
			u = strtoul(optarg, &end, 10);
			if (!*optarg || *optarg == '-' || *end || u == 0 || u > (c == 'j' ? 256ul : 30ul * 86400)) {
				char msg[128];

				snprintf(msg, sizeof(msg), "farm: bad number '%.40s' for %s", optarg,
					 c == 'j' ? "-j" : "--timeout");
				return cli_fail(CP_ERR_USAGE, msg);
			}
			if (c == 'j')
				o.slots = (unsigned)u;
			else
				o.timeout_s = u;
			break;
		case 'h':
			farm_usage(stdout);
			return 0;
		default:
			return cli_fail(CP_ERR_USAGE, "farm: unknown or incomplete option (see --help)");
		}
	}
	if (optind < argc)
		return cli_fail(CP_ERR_USAGE, "farm: unexpected argument (see --help)");
	if (!o.jobs_dir)
		return cli_fail(CP_ERR_USAGE, "farm: --jobs-dir DIR is required");
	/*
	 * Opened once here: a bad store is one clear error instead of every
	 * bisection failing, and a new one gets its schema before N processes
	 * race to create it.
	 */
	if (o.store) {
		struct cp_store *st;

		if ((ret = cp_store_open(o.store, &st, &err)))
			return cli_fail(cp_error_prefix(&err, "farm: --store %s", o.store), err.msg);
		cp_store_close(st);
	}
	/* each bisection is this same program, whatever PATH says */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return cli_fail(CP_ERR_INTERNAL, "farm: cannot find the culprit program (/proc/self/exe)");
	self[n] = '\0';
	o.self = self;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = cp_farm_run(&o, &stop_requested, &err);
	return ret ? cli_fail(ret, err.msg) : 0;
}
