/*
 * Small file-system helpers shared by the edges (driver, builders).
 */
#ifndef CULPRIT_UTIL_FS_H
#define CULPRIT_UTIL_FS_H

#include "util/error.h"

/* mkdir -p: creates path and its missing parents (mode 0755). */
int cp_mkdir_p(const char *path, struct cp_error *err);

/*
 * The whole file at path, NUL-terminated, into *buf (malloc'd) and its
 * length into *len (len may be NULL).  CP_ERR_IO when it cannot be opened
 * or read, CP_ERR_NOMEM.
 */
int cp_read_file(const char *path, char **buf, size_t *len, struct cp_error *err);

/* Writes text to path (created or truncated); CP_ERR_IO on any failure. */
int cp_write_file(const char *path, const char *text, struct cp_error *err);

#endif
