/* Handing a composed message on: an mbox file, or a sendmail-compatible program. */
#include "mail/mail.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int cp_mail_to_mbox(const char *path, const char *msg, time_t date, struct cp_error *err)
{
	char stamp[64];
	struct tm tm;
	const char *p, *nl;
	FILE *f;
	int fd, bad;

	gmtime_r(&date, &tm);
	strftime(stamp, sizeof(stamp), "%a %b %e %H:%M:%S %Y", &tm);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return cp_error_set(err, CP_ERR_IO, "mail: cannot open %s: %s", path, strerror(errno));
	/* two culprit processes appending at once must not interleave messages */
	if (flock(fd, LOCK_EX) || !(f = fdopen(fd, "a"))) {
		close(fd);
		return cp_error_set(err, CP_ERR_IO, "mail: cannot lock %s", path);
	}
	fprintf(f, "From culprit@localhost %s\n", stamp);
	for (p = msg; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		/* mboxrd: a body line ">*From " gains one '>' */
		if (!strncmp(p + strspn(p, ">"), "From ", 5))
			fputc('>', f);
		if (!nl) {
			fputs(p, f);
			fputc('\n', f);
			break;
		}
		fwrite(p, 1, (size_t)(nl - p + 1), f);
	}
	fputc('\n', f);
	bad = ferror(f);
	if (fclose(f) || bad)
		return cp_error_set(err, CP_ERR_IO, "mail: writing %s failed", path);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cp_mail_to_command(const char *const *argv, unsigned timeout_s, const char *msg,
		       struct cp_error *err)
{
	size_t len = strlen(msg), done = 0;
	long long deadline = now_ms() + (long long)timeout_s * 1000;
	struct pollfd pfd;
	int fds[2], status = 0, timed_out = 0;
	void (*old)(int);
	ssize_t k;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return cp_error_set(err, CP_ERR_CHILD, "mail: pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return cp_error_set(err, CP_ERR_CHILD, "mail: fork: %s", strerror(errno));
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(fds[0], 0);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[0]);
	old = signal(SIGPIPE, SIG_IGN);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	while (done < len && !timed_out) {
		long long left = deadline - now_ms();

		pfd.fd = fds[1];
		pfd.events = POLLOUT;
		if (left <= 0 || poll(&pfd, 1, (int)(left > 1000 ? 1000 : left)) < 0) {
			timed_out = left <= 0;
			if (!timed_out && errno != EINTR)
				break;
			continue;
		}
		k = write(fds[1], msg + done, len - done);
		if (k < 0 && errno != EAGAIN && errno != EINTR)
			break;
		if (k > 0)
			done += (size_t)k;
	}
	close(fds[1]);
	signal(SIGPIPE, old);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return cp_error_set(err, CP_ERR_CHILD, "mail: waiting for %s failed", argv[0]);
		if (now_ms() >= deadline) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(10000);
	}
	if (timed_out)
		return cp_error_set(err, CP_ERR_CHILD, "mail: %s did not finish in %us (killed)", argv[0], timeout_s);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return cp_error_set(err, CP_ERR_CHILD, "mail: %s failed (status %d)", argv[0],
				    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	if (done < len)
		return cp_error_set(err, CP_ERR_CHILD, "mail: %s stopped reading the message", argv[0]);
	return 0;
}
