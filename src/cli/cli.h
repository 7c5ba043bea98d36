/*
 * The culprit command line: one file per subcommand (cmd_<name>.c), each
 * exporting an entry point with main()'s signature.  main.c dispatches on
 * argv[1] through the table in commands.c.  Entry points return a process
 * exit status (docs/exit-codes.md); they never call exit().
 */
#ifndef CULPRIT_CLI_CLI_H
#define CULPRIT_CLI_CLI_H

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

extern const struct cli_command cli_commands[];

int cmd_next(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_bisect(int argc, char **argv);
int cmd_kernel_build(int argc, char **argv);
int cmd_vm_run(int argc, char **argv);
int cmd_signature(int argc, char **argv);
int cmd_kconfig_minimize(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_recipients(int argc, char **argv);
int cmd_maintainers(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_mail(int argc, char **argv);
int cmd_farm(int argc, char **argv);

/* Prints "culprit: <msg>" on stderr and returns the exit code for status. */
int cli_fail(int status, const char *msg);

#endif
