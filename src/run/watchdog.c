/*
 * The watchdog process: kills the children's process groups when culprit
 * dies, even by SIGKILL.  PR_SET_PDEATHSIG only reaches the direct child;
 * the watchdog reaches the grandchildren through their process group.
 *
 * culprit sends it signed pgids over a socket (+pgid: watch, -pgid: done).
 * When the socket closes, culprit is gone (or the pool is freed, and then
 * nothing is watched): the watchdog SIGKILLs what it watches and exits.
 */
#include "run/internal.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void watchdog_main(int fd, pid_t *groups, unsigned max)
{
	struct sigaction ign;
	int32_t v;
	unsigned i, n = 0;
	ssize_t r;
	int sig;

	/*
	 * Drop culprit's handlers; ignore what a terminal or a service
	 * manager sends to culprit's whole group: we go when culprit goes.
	 */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &ign, NULL);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGQUIT, &ign, NULL);
	sigaction(SIGHUP, &ign, NULL);
	sigaction(SIGPIPE, &ign, NULL);
	sigaction(SIGTERM, &ign, NULL);
	prctl(PR_SET_NAME, "culprit-watch");

	for (;;) {
		r = read(fd, &v, sizeof(v));
		if (r < 0 && errno == EINTR)
			continue;
		if (r != (ssize_t)sizeof(v))
			break;
		if (v > 0 && n < max) {
			groups[n++] = v;
		} else if (v < 0) {
			for (i = 0; i < n; i++)
				if (groups[i] == -v) {
					groups[i] = groups[--n];
					break;
				}
		}
	}
	for (i = 0; i < n; i++)
		kill(-groups[i], SIGKILL);
	_exit(0);
}

int cp_watchdog__start(struct cp_watchdog *w, unsigned max_groups,
		       struct cp_error *err)
{
	int sv[2];
	pid_t *groups;
	pid_t pid;

	w->pid = -1;
	w->fd = -1;
	/* Allocated before fork: the watchdog never calls malloc. */
	groups = calloc(max_groups, sizeof(*groups));
	if (!groups)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(groups);
		return cp_error_set(err, CP_ERR_CHILD, "socketpair: %s",
				    strerror(errno));
	}
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(sv[0]);
		close(sv[1]);
		free(groups);
		return cp_error_set(err, CP_ERR_CHILD,
				    "starting the watchdog: fork: %s", strerror(e));
	}
	if (pid == 0) {
		/* Keep only the socket (and stderr): no lock or pipe of
		 * culprit's may outlive it here. */
		if (dup2(sv[1], 3) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		close(0);
		close(1);
		watchdog_main(3, groups, max_groups);
	}
	close(sv[1]);
	free(groups);
	w->pid = pid;
	w->fd = sv[0];
	return 0;
}

static void send_pgid(struct cp_watchdog *w, int32_t v)
{
	ssize_t r;

	if (w->fd < 0)
		return;
	do
		r = send(w->fd, &v, sizeof(v), MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
}

void cp_watchdog__add(struct cp_watchdog *w, pid_t pgid)
{
	send_pgid(w, (int32_t)pgid);
}

void cp_watchdog__remove(struct cp_watchdog *w, pid_t pgid)
{
	send_pgid(w, -(int32_t)pgid);
}

void cp_watchdog__stop(struct cp_watchdog *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (w->pid > 0)
		while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
			;
	w->pid = -1;
}
