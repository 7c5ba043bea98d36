/*
 * Whole-file reads, atomic writes and copies for the kernel builder.
 */
#include "kernel/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int kn_read_file(const char *path, char **out, size_t *len, struct cp_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *p;
	size_t n = 0, cap = 0, r;

	*out = NULL;
	if (len)
		*len = 0;
	if (!f)
		return cp_error_set(err, CP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 131072;
			p = realloc(buf, cap + 1);
			if (!p) {
				free(buf);
				fclose(f);
				return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			}
			buf = p;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return cp_error_set(err, CP_ERR_IO, "cannot read %s", path);
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

int kn_write_file(const char *path, const char *data, size_t len, struct cp_error *err)
{
	char tmp[PATH_MAX];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return cp_error_set(err, CP_ERR_IO, "path too long: %s", path);
	f = fopen(tmp, "wb");
	if (!f)
		return cp_error_set(err, CP_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
	if (fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		unlink(tmp);
		return cp_error_set(err, CP_ERR_IO, "cannot write %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		return cp_error_set(err, CP_ERR_IO, "cannot rename %s: %s", tmp, strerror(errno));
	}
	return 0;
}

int kn_copy_file(const char *src, const char *dst, bool may_link, struct cp_error *err)
{
	char buf[65536];
	char tmp[PATH_MAX];
	int in, out, ret = 0;
	ssize_t n;

	unlink(dst);
	if (may_link && link(src, dst) == 0)
		return 0;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", dst) >= (int)sizeof(tmp))
		return cp_error_set(err, CP_ERR_IO, "path too long: %s", dst);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot read %s: %s", src, strerror(errno));
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return cp_error_set(err, CP_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, (size_t)n) != n) {
			ret = cp_error_set(err, CP_ERR_IO, "copying %s to %s failed", src, dst);
			break;
		}
	}
	close(in);
	if (close(out) < 0 && !ret)
		ret = cp_error_set(err, CP_ERR_IO, "cannot write %s", tmp);
	if (!ret && rename(tmp, dst) < 0)
		ret = cp_error_set(err, CP_ERR_IO, "cannot rename %s: %s", tmp, strerror(errno));
	if (ret)
		unlink(tmp);
	return ret;
}
