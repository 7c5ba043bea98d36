#include "util/fs.h"

#include <errno.h>
#include <limits.h>
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
