/*
 * Small file-system helpers shared by the edges (driver, builders).
 */
#ifndef CULPRIT_UTIL_FS_H
#define CULPRIT_UTIL_FS_H

#include "util/error.h"

/* mkdir -p: creates path and its missing parents (mode 0755). */
int cp_mkdir_p(const char *path, struct cp_error *err);

#endif
