/* One culprit per output directory: flock() on <dir>/lock. */
#include "run/dirlock.h"

#include <errno.h>
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

int cp_dirlock_acquire(int *fd_out, const char *dir, struct cp_error *err)
{
	char path[4096], pid[32];
	long holder;
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
		if (errno == EWOULDBLOCK) {
			holder = holder_pid(fd);
			close(fd);
			if (holder > 0)
				return cp_error_set(err, CP_ERR_LOCKED,
						    "output directory '%s' is in use by another culprit (pid %ld)",
						    dir, holder);
			return cp_error_set(err, CP_ERR_LOCKED,
					    "output directory '%s' is in use by another culprit",
					    dir);
		}
		close(fd);
		return cp_error_set(err, CP_ERR_IO, "cannot lock '%s': %s", path,
				    strerror(errno));
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
