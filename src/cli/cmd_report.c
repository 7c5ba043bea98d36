#include "cli/cli.h"
#include "util/error.h"

/* Replaced by the crash-report parser (issue 4). */
int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail(CP_ERR_USAGE, "report: not built yet");
}
