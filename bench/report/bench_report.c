/*
 * bench_report FILE...: parses each file with the streaming report parser
 * (1 MiB reads) and prints bytes, throughput and peak RSS.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "report/report.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t chunk = 1u << 20;
	char *buf = malloc(chunk);
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
		ssize_t n;
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
		while ((n = read(fd, buf, chunk)) > 0) {
			total += (unsigned long long)n;
			if (cp_report_stream_feed(st, buf, (size_t)n, &err)) {
				fprintf(stderr, "%s: %s\n", argv[i], err.msg);
				break;
			}
		}
		close(fd);
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
