/*
 * culprit demo: the main job on a built-in example.  Makes a small C
 * program with ~200 commits of history in a temporary directory (one commit
 * plants a heap overflow AddressSanitizer catches), then bisects it end to
 * end with culprit bisect and checks the answer.
 */
#include "cli/cli.h"
#include "demo/demo.h"
#include "driver/driver.h"
#include "output/output.h"
#include "util/error.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t demo_stop;

static void on_signal(int sig)
{
	(void)sig;
	demo_stop = 1;
	cp_driver_interrupt();
}

static int remove_tree(const char *path)
{
	const char *argv[] = { "rm", "-rf", path, NULL };
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return waitpid(pid, &status, 0) < 0 ? -1 : 0;
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "runs", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cp_demo_repo demo = { 0 };
	struct cp_job job;
	struct cp_error err;
	struct sigaction sa;
	char tmp[] = "/tmp/culprit-demo.XXXXXX", repo_dir[4200], out_dir[4200];
	const char *keep = NULL;
	unsigned runs = 2;
	int c, ret;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o') {
			keep = optarg;
		} else if (c == 'n') {
			runs = (unsigned)atoi(optarg);
			if (runs < 1 || runs > 100)
				return cli_fail(CP_ERR_USAGE, "demo: --runs must be 1..100");
		} else if (c == 'h') {
			printf("usage: culprit demo [--out DIR] [--runs N]\n\n"
			       "Creates a small C program with a history of ~200 commits in a\n"
			       "temporary directory and bisects the heap overflow planted in it.\n"
			       "--out DIR keeps the bisection's output (log, result.json) there.\n");
			return 0;
		} else {
			return cli_fail(CP_ERR_USAGE, "demo: unknown option (see --help)");
		}
	}
	cp_error_clear(&err);
	if (!mkdtemp(tmp))
		return cli_fail(CP_ERR_IO, "demo: cannot create a temporary directory");
	snprintf(repo_dir, sizeof(repo_dir), "%s/example", tmp);
	snprintf(out_dir, sizeof(out_dir), "%s", keep ? keep : tmp);
	if (!keep)
		snprintf(out_dir, sizeof(out_dir), "%s/out", tmp);
	printf("culprit demo: making the example repository in %s\n", repo_dir);
	ret = cp_demo_make_repo(repo_dir, 1, &demo, &err);
	if (ret)
		goto out;
	printf("culprit demo: %zu commits; bisecting the crash on %s (output in %s)\n\n",
	       demo.ncommits, demo.bad, out_dir);
	fflush(stdout);

	cp_job_init(&job);
	job.repo = strdup(demo.path);
	job.bad = strdup(demo.bad);
	job.build_cmd = strdup(demo.build_cmd);
	job.test_cmd = strdup(demo.test_cmd);
	job.out = strdup(out_dir);
	/* the program built is the build's signature: equal binaries share runs */
	job.artifacts = calloc(1, sizeof(*job.artifacts));
	if (job.artifacts && (job.artifacts[0] = strdup("calc")))
		job.nartifacts = 1;
	job.runs = runs;
	job.jobs = 2;
	job.build_timeout = 300;
	job.run_timeout = 60;
	if (!job.repo || !job.bad || !job.build_cmd || !job.test_cmd || !job.out ||
	    !job.nartifacts) {
		cp_job_free(&job);
		ret = cp_error_set(&err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = cp_driver_run(&job, 0, &demo_stop, &err);
	cp_job_free(&job);
	if (!ret) {
		/* the report and the page need the example repository: before removal */
		struct cp_error oerr;

		cp_error_clear(&oerr);
		if (cp_output_write_auto(out_dir, NULL, &oerr))
			fprintf(stderr, "culprit: warning: %s\n", oerr.msg);
		else
			printf("culprit demo: report in %s/report.txt, page in %s/index.html\n",
			       out_dir, out_dir);
	}
	if (!ret) {
		FILE *f;
		char path[4300], line[512];
		int right = 0;

		/* the log's last "first bad commit:" line names the culprit */
		snprintf(path, sizeof(path), "%s/log", out_dir);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "first bad commit: ", 18))
				right = !strncmp(line + 18, demo.culprit, 40);
		if (f)
			fclose(f);
		printf("\nculprit demo: the planted culprit is %s: %s\n", demo.culprit,
		       right ? "found" : "NOT found");
		if (!right)
			ret = cp_error_set(&err, CP_ERR_INTERNAL, "demo: wrong culprit");
	}
out:
	cp_demo_repo_free(&demo);
	remove_tree(keep ? repo_dir : tmp);
	if (keep)
		rmdir(tmp);
	return ret ? cli_fail(ret, err.msg) : 0;
}
