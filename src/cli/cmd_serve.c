/*
 * culprit serve --store WHERE [--listen ADDR] [--port N] [--port-file FILE]
 *               [--token-file FILE --jobs-dir DIR [--farm-out DIR | --run-jobs [--job-timeout S]]]
 *
 * The results store over HTTP (docs/service.md): read-only unless a token
 * file is given; localhost unless --listen says otherwise.
 */
#include "cli/cli.h"
#include "serve/serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: culprit serve --store WHERE [--listen ADDR] [--port N] [--port-file FILE]\n"
		"                     [--token-file FILE --jobs-dir DIR\n"
		"                      [--farm-out DIR | --run-jobs [--job-timeout S]]]\n"
		"\n"
		"Serves the bisections in the store (a SQLite file or a postgresql:// URL) on\n"
		"http://ADDR:N/ (default 127.0.0.1, port 8080; --port 0 picks a free one and\n"
		"--port-file receives it).  Read-only unless --token-file names a file holding\n"
		"the token that POST /api/jobs must carry (Authorization: Bearer TOKEN); queued\n"
		"jobs are written into --jobs-dir for the farm (culprit farm --jobs-dir DIR\n"
		"--out FARM_OUT --store WHERE; give serve --farm-out FARM_OUT so the queued row\n"
		"is the one the farm's bisection updates), or with --run-jobs run here,\n"
		"one at a time (culprit bisect --job FILE --store WHERE; killed after S\n"
		"seconds, default a day).  Stops on SIGINT/SIGTERM.\n");
}

static int read_token(const char *path, char **out, struct cp_error *err)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	size_t n;

	if (!f)
		return cp_error_set(err, CP_ERR_IO, "serve: cannot read the token file %s", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (n < 16 || strspn(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/=") != n)
		return cp_error_set(err, CP_ERR_INPUT,
				    "serve: the token in %s must be 16 to 511 printable characters without spaces", path);
	*out = strdup(buf);
	return *out ? 0 : cp_error_set(err, CP_ERR_NOMEM, "serve: out of memory");
}

int cmd_serve(int argc, char **argv)
{
	struct cp_serve_config cfg = { .port = 8080 };
	const char *token_file = NULL;
	char *token = NULL, *end;
	struct cp_error err;
	unsigned long port;
	int i, ret;

	cp_error_clear(&err);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--store") && more) {
			cfg.store = argv[++i];
		} else if (!strcmp(a, "--listen") && more) {
			cfg.listen = argv[++i];
		} else if (!strcmp(a, "--port") && more) {
			port = strtoul(argv[++i], &end, 10);
			if (*end || !*argv[i] || port > 65535)
				return cli_fail(CP_ERR_USAGE, "serve: --port takes 0..65535");
			cfg.port = (unsigned)port;
		} else if (!strcmp(a, "--port-file") && more) {
			cfg.port_file = argv[++i];
		} else if (!strcmp(a, "--token-file") && more) {
			token_file = argv[++i];
		} else if (!strcmp(a, "--jobs-dir") && more) {
			cfg.jobs_dir = argv[++i];
		} else if (!strcmp(a, "--farm-out") && more) {
			cfg.farm_out = argv[++i];
		} else if (!strcmp(a, "--run-jobs")) {
			cfg.run_jobs = 1;
		} else if (!strcmp(a, "--job-timeout") && more) {
			unsigned long t = strtoul(argv[++i], &end, 10);

			if (*end || !*argv[i] || !t || t > 604800)
				return cli_fail(CP_ERR_USAGE, "serve: --job-timeout takes 1..604800 seconds");
			cfg.job_timeout = (unsigned)t;
		} else {
			usage(stderr);
			return cli_fail(CP_ERR_USAGE, "serve: unknown option or missing value");
		}
	}
	if (!cfg.store) {
		usage(stderr);
		return cli_fail(CP_ERR_USAGE, "serve: --store WHERE is required");
	}
	if (token_file && (ret = read_token(token_file, &token, &err)))
		return cli_fail(ret, err.msg);
	cfg.token = token;
	ret = cp_serve_run(&cfg, &err);
	free(token);
	return ret ? cli_fail(ret, err.msg) : 0;
}
