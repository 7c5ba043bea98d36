#include "cli/cli.h"
#include "util/error.h"

int cmd_next(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail(CP_ERR_USAGE, "next: not built yet");
}
