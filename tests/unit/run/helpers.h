/* Small helpers shared by the executor tests. */
#ifndef CULPRIT_TESTS_RUN_HELPERS_H
#define CULPRIT_TESTS_RUN_HELPERS_H

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* True when pid exists and is not a zombie. */
static inline bool proc_alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* Number of live (non-zombie) processes in process group pgid. */
static inline int group_alive(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int count = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[300], buf[512], *p;
		int pid, ppid, pgrp;
		char state;
		FILE *f;
		size_t n;

		pid = atoi(de->d_name);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 1, " %c %d %d", &state, &ppid, &pgrp) != 3)
			continue;
		if (pgrp == pgid && state != 'Z' && state != 'X')
			count++;
	}
	closedir(d);
	return count;
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Waits up to ms for pid to be gone. */
static inline bool proc_gone_within(pid_t pid, long ms)
{
	for (; ms > 0; ms -= 10) {
		if (!proc_alive(pid))
			return true;
		sleep_ms(10);
	}
	return !proc_alive(pid);
}

static inline bool group_gone_within(pid_t pgid, long ms)
{
	for (; ms > 0; ms -= 10) {
		if (group_alive(pgid) == 0)
			return true;
		sleep_ms(10);
	}
	return group_alive(pgid) == 0;
}

/* Reads a whole small file into a static buffer ("" when missing). */
static inline const char *slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* Polls until path holds a number (the shell wrote it), or 0. */
static inline pid_t read_pid_file(const char *path, long ms)
{
	for (; ms > 0; ms -= 10) {
		const char *s = slurp(path);

		if (strchr(s, '\n'))
			return (pid_t)atoi(s);
		sleep_ms(10);
	}
	return 0;
}

static inline char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/culprit-run-XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? strdup(d) : NULL;
}

static inline void remove_tree(const char *dir)
{
	char cmd[512];
	int r;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	r = system(cmd);
	(void)r;
}

#endif
