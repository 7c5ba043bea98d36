#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "run/exec.h"
#include "helpers.h"

static char *tmp;

static int setup(void **state)
{
	(void)state;
	tmp = make_tmpdir();
	return tmp ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	remove_tree(tmp);
	free(tmp);
	return 0;
}

/* Nothing may be left for us to reap once a run returned. */
static void assert_no_children(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void run_shell(const char *cmd, struct cp_run_result *res)
{
	struct cp_run_spec spec = { .shell = cmd, .timeout_ms = 30000 };
	struct cp_error err;

	cp_error_clear(&err);
	if (cp_run_one(&spec, res, &err))
		fail_msg("run failed: %s", err.msg);
}

static void exit_codes(void **state)
{
	const char *true_argv[] = { "true", NULL };
	struct cp_run_spec spec = { .argv = true_argv };
	struct cp_run_result res;
	struct cp_error err;

	(void)state;
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_int_equal(res.status.exit_code, 0);
	assert_int_equal(res.status.signal, 0);
	assert_false(res.status.timed_out);
	assert_string_equal(res.tail, "");
	assert_true(res.pid > 0);
	cp_run_result_dispose(&res);

	run_shell("exit 3", &res);
	assert_int_equal(res.status.exit_code, 3);
	assert_int_equal(cp_run_exit_verdict(&res.status), CP_VERDICT_BAD);
	cp_run_result_dispose(&res);

	run_shell("exit 125", &res);
	assert_int_equal(res.status.exit_code, 125);
	assert_int_equal(cp_run_exit_verdict(&res.status), CP_VERDICT_SKIP);
	cp_run_result_dispose(&res);

	run_shell("exit 255", &res);
	assert_int_equal(res.status.exit_code, 255);
	assert_int_equal(cp_run_exit_verdict(&res.status), CP_VERDICT_ABORT);
	cp_run_result_dispose(&res);
	assert_no_children();
}

static void signals(void **state)
{
	struct cp_run_result res;
	char buf[128];

	(void)state;
	run_shell("echo before; kill -SEGV $$", &res);
	assert_int_equal(res.status.exit_code, -1);
	assert_int_equal(res.status.signal, SIGSEGV);
	assert_string_equal(res.tail, "before\n");
	assert_int_equal(cp_run_exit_verdict(&res.status), CP_VERDICT_BAD);
	assert_int_equal(cp_run_classify(CP_STEP_TEST, &res.status, NULL, buf,
					 sizeof(buf)), CP_OUTCOME_CRASHED);
	assert_string_equal(buf, "crashed: fatal signal SIGSEGV");
	cp_run_result_dispose(&res);

	run_shell("kill -ABRT $$", &res);
	assert_int_equal(res.status.signal, SIGABRT);
	cp_run_result_dispose(&res);

	/* SIGKILL from outside (say the OOM killer) is no crash. */
	run_shell("kill -KILL $$", &res);
	assert_int_equal(res.status.signal, SIGKILL);
	assert_int_equal(cp_run_exit_verdict(&res.status), CP_VERDICT_ABORT);
	cp_run_result_dispose(&res);
	assert_no_children();
}

static void shell_versus_argv(void **state)
{
	const char *argv[] = { "echo", "a  b", "$((1+2))", "*", NULL };
	struct cp_run_spec spec = { .argv = argv };
	struct cp_run_result res;
	struct cp_error err;

	(void)state;
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_string_equal(res.tail, "a  b $((1+2)) *\n");
	cp_run_result_dispose(&res);

	run_shell("echo $((1+2)) | tr 3 4", &res);
	assert_string_equal(res.tail, "4\n");
	cp_run_result_dispose(&res);
}

static void env_cwd_and_stdin(void **state)
{
	const char *env[] = { "CULPRIT_RUN=7", "CULPRIT_WORKTREE=/wt",
			      "CP_TEST_OVERRIDE=new", NULL };
	struct cp_run_spec spec = {
		.shell = "echo \"$CULPRIT_RUN $CULPRIT_WORKTREE $CP_TEST_OVERRIDE $CP_TEST_KEPT\"; pwd; cat; echo end",
		.env = env,
		.cwd = tmp,
		.timeout_ms = 10000,
	};
	struct cp_run_result res;
	struct cp_error err;
	char expect[512];

	(void)state;
	setenv("CP_TEST_OVERRIDE", "old", 1);
	setenv("CP_TEST_KEPT", "kept", 1);
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	/* stdin is /dev/null: cat returns at once. */
	snprintf(expect, sizeof(expect), "7 /wt new kept\n%s\nend\n", tmp);
	assert_string_equal(res.tail, expect);
	assert_false(res.status.timed_out);
	cp_run_result_dispose(&res);
	unsetenv("CP_TEST_OVERRIDE");
	unsetenv("CP_TEST_KEPT");
}

static void output_files(void **state)
{
	char out[512], errp[512], both[512];
	struct cp_run_spec spec = {
		.shell = "echo out1; echo err1 >&2; echo out2",
		.stdout_path = out,
		.stderr_path = errp,
	};
	struct cp_run_result res;
	struct cp_error err;

	(void)state;
	snprintf(out, sizeof(out), "%s/stdout", tmp);
	snprintf(errp, sizeof(errp), "%s/stderr", tmp);
	snprintf(both, sizeof(both), "%s/both", tmp);
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_string_equal(slurp(out), "out1\nout2\n");
	assert_string_equal(slurp(errp), "err1\n");
	assert_int_equal(res.stdout_bytes, 10);
	assert_int_equal(res.stderr_bytes, 5);
	assert_int_equal(res.tail_len, 15);
	assert_non_null(strstr(res.tail, "err1\n"));
	assert_non_null(strstr(res.tail, "out2\n"));
	cp_run_result_dispose(&res);

	spec.shell = "echo a; sleep 0.05; echo b >&2; sleep 0.05; echo c";
	spec.stdout_path = both;
	spec.stderr_path = both;
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_string_equal(slurp(both), "a\nb\nc\n");
	assert_string_equal(res.tail, "a\nb\nc\n");
	cp_run_result_dispose(&res);

	/* One file for both: the child's exact order, like 2>&1. */
	spec.shell = "for i in 1 2 3 4 5 6 7 8; do echo o$i; echo e$i >&2; done";
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_string_equal(slurp(both), "o1\ne1\no2\ne2\no3\ne3\no4\ne4\n"
			    "o5\ne5\no6\ne6\no7\ne7\no8\ne8\n");
	assert_string_equal(res.tail, slurp(both));
	assert_int_equal(res.stdout_bytes, 48);
	assert_int_equal(res.stderr_bytes, 0);
	cp_run_result_dispose(&res);
	spec.shell = "echo a; sleep 0.05; echo b >&2; sleep 0.05; echo c";

	/* Two spellings of one file still give one interleaved file. */
	snprintf(errp, sizeof(errp), "%s/./both", tmp);
	spec.stderr_path = errp;
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_string_equal(slurp(both), "a\nb\nc\n");
	cp_run_result_dispose(&res);

	/* An output file that cannot be created is an I/O error. */
	snprintf(out, sizeof(out), "%s/no/such/dir/stdout", tmp);
	spec.stdout_path = out;
	spec.stderr_path = NULL;
	assert_int_equal(cp_run_one(&spec, &res, &err), CP_ERR_IO);
	assert_non_null(strstr(err.msg, "cannot create"));
	assert_no_children();
}

static void missing_program(void **state)
{
	const char *argv[] = { "culprit-no-such-program", NULL };
	const char *argv2[] = { "/nonexistent/prog", "x", NULL };
	const char *argv3[] = { "pwd", NULL };
	const char *argv4[] = { NULL, NULL };
	struct cp_run_spec spec = { .argv = argv };
	struct cp_run_result res;
	struct cp_error err;
	char path[512];
	int fd;

	(void)state;
	assert_int_equal(cp_run_one(&spec, &res, &err), CP_ERR_CHILD);
	assert_string_equal(err.msg, "cannot run 'culprit-no-such-program': "
			    "No such file or directory");

	spec.argv = argv2;
	assert_int_equal(cp_run_one(&spec, &res, &err), CP_ERR_CHILD);
	assert_string_equal(err.msg, "cannot run '/nonexistent/prog': "
			    "No such file or directory");

	/* Not executable: found, but execve() fails in the child. */
	snprintf(path, sizeof(path), "%s/not-exec", tmp);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	close(fd);
	argv2[0] = path;
	spec.argv = argv2;
	assert_int_equal(cp_run_one(&spec, &res, &err), CP_ERR_CHILD);
	assert_non_null(strstr(err.msg, "Permission denied"));

	spec.argv = argv3;
	spec.cwd = "/nonexistent-dir";
	assert_int_equal(cp_run_one(&spec, &res, &err), CP_ERR_CHILD);
	assert_string_equal(err.msg, "cannot run 'pwd': working directory "
			    "'/nonexistent-dir': No such file or directory");

	spec.cwd = NULL;
	spec.argv = argv4;
	assert_int_equal(cp_run_one(&spec, &res, &err), CP_ERR_USAGE);
	assert_no_children();
}

static void timeout_kills_group(void **state)
{
	char gc_file[512], cmd[1024];
	struct cp_run_spec spec = { .timeout_ms = 300, .grace_ms = 300 };
	struct cp_run_result res;
	struct cp_error err;
	pid_t gc;

	(void)state;
	/* A grandchild ignoring SIGTERM; the leader waits for it. */
	snprintf(gc_file, sizeof(gc_file), "%s/gc", tmp);
	snprintf(cmd, sizeof(cmd),
		 "sh -c 'trap \"\" TERM; echo $$ > %s; while :; do sleep 0.05; done' & wait",
		 gc_file);
	spec.shell = cmd;
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_true(res.status.timed_out);
	assert_true(res.duration_ns >= 300ULL * 1000000);
	assert_true(res.duration_ns < 5000ULL * 1000000);
	gc = read_pid_file(gc_file, 1000);
	assert_true(gc > 0);
	assert_true(proc_gone_within(gc, 2000));
	assert_true(group_gone_within(res.pid, 2000));
	assert_int_equal(cp_run_exit_verdict(&res.status), CP_VERDICT_ABORT);
	cp_run_result_dispose(&res);

	/* A leader ignoring SIGTERM gets SIGKILL after the grace. */
	spec.shell = "trap '' TERM; while :; do sleep 0.05; done";
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_true(res.status.timed_out);
	assert_int_equal(res.status.signal, SIGKILL);
	assert_true(res.duration_ns >= 600ULL * 1000000);
	cp_run_result_dispose(&res);
	assert_no_children();
}

static void background_children_do_not_leak(void **state)
{
	char pid_file[512], cmd[1024];
	struct cp_run_spec spec = { .timeout_ms = 20000 };
	struct cp_run_result res;
	struct cp_error err;
	pid_t bg;

	(void)state;
	snprintf(pid_file, sizeof(pid_file), "%s/bg", tmp);
	snprintf(cmd, sizeof(cmd), "sleep 987 & echo $! > %s; echo done",
		 pid_file);
	spec.shell = cmd;
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_int_equal(res.status.exit_code, 0);
	assert_false(res.status.timed_out);
	/* The background sleep holds the pipe; it must not stall us. */
	assert_true(res.duration_ns < 3000ULL * 1000000);
	assert_string_equal(res.tail, "done\n");
	bg = read_pid_file(pid_file, 1000);
	assert_true(bg > 0);
	assert_true(proc_gone_within(bg, 2000));
	assert_true(group_gone_within(res.pid, 2000));
	cp_run_result_dispose(&res);
	assert_no_children();
}

static long vm_hwm_kib(void)
{
	const char *s = slurp("/proc/self/status");
	const char *p = strstr(s, "VmHWM:");

	return p ? atol(p + 6) : -1;
}

static void huge_output_bounded_memory(void **state)
{
	struct cp_run_spec spec = {
		.shell = "head -c 1073741824 /dev/zero | tr '\\0' x",
		.stdout_path = "/dev/null",
		.timeout_ms = 300000,
	};
	struct cp_run_result res;
	struct cp_error err;
	long before, after;
	size_t i;
	int fd;

	(void)state;
	/* Reset the peak RSS so VmHWM measures this run only. */
	fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd >= 0) {
		assert_int_equal(write(fd, "5", 1), 1);
		close(fd);
	}
	before = vm_hwm_kib();
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	after = vm_hwm_kib();
	print_message("peak RSS %ld KiB before, %ld KiB after 1 GiB\n",
		      before, after);
	assert_int_equal(res.status.exit_code, 0);
	assert_int_equal(res.stdout_bytes, 1ULL << 30);
	assert_int_equal(res.tail_len, CP_RUN_TAIL_DEFAULT);
	assert_true(res.tail_truncated);
	for (i = 0; i < res.tail_len; i++)
		if (res.tail[i] != 'x')
			fail_msg("tail byte %zu is %d", i, res.tail[i]);
	/* 1 GiB went through; memory grew by far less than that. */
	assert_true(after - before < 32 * 1024);
	cp_run_result_dispose(&res);
}

/*
 * Three children at once, finishing in another order than started: B at
 * once, C when the test allows it after B, A after C.  While B finishes, A
 * and C are running, so the pool runs them at the same time.
 */
static void parallel_out_of_order(void **state)
{
	char cmds[3][1024], go_a[512], go_c[512];
	const char *expect[] = { "B\n", "C\n", "A\n" };
	const char *true_argv[] = { "true", NULL };
	struct cp_run_spec spec = { .timeout_ms = 20000 };
	struct cp_run_pool *pool;
	struct cp_run_result res;
	struct cp_error err;
	int ids[3], order[3] = { 1, 2, 0 };
	int i, fd;

	(void)state;
	snprintf(go_a, sizeof(go_a), "%s/go-a", tmp);
	snprintf(go_c, sizeof(go_c), "%s/go-c", tmp);
	snprintf(cmds[0], sizeof(cmds[0]),
		 "while [ ! -e %s ]; do sleep 0.02; done; echo A", go_a);
	snprintf(cmds[1], sizeof(cmds[1]), "echo B");
	snprintf(cmds[2], sizeof(cmds[2]),
		 "while [ ! -e %s ]; do sleep 0.02; done; echo C", go_c);
	assert_int_equal(cp_run_pool_new(&pool, 3, &err), 0);
	for (i = 0; i < 3; i++) {
		spec.shell = cmds[i];
		assert_int_equal(cp_run_start(pool, &spec, &ids[i], &err), 0);
	}
	assert_int_equal(cp_run_running(pool), 3);
	spec.shell = NULL;
	spec.argv = true_argv;
	assert_int_equal(cp_run_start(pool, &spec, NULL, &err), CP_ERR_USAGE);
	for (i = 0; i < 3; i++) {
		assert_int_equal(cp_run_wait(pool, &res, &err), 0);
		assert_int_equal(res.id, ids[order[i]]);
		assert_string_equal(res.tail, expect[i]);
		assert_int_equal(cp_run_running(pool), 2 - i);
		cp_run_result_dispose(&res);
		fd = open(i == 0 ? go_c : go_a, O_WRONLY | O_CREAT, 0644);
		assert_true(fd >= 0);
		close(fd);
	}
	assert_int_equal(cp_run_wait(pool, &res, &err), CP_ERR_USAGE);
	cp_run_pool_free(pool);
	assert_no_children();
}

static void per_child_timeouts(void **state)
{
	struct cp_run_spec slow = { .shell = "sleep 5", .timeout_ms = 200 };
	struct cp_run_spec fast = { .shell = "sleep 1.5; echo fine",
				    .timeout_ms = 10000 };
	struct cp_run_pool *pool;
	struct cp_run_result res;
	struct cp_error err;
	int slow_id, fast_id;

	(void)state;
	assert_int_equal(cp_run_pool_new(&pool, 2, &err), 0);
	assert_int_equal(cp_run_start(pool, &slow, &slow_id, &err), 0);
	assert_int_equal(cp_run_start(pool, &fast, &fast_id, &err), 0);
	assert_int_equal(cp_run_wait(pool, &res, &err), 0);
	assert_int_equal(res.id, slow_id);
	assert_true(res.status.timed_out);
	cp_run_result_dispose(&res);
	assert_int_equal(cp_run_wait(pool, &res, &err), 0);
	assert_int_equal(res.id, fast_id);
	assert_false(res.status.timed_out);
	assert_string_equal(res.tail, "fine\n");
	cp_run_result_dispose(&res);
	cp_run_pool_free(pool);
}

/* Without pidfds (old kernels) the pool polls; results are the same. */
static void works_without_pidfds(void **state)
{
	struct cp_run_spec fast = { .shell = "sleep 0.2; echo fast; exit 3" };
	struct cp_run_spec slow = { .shell = "trap '' TERM; sleep 987",
				    .timeout_ms = 300, .grace_ms = 200 };
	struct cp_run_pool *pool;
	struct cp_run_result res;
	struct cp_error err;

	(void)state;
	setenv("CULPRIT_NO_PIDFD", "1", 1);
	assert_int_equal(cp_run_pool_new(&pool, 2, &err), 0);
	unsetenv("CULPRIT_NO_PIDFD");
	assert_int_equal(cp_run_start(pool, &slow, NULL, &err), 0);
	assert_int_equal(cp_run_start(pool, &fast, NULL, &err), 0);
	assert_int_equal(cp_run_wait(pool, &res, &err), 0);
	assert_int_equal(res.status.exit_code, 3);
	assert_string_equal(res.tail, "fast\n");
	cp_run_result_dispose(&res);
	assert_int_equal(cp_run_wait(pool, &res, &err), 0);
	assert_true(res.status.timed_out);
	assert_int_equal(res.status.signal, SIGKILL);
	assert_true(group_gone_within(res.pid, 2000));
	cp_run_result_dispose(&res);
	cp_run_pool_free(pool);
	assert_no_children();
}

static struct cp_run_pool *alarm_pool;

static void on_alarm(int sig)
{
	(void)sig;
	cp_run_pool_cancel(alarm_pool);
}

static void cancel_from_signal_handler(void **state)
{
	struct cp_run_spec spec = { .shell = "sleep 100", .grace_ms = 200 };
	struct cp_run_spec stubborn = {
		.shell = "trap '' TERM; while :; do sleep 0.05; done",
		.grace_ms = 200,
	};
	struct itimerval it = { { 0, 0 }, { 0, 200000 } };
	struct sigaction sa;
	struct cp_run_result res;
	struct cp_error err;
	pid_t pids[2];
	int i;

	(void)state;
	assert_int_equal(cp_run_pool_new(&alarm_pool, 2, &err), 0);
	assert_int_equal(cp_run_start(alarm_pool, &spec, NULL, &err), 0);
	assert_int_equal(cp_run_start(alarm_pool, &stubborn, NULL, &err), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	assert_false(cp_run_pool_cancelled(alarm_pool));
	setitimer(ITIMER_REAL, &it, NULL);
	for (i = 0; i < 2; i++) {
		assert_int_equal(cp_run_wait(alarm_pool, &res, &err), 0);
		assert_true(res.status.cancelled);
		assert_false(res.status.timed_out);
		assert_true(res.duration_ns < 3000ULL * 1000000);
		pids[i] = res.pid;
		cp_run_result_dispose(&res);
	}
	assert_true(cp_run_pool_cancelled(alarm_pool));
	cp_run_pool_free(alarm_pool);
	signal(SIGALRM, SIG_DFL);
	for (i = 0; i < 2; i++)
		assert_true(group_gone_within(pids[i], 2000));
	assert_no_children();
}

static void free_kills_running_children(void **state)
{
	char pid_file[512], cmd[1024];
	struct cp_run_spec spec = { .grace_ms = 200 };
	struct cp_run_pool *pool;
	struct cp_error err;
	pid_t bg;

	(void)state;
	snprintf(pid_file, sizeof(pid_file), "%s/free", tmp);
	snprintf(cmd, sizeof(cmd), "sleep 987 & echo $! > %s; wait", pid_file);
	spec.shell = cmd;
	assert_int_equal(cp_run_pool_new(&pool, 2, &err), 0);
	assert_int_equal(cp_run_start(pool, &spec, NULL, &err), 0);
	bg = read_pid_file(pid_file, 2000);
	assert_true(bg > 0);
	cp_run_pool_free(pool);
	assert_true(proc_gone_within(bg, 2000));
	assert_no_children();
}

/* culprit killed by SIGKILL: its children and grandchildren must die. */
static void children_die_with_culprit(void **state)
{
	char leader_file[512], bg_file[512], cmd[1200];
	pid_t culprit, leader, bg;
	int status;

	(void)state;
	snprintf(leader_file, sizeof(leader_file), "%s/leader", tmp);
	snprintf(bg_file, sizeof(bg_file), "%s/grandchild", tmp);
	snprintf(cmd, sizeof(cmd),
		 "echo $$ > %s; sleep 987 & echo $! > %s; wait",
		 leader_file, bg_file);
	culprit = fork();
	assert_true(culprit >= 0);
	if (culprit == 0) {
		struct cp_run_spec spec = { .shell = cmd };
		struct cp_run_pool *pool;

		if (cp_run_pool_new(&pool, 1, NULL) ||
		    cp_run_start(pool, &spec, NULL, NULL))
			_exit(1);
		for (;;)
			pause();
	}
	leader = read_pid_file(leader_file, 3000);
	bg = read_pid_file(bg_file, 3000);
	assert_true(leader > 0 && bg > 0);
	assert_true(proc_alive(leader) && proc_alive(bg));
	kill(culprit, SIGKILL);
	assert_int_equal(waitpid(culprit, &status, 0), culprit);
	assert_true(proc_gone_within(leader, 3000));
	assert_true(proc_gone_within(bg, 3000));
	assert_no_children();
}

static void tail_keeps_last_bytes(void **state)
{
	struct cp_run_spec spec = {
		.shell = "i=0; while [ $i -lt 100 ]; do echo line$i; i=$((i+1)); done",
		.tail_max = 16,
	};
	struct cp_run_result res;
	struct cp_error err;

	(void)state;
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_int_equal(res.tail_len, 16);
	assert_string_equal(res.tail, "7\nline98\nline99\n");
	assert_true(res.tail_truncated);
	cp_run_result_dispose(&res);
}

static void output_files_are_capped(void **state)
{
	char out[512], errp[512];
	struct cp_run_spec spec = {
		.shell = "head -c 100000 /dev/zero | tr '\\0' a; echo err >&2",
		.stdout_path = out,
		.stderr_path = errp,
		.file_max = 1000,
	};
	const char *note = "\n[culprit: output cut after 1000 bytes]\n";
	struct cp_run_result res;
	struct cp_error err;
	struct stat sb;
	const char *text;

	(void)state;
	snprintf(out, sizeof(out), "%s/capped-out", tmp);
	snprintf(errp, sizeof(errp), "%s/capped-err", tmp);
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_true(res.output_cut);
	assert_int_equal(res.stdout_bytes, 100000);
	assert_int_equal(stat(out, &sb), 0);
	assert_int_equal(sb.st_size, 1000 + strlen(note));
	text = slurp(out);
	assert_string_equal(text + 1000, note);
	assert_string_equal(slurp(errp), "err\n");
	assert_string_equal(res.tail + res.tail_len - 4, "err\n");
	assert_int_equal(res.status.failure[0], '\0');
	cp_run_result_dispose(&res);
}

/* A full disk: the child runs on, the run is an infra problem. */
static void saving_output_fails(void **state)
{
	struct cp_run_spec spec = {
		.shell = "echo one; echo two >&2; echo three",
		.stdout_path = "/dev/full",
	};
	struct cp_run_result res;
	struct cp_error err;
	char buf[400];

	(void)state;
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_int_equal(res.status.exit_code, 0);
	assert_string_equal(res.status.failure,
			    "saving output to '/dev/full': No space left on device");
	/* Two pipes: the streams may interleave either way in the tail. */
	assert_int_equal(res.tail_len, 14);
	assert_non_null(strstr(res.tail, "two\n"));
	assert_non_null(strstr(res.tail, "one\n"));
	assert_int_equal(res.stdout_bytes, 10);
	assert_int_equal(cp_run_classify(CP_STEP_TEST, &res.status, NULL, buf,
					 sizeof(buf)), CP_OUTCOME_INFRA);
	assert_string_equal(buf, "infra problem: saving output to '/dev/full': "
			    "No space left on device");
	cp_run_result_dispose(&res);
}

/* Someone else's waitpid() takes the child: no hang, no spin, a failure. */
static void child_reaped_elsewhere(void **state)
{
	char pid_file[512], cmd[1024];
	struct cp_run_spec spec = { .timeout_ms = 10000 };
	struct cp_run_pool *pool;
	struct cp_run_result res;
	struct cp_error err;
	struct rusage before, after;
	pid_t pid;

	(void)state;
	snprintf(pid_file, sizeof(pid_file), "%s/reaped", tmp);
	snprintf(cmd, sizeof(cmd), "echo $$ > %s; sleep 0.3", pid_file);
	spec.shell = cmd;
	assert_int_equal(cp_run_pool_new(&pool, 1, &err), 0);
	assert_int_equal(cp_run_start(pool, &spec, NULL, &err), 0);
	pid = read_pid_file(pid_file, 2000);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	getrusage(RUSAGE_SELF, &before);
	assert_int_equal(cp_run_wait(pool, &res, &err), 0);
	getrusage(RUSAGE_SELF, &after);
	assert_string_equal(res.status.failure, "the child was reaped elsewhere");
	/* Waiting did not burn CPU. */
	assert_true(after.ru_utime.tv_sec - before.ru_utime.tv_sec < 1);
	cp_run_result_dispose(&res);
	cp_run_pool_free(pool);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Many children, failures among them: no descriptor or process leaks. */
static void many_children_no_leaks(void **state)
{
	const char *missing[] = { "culprit-no-such-program", NULL };
	struct cp_run_spec ok = { .shell = "echo hi", .timeout_ms = 10000 };
	struct cp_run_spec slow = { .shell = "sleep 10", .timeout_ms = 50,
				    .grace_ms = 100 };
	struct cp_run_spec bad = { .argv = missing };
	struct cp_run_pool *pool;
	struct cp_run_result res;
	struct cp_error err;
	int before, started = 0, finished = 0, timed_out = 0, i;

	(void)state;
	before = count_fds();
	assert_int_equal(cp_run_pool_new(&pool, 4, &err), 0);
	for (i = 0; i < 60; i++) {
		const struct cp_run_spec *spec =
			i % 10 == 3 ? &bad : i % 10 == 7 ? &slow : &ok;

		if (cp_run_running(pool) == 4) {
			assert_int_equal(cp_run_wait(pool, &res, &err), 0);
			finished++;
			timed_out += res.status.timed_out;
			cp_run_result_dispose(&res);
		}
		if (spec == &bad) {
			assert_int_equal(cp_run_start(pool, spec, NULL, &err),
					 CP_ERR_CHILD);
			continue;
		}
		assert_int_equal(cp_run_start(pool, spec, NULL, &err), 0);
		started++;
	}
	while (cp_run_running(pool)) {
		assert_int_equal(cp_run_wait(pool, &res, &err), 0);
		finished++;
		timed_out += res.status.timed_out;
		cp_run_result_dispose(&res);
	}
	assert_int_equal(finished, started);
	assert_int_equal(timed_out, 6);
	cp_run_pool_free(pool);
	assert_int_equal(count_fds(), before);
	assert_no_children();
}

/* Descriptors culprit opened without O_CLOEXEC do not reach children. */
static void children_inherit_no_descriptors(void **state)
{
	const char *argv[] = { "sh", "-c", "ls /proc/$$/fd", NULL };
	struct cp_run_spec spec = { .argv = argv };
	struct cp_run_result res;
	struct cp_error err;
	int fd;

	(void)state;
	fd = open("/dev/null", O_RDONLY);	/* no O_CLOEXEC on purpose */
	assert_true(fd >= 0);
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	assert_string_equal(res.tail, "0\n1\n2\n");
	cp_run_result_dispose(&res);
	close(fd);
}

/*
 * A daemon that left the group (setsid) escapes the kill and holds the
 * pipe: the run still ends, after a short drain.
 */
static void escaped_daemon_does_not_hang(void **state)
{
	char pid_file[512], cmd[1024];
	struct cp_run_spec spec = { .timeout_ms = 20000 };
	struct cp_run_result res;
	struct cp_error err;
	struct timespec t0, t1;
	pid_t daemon_pid;

	(void)state;
	snprintf(pid_file, sizeof(pid_file), "%s/daemon", tmp);
	snprintf(cmd, sizeof(cmd), "setsid sleep 987 & echo $! > %s; echo ok",
		 pid_file);
	spec.shell = cmd;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(cp_run_one(&spec, &res, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(res.status.exit_code, 0);
	assert_string_equal(res.tail, "ok\n");
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	cp_run_result_dispose(&res);
	daemon_pid = read_pid_file(pid_file, 1000);
	assert_true(daemon_pid > 0);
	kill(daemon_pid, SIGKILL);	/* the documented limit; clean up */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exit_codes),
		cmocka_unit_test(signals),
		cmocka_unit_test(shell_versus_argv),
		cmocka_unit_test(env_cwd_and_stdin),
		cmocka_unit_test(output_files),
		cmocka_unit_test(missing_program),
		cmocka_unit_test(timeout_kills_group),
		cmocka_unit_test(background_children_do_not_leak),
		cmocka_unit_test(parallel_out_of_order),
		cmocka_unit_test(per_child_timeouts),
		cmocka_unit_test(works_without_pidfds),
		cmocka_unit_test(cancel_from_signal_handler),
		cmocka_unit_test(free_kills_running_children),
		cmocka_unit_test(children_die_with_culprit),
		cmocka_unit_test(tail_keeps_last_bytes),
		cmocka_unit_test(output_files_are_capped),
		cmocka_unit_test(saving_output_fails),
		cmocka_unit_test(child_reaped_elsewhere),
		cmocka_unit_test(many_children_no_leaks),
		cmocka_unit_test(children_inherit_no_descriptors),
		cmocka_unit_test(escaped_daemon_does_not_hang),
		cmocka_unit_test(huge_output_bounded_memory),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
