#include "util/fs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cp_mkdir_p(const char *path, struct cp_error *err)
{
	char buf[PATH_MAX];
	size_t i, n = strlen(path);

	if (n >= sizeof(buf))
		return cp_error_set(err, CP_ERR_IO, "path too long: %s", path);
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];

			buf[i] = '\0';
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return cp_error_set(err, CP_ERR_IO, "cannot create %s: %s",
						    buf, strerror(errno));
			buf[i] = c;
		}
	}
	return 0;
}

int cp_read_file(const char *path, char **buf, size_t *len, struct cp_error *err)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, n, got = 0;
	char *b = NULL;

	*buf = NULL;
	if (len)
		*len = 0;
	if (!f)
		return cp_error_set(err, CP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	for (;;) {
		if (got + 1 >= cap) {
			char *p = realloc(b, cap ? cap * 2 : 65536);

			if (!p) {
				free(b);
				fclose(f);
				return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			}
			b = p;
			cap = cap ? cap * 2 : 65536;
		}
		n = fread(b + got, 1, cap - got - 1, f);
		if (!n)
			break;
		got += n;
	}
	if (ferror(f)) {
		free(b);
		fclose(f);
		return cp_error_set(err, CP_ERR_IO, "cannot read %s", path);
	}
	fclose(f);
	b[got] = '\0';
	*buf = b;
	if (len)
		*len = got;
	return 0;
}

int cp_write_file(const char *path, const char *text, struct cp_error *err)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (!f)
		return cp_error_set(err, CP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	bad = fputs(text, f) < 0;
	bad |= fclose(f) != 0;
	if (bad)
		return cp_error_set(err, CP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	return 0;
}
