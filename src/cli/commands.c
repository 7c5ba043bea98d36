#include "cli/cli.h"

#include <stddef.h>

const struct cli_command cli_commands[] = {
	{ "bisect", cmd_bisect, "find the commit that introduced (or fixed) a crash" },
	{ "demo", cmd_demo, "bisect the built-in example end to end" },
	{ "next", cmd_next, "print the commit git bisect would test next" },
	{ "farm", cmd_farm, "run a directory of job files as bisections, N at once, sharing builds" },
	{ "sim", cmd_sim, "bisect a simulated scenario with a policy, many times" },
	{ "report", cmd_report, "parse a console log or sanitizer output into a crash report" },
	{ "recipients", cmd_recipients, "print the To: and Cc: lines for a culprit commit" },
	{ "maintainers", cmd_maintainers, "print the MAINTAINERS sections matching files" },
	{ "kernel-build", cmd_kernel_build, "build a kernel worktree for a kernel job (docs/kernel.md)" },
	{ "vm-run", cmd_vm_run, "boot the built kernel in QEMU and run the reproducer once" },
	{ "signature", cmd_signature, "print the kernel signature of a vmlinux" },
	{ "kconfig-minimize", cmd_kconfig_minimize, "cut a kernel job's config down to what the crash needs" },
	{ "show", cmd_show, "re-print the report of a finished or interrupted bisection" },
	{ "store", cmd_store, "import output directories into the results store, list it" },
	{ "serve", cmd_serve, "serve the results store over HTTP (list, pages, logs, JSON, job queue)" },
	{ "mail", cmd_mail, "write the syzbot-style mail of finished bisections (mbox or sendmail)" },
	{ NULL, NULL, NULL },
};
