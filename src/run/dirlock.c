/* One culprit per output directory: flock() on <dir>/lock. */
#include "run/dirlock.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "run/journal.h"

/* The pid the holder wrote, or 0. */
static long holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* True when pid runs (not a zombie: its descriptors are already gone). */
static bool pid_alive(long pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	if (pid <= 0 || (kill((pid_t)pid, 0) < 0 && errno == ESRCH))
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;	/* no /proc: assume alive */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int refuse(const char *dir, long holder, struct cp_error *err)
{
	if (holder > 0)
		return cp_error_set(err, CP_ERR_LOCKED,
				    "output directory '%s' is in use by another culprit (pid %ld)",
				    dir, holder);
	return cp_error_set(err, CP_ERR_LOCKED,
			    "output directory '%s' is in use by another culprit",
			    dir);
}

/*
 * A culprit killed by SIGKILL may leave, for a few milliseconds, children
 * forked but not yet exec'd that share its lock; they die of
 * PR_SET_PDEATHSIG.  So a lock whose recorded holder is dead is waited for,
 * briefly, instead of refused.
 */
#define ORPHAN_WAIT_MS 3000
#define ORPHAN_POLL_MS 20

int cp_dirlock_acquire(int *fd_out, const char *dir, struct cp_error *err)
{
	char path[4096], pid[32];
	long holder, waited = 0;
	int fd, n;

	*fd_out = -1;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, CP_JOURNAL_LOCK) >=
	    sizeof(path))
		return cp_error_set(err, CP_ERR_IO, "path too long: '%s'", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot open '%s': %s", path,
				    strerror(errno));
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			close(fd);
			return cp_error_set(err, CP_ERR_IO, "cannot lock '%s': %s",
					    path, strerror(errno));
		}
		holder = holder_pid(fd);
		if (holder <= 0 || pid_alive(holder) || waited >= ORPHAN_WAIT_MS) {
			close(fd);
			return refuse(dir, holder, err);
		}
		sleep_ms(ORPHAN_POLL_MS);
		waited += ORPHAN_POLL_MS;
	}
	/* The pid is for the message only; failing to write it is harmless. */
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) < 0)
		(void)0;
	*fd_out = fd;
	return 0;
}

void cp_dirlock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
