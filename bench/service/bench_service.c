/*
 * The results service benchmark's measuring half (run.sh drives it):
 *   bench_service gen DIR N STORE     N output directories under DIR, imported into STORE
 *   bench_service dirs DIR ITER       the list read from the directories (the baseline)
 *   bench_service store STORE ITER    the same list from the store
 *   bench_service http PORT PATH ITER GETs of PATH from culprit serve on 127.0.0.1:PORT
 * Each measuring mode prints "p50_ms p99_ms" of its iterations.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output/summary.h"
#include "store/store.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void print_percentiles(double *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("%.3f %.3f\n", t[n / 2], t[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1]);
}

static void hex(unsigned long v, char *out)
{
	int i;

	for (i = 0; i < 40; i++)
		out[i] = "0123456789abcdef"[(v * 2654435761u + (unsigned long)i * 40503u) % 16];
	out[40] = '\0';
}

static int gen(const char *root, int n, const char *where)
{
	static const char *kinds[] = { "KASAN: use-after-free Read in", "WARNING in", "BUG: unable to handle kernel paging request in",
				       "general protection fault in", "INFO: task hung in" };
	static const char *states[] = { "done", "done", "done", "failed", "interrupted", "running" };
	struct cp_store *st;
	struct cp_error err;
	char dir[4096], path[4200], a[41], b[41], c[41];
	int i, k;
	FILE *f;

	mkdir(root, 0755);
	if (cp_store_open(where, &st, &err)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/b%05d", root, i);
		mkdir(dir, 0755);
		snprintf(path, sizeof(path), "%s/result.json", dir);
		f = fopen(path, "w");
		if (!f)
			return 1;
		hex((unsigned long)i * 3 + 1, a);
		hex((unsigned long)i * 3 + 2, b);
		fprintf(f, "{\"version\":1,\"mode\":\"cause\",\"status\":\"found\",\"target\":\"%s func_%d\","
			"\"culprit\":{\"commit\":\"%s\",\"subject\":\"subsys: change number %d\"},"
			"\"job\":{\"repo\":\"/git/tree%d\",\"bad\":\"%s\"},\"confidence\":0.%02d,\"tested\":[",
			kinds[i % 5], i % 997, b, i, i % 7, a, 50 + i % 50);
		/* a dozen tested commits, as a kernel bisection has */
		for (k = 0; k < 12; k++) {
			hex((unsigned long)i * 100 + (unsigned long)k, c);
			fprintf(f, "%s{\"commit\":\"%s\",\"label\":\"\",\"verdict\":\"%s\",\"build\":{\"ok\":true,"
				"\"duration_s\":300},\"runs\":[{\"index\":0,\"outcome\":\"%s\",\"duration_s\":60},"
				"{\"index\":1,\"outcome\":\"OK\",\"duration_s\":60}]}", k ? "," : "", k == 11 ? b : c,
				k % 2 ? "clean" : "crashed", k % 2 ? "OK" : "crashed: x");
		}
		fputs("]}\n", f);
		if (fclose(f))
			return 1;
		if (cp_store_put_dir(st, dir, states[i % 6], NULL, &err)) {
			fprintf(stderr, "bench: %s\n", err.msg);
			return 1;
		}
	}
	cp_store_close(st);
	return 0;
}

struct entry {
	double mtime;
	json_t *row;
};

static int newest_first(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->mtime < y->mtime ? 1 : x->mtime > y->mtime ? -1 : 0;
}

/* What a page of the list costs without a store: every directory read, sorted, the first 100 kept. */
static int list_dirs(const char *root, size_t *count)
{
	struct entry *e = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	struct cp_summary s;
	struct cp_error err;
	char dir[4096], path[4200];
	struct stat sb;
	json_t *out = json_array();
	char *text;
	DIR *d = opendir(root);

	if (!d || !out)
		return 1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", root, de->d_name);
		if (cp_summary_load(dir, &s, &err))
			continue;
		snprintf(path, sizeof(path), "%s/result.json", dir);
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			e = realloc(e, cap * sizeof(*e));
			if (!e)
				return 1;
		}
		e[n].mtime = stat(path, &sb) ? 0 : sb.st_mtim.tv_sec + sb.st_mtim.tv_nsec / 1e9;
		e[n].row = json_pack("{s:s,s:s?,s:s?,s:s?,s:f}", "dir", dir, "title", s.target, "repo", s.repo,
				     "culprit", s.culprit, "confidence", s.confidence);
		n++;
		cp_summary_dispose(&s);
	}
	closedir(d);
	qsort(e, n, sizeof(*e), newest_first);
	for (i = 0; i < n; i++) {
		if (i < 100)
			json_array_append(out, e[i].row);
		json_decref(e[i].row);
	}
	text = json_dumps(out, JSON_COMPACT);
	free(text);
	json_decref(out);
	free(e);
	*count = n;
	return 0;
}

static int http_get(unsigned port, const char *path, size_t *bytes)
{
	struct sockaddr_in a = { 0 };
	char buf[65536];
	ssize_t k;
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		if (fd >= 0)
			close(fd);
		return 1;
	}
	snprintf(buf, sizeof(buf), "GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n", path);
	ok = write(fd, buf, strlen(buf)) == (ssize_t)strlen(buf);
	*bytes = 0;
	while (ok && (k = read(fd, buf, sizeof(buf))) > 0) {
		if (!*bytes && strncmp(buf, "HTTP/1.0 200", 12) && strncmp(buf, "HTTP/1.1 200", 12))
			ok = 0;
		*bytes += (size_t)k;
	}
	close(fd);
	return !ok;
}

int main(int argc, char **argv)
{
	struct cp_store *st = NULL;
	struct cp_error oerr;
	int iter, i;
	double *t, t0;

	if (argc == 5 && !strcmp(argv[1], "gen"))
		return gen(argv[2], atoi(argv[3]), argv[4]);
	if (argc < 4)
		goto usage;
	iter = atoi(argv[argc - 1]);
	if (iter < 1 || !(t = calloc((size_t)iter, sizeof(*t))))
		goto usage;
	/* one connection for every query, as culprit serve keeps */
	if (!strcmp(argv[1], "store") && cp_store_open(argv[2], &st, &oerr)) {
		fprintf(stderr, "bench: %s\n", oerr.msg);
		return 1;
	}
	for (i = 0; i < iter; i++) {
		size_t n = 0;
		int bad;

		t0 = now_ms();
		if (!strcmp(argv[1], "dirs") && argc == 4) {
			bad = list_dirs(argv[2], &n);
		} else if (!strcmp(argv[1], "store") && argc == 4) {
			struct cp_store_filter f = { 0 };
			struct cp_error err;
			json_t *rows;
			char *text;

			bad = cp_store_list(st, &f, &rows, &n, &err);
			if (!bad) {
				text = json_dumps(rows, JSON_COMPACT);
				free(text);
				json_decref(rows);
			}
		} else if (!strcmp(argv[1], "http") && argc == 5) {
			bad = http_get((unsigned)atoi(argv[2]), argv[3], &n);
		} else {
			goto usage;
		}
		t[i] = now_ms() - t0;
		if (bad) {
			fprintf(stderr, "bench: %s failed\n", argv[1]);
			return 1;
		}
	}
	print_percentiles(t, iter);
	free(t);
	cp_store_close(st);
	return 0;
usage:
	fprintf(stderr, "usage: bench_service gen DIR N STORE | dirs DIR ITER | store STORE ITER | http PORT PATH ITER\n");
	return 2;
}
