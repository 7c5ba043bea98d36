#include "cli/cli.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

int cli_fail(int status, const char *msg)
{
	fprintf(stderr, "culprit: %s\n", msg);
	return cp_exit_code(status);
}

static void usage(FILE *out)
{
	const struct cli_command *c;

	fprintf(out, "usage: culprit <command> [options]\n\ncommands:\n");
	for (c = cli_commands; c->name; c++)
		fprintf(out, "  %-12s %s\n", c->name, c->summary);
	fprintf(out, "\nRun 'culprit <command> --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	const struct cli_command *c;

	if (argc < 2) {
		usage(stderr);
		return cp_exit_code(CP_ERR_USAGE);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("culprit 0.1.0\n");
		return 0;
	}
	for (c = cli_commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "culprit: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return cp_exit_code(CP_ERR_USAGE);
}
