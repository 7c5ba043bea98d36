/*
 * Starting one child: argv or /bin/sh -c, a new process group, death with
 * culprit, stdin from /dev/null, output to the given pipes, extra
 * environment, working directory.
 *
 * Parent and child talk over a close-on-exec socket pair: the child waits
 * for "go", sent once its group is registered with the watchdog (so nothing
 * it starts can outlive a SIGKILLed culprit); exec failures come back the
 * other way, so "cannot run 'x'" is an error of cp_run_start() and not a
 * mysterious exit status 127.
 */
#include "run/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum child_stage {
	STAGE_SETUP = 1,
	STAGE_CHDIR,
	STAGE_EXEC,
};

struct child_failure {
	int stage;
	int error;
};

/* Length of the NAME in "NAME=value", or the whole string without '='. */
static size_t env_name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');

	return eq ? (size_t)(eq - entry) : strlen(entry);
}

static bool env_overridden(const char *entry, const char *const *extra)
{
	size_t n = env_name_len(entry);

	for (; extra && *extra; extra++)
		if (env_name_len(*extra) == n && !strncmp(*extra, entry, n))
			return true;
	return false;
}

/* culprit's environment minus the overridden names, plus extra. */
static char **build_envp(const char *const *extra)
{
	size_t n = 0, k = 0, i;
	char **envp;

	for (i = 0; environ && environ[i]; i++)
		n++;
	for (i = 0; extra && extra[i]; i++)
		n++;
	envp = calloc(n + 1, sizeof(*envp));
	if (!envp)
		return NULL;
	for (i = 0; environ && environ[i]; i++)
		if (!env_overridden(environ[i], extra))
			envp[k++] = environ[i];
	for (i = 0; extra && extra[i]; i++)
		envp[k++] = (char *)extra[i];
	envp[k] = NULL;
	return envp;
}

static const char *search_path(const char *const *extra)
{
	const char *path = NULL;

	for (; extra && *extra; extra++)
		if (!strncmp(*extra, "PATH=", 5))
			path = *extra + 5;
	if (!path)
		path = getenv("PATH");
	return path ? path : "/usr/local/bin:/usr/bin:/bin";
}

/*
 * Resolves a program name like execvp() would, in the parent, so the child
 * only calls execve().  Returns 0 or an errno value.
 */
static int resolve_program(const char *name, const char *const *extra,
			   char *out, size_t size)
{
	const char *p, *dirs;
	int saw_eacces = 0;
	struct stat sb;

	if (!*name)
		return ENOENT;
	if (strchr(name, '/')) {
		if ((size_t)snprintf(out, size, "%s", name) >= size)
			return ENAMETOOLONG;
		return 0;
	}
	dirs = search_path(extra);
	for (p = dirs;; p++) {
		const char *end = strchr(p, ':');
		size_t dlen = end ? (size_t)(end - p) : strlen(p);
		int n;

		if (dlen == 0)
			n = snprintf(out, size, "%s", name);
		else
			n = snprintf(out, size, "%.*s/%s", (int)dlen, p, name);
		if (n > 0 && (size_t)n < size && stat(out, &sb) == 0 &&
		    S_ISREG(sb.st_mode)) {
			if (access(out, X_OK) == 0)
				return 0;
			saw_eacces = 1;
		}
		if (!end)
			break;
		p = end;
	}
	return saw_eacces ? EACCES : ENOENT;
}

static void report_and_exit(int fd, int stage)
{
	struct child_failure f = { stage, errno };
	ssize_t r;

	do
		r = write(fd, &f, sizeof(f));
	while (r < 0 && errno == EINTR);
	_exit(127);
}

/* Moves fd above 2 so the dup2() onto 0..2 cannot clobber it. */
static int lift_fd(int fd)
{
	return fd > 2 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/* Runs in the child between fork() and execve(): async-signal-safe only. */
static void child_main(const char *cwd, const char *path, char *const argv[],
		       char *const envp[], int out_fd, int err_fd,
		       int report_fd, pid_t parent)
{
	struct sigaction dfl;
	sigset_t none;
	int null_fd, sig;
	ssize_t r;
	char go;

	if (setpgid(0, 0) < 0)
		report_and_exit(report_fd, STAGE_SETUP);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		report_and_exit(report_fd, STAGE_SETUP);
	if (getppid() != parent)
		_exit(127);	/* culprit died before the prctl */
	/* EOF instead of "go": culprit died before registering us. */
	do
		r = read(report_fd, &go, 1);
	while (r < 0 && errno == EINTR);
	if (r != 1)
		_exit(127);

	/* Ignored signals survive exec: give the child clean defaults. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	out_fd = lift_fd(out_fd);
	err_fd = lift_fd(err_fd);
	report_fd = lift_fd(report_fd);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (report_fd < 0)
		_exit(127);
	if (out_fd < 0 || err_fd < 0 || null_fd < 0)
		report_and_exit(report_fd, STAGE_SETUP);
	null_fd = lift_fd(null_fd);
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    dup2(err_fd, 2) < 0)
		report_and_exit(report_fd, STAGE_SETUP);

	if (cwd && chdir(cwd) < 0)
		report_and_exit(report_fd, STAGE_CHDIR);

	/* Descriptors culprit opened without O_CLOEXEC stay with culprit. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);

	execve(path, argv, envp);
	report_and_exit(report_fd, STAGE_EXEC);
}

static int read_failure(int fd, struct child_failure *f)
{
	size_t got = 0;
	ssize_t r;

	while (got < sizeof(*f)) {
		r = read(fd, (char *)f + got, sizeof(*f) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got == sizeof(*f);
}

static int failure_error(const struct child_failure *f, const char *shown,
			 const char *cwd, struct cp_error *err)
{
	switch (f->stage) {
	case STAGE_CHDIR:
		return cp_error_set(err, CP_ERR_CHILD,
				    "cannot run '%s': working directory '%s': %s",
				    shown, cwd, strerror(f->error));
	case STAGE_EXEC:
		return cp_error_set(err, CP_ERR_CHILD, "cannot run '%s': %s",
				    shown, strerror(f->error));
	default:
		return cp_error_set(err, CP_ERR_CHILD,
				    "cannot run '%s': setting up the child: %s",
				    shown, strerror(f->error));
	}
}

int cp_run__spawn(const struct cp_run_spec *spec, int out_fd, int err_fd,
		  struct cp_watchdog *w, pid_t *pid_out, struct cp_error *err)
{
	const char *sh_argv[] = { "/bin/sh", "-c", NULL, NULL };
	char *const *argv;
	char path[PATH_MAX];
	struct child_failure f;
	char **envp = NULL;
	int chan[2] = { -1, -1 };	/* [0] ours, [1] the child's */
	pid_t parent = getpid(), pid;
	int e, ret;

	if (spec->shell) {
		sh_argv[2] = spec->shell;
		argv = (char *const *)sh_argv;
	} else {
		if (!spec->argv || !spec->argv[0])
			return cp_error_set(err, CP_ERR_USAGE,
					    "nothing to run: empty command");
		argv = (char *const *)spec->argv;
	}
	e = resolve_program(argv[0], spec->env, path, sizeof(path));
	if (e)
		return cp_error_set(err, CP_ERR_CHILD, "cannot run '%s': %s",
				    argv[0], strerror(e));

	envp = build_envp(spec->env);
	if (!envp)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, chan) < 0) {
		ret = cp_error_set(err, CP_ERR_CHILD, "socketpair: %s",
				   strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = cp_error_set(err, CP_ERR_CHILD, "cannot run '%s': fork: %s",
				   argv[0], strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(chan[0]);
		child_main(spec->cwd, path, argv, envp, out_fd, err_fd,
			   chan[1], parent);
	}
	close(chan[1]);
	chan[1] = -1;

	/* Both sides set the group, so no signal can race the child's. */
	setpgid(pid, pid);
	if (w)
		cp_watchdog__add(w, pid);
	/* A child that already failed is not there to read: no SIGPIPE. */
	while (send(chan[0], "g", 1, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
	if (read_failure(chan[0], &f)) {
		if (w)
			cp_watchdog__remove(w, pid);	/* before the pid is freed */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		ret = failure_error(&f, argv[0], spec->cwd, err);
		goto out;
	}
	*pid_out = pid;
	ret = 0;
out:
	if (chan[0] >= 0)
		close(chan[0]);
	if (chan[1] >= 0)
		close(chan[1]);
	free(envp);
	return ret;
}
