/*
 * bench_report FILE...: parses each file with the streaming report parser
 * and prints bytes, throughput (wall and CPU time) and peak RSS.
 *
 * A file is mapped one 1 MiB window at a time and each window is fed as
 * it is, so the parser is timed rather than the copy of read(), and the
 * peak RSS is the parser's own (about one window plus its state).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/report.h"

#define WINDOW (1u << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Feeds fd to st; returns the bytes fed, or -1. */
static long long feed_file(int fd, struct cp_report_stream *st, char *buf)
{
	struct cp_error err;
	struct stat sb;
	long long total = 0;
	ssize_t n;

	if (!fstat(fd, &sb) && S_ISREG(sb.st_mode) && sb.st_size > 0) {
		for (off_t off = 0; off < sb.st_size; off += WINDOW) {
			size_t len = sb.st_size - off < WINDOW ? (size_t)(sb.st_size - off) : WINDOW;
			const char *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, off);
			int rc;

			if (map == MAP_FAILED)
				return -1;
			rc = cp_report_stream_feed(st, map, len, &err);
			munmap((void *)map, len);
			if (rc)
				return -1;
			total += (long long)len;
		}
		return total;
	}
	while ((n = read(fd, buf, WINDOW)) > 0) {
		if (cp_report_stream_feed(st, buf, (size_t)n, &err))
			return -1;
		total += n;
	}
	return n < 0 ? -1 : total;
}

int main(int argc, char **argv)
{
	char *buf = malloc(WINDOW);
	unsigned long long total = 0;
	int crashes = 0, files = 0;
	struct rusage ru;
	double t0, secs, cpu;

	if (argc < 2 || !buf) {
		fprintf(stderr, "usage: bench_report FILE...\n");
		free(buf);
		return 2;
	}
	t0 = now();
	for (int i = 1; i < argc; i++) {
		struct cp_report_stream *st;
		struct cp_report *rep = NULL;
		struct cp_error err;
		long long n;
		int fd = open(argv[i], O_RDONLY);

		if (fd < 0) {
			perror(argv[i]);
			continue;
		}
		if (cp_report_stream_new(&st, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			close(fd);
			free(buf);
			return 1;
		}
		n = feed_file(fd, st, buf);
		close(fd);
		if (n < 0)
			fprintf(stderr, "%s: read or parse failed\n", argv[i]);
		else
			total += (unsigned long long)n;
		if (!cp_report_stream_finish(st, &rep, &err) && rep)
			crashes++;
		cp_report_free(rep);
		cp_report_stream_free(st);
		files++;
	}
	secs = now() - t0;
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	      (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	/* CPU time is what the parser costs; wall time also counts waiting
	 * for the CPU on a busy machine. */
	printf("files: %d  bytes: %llu  crashes: %d  wall: %.3f s (%.1f MB/s)  "
	       "cpu: %.3f s (%.1f MB/s)  peak RSS: %.1f MiB\n",
	       files, total, crashes, secs, secs > 0 ? (double)total / 1e6 / secs : 0.0,
	       cpu, cpu > 0 ? (double)total / 1e6 / cpu : 0.0, (double)ru.ru_maxrss / 1024.0);
	free(buf);
	return 0;
}
