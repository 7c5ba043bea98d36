/*
 * What the kernel part's files share and nobody else uses: whole-file
 * reads and writes (kernel/files.c).
 */
#ifndef CULPRIT_KERNEL_INTERNAL_H
#define CULPRIT_KERNEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* The file at path, NUL-terminated, in *out (malloc'ed); len may be NULL. */
int kn_read_file(const char *path, char **out, size_t *len, struct cp_error *err);

/* Writes path through a temporary file and rename(). */
int kn_write_file(const char *path, const char *data, size_t len, struct cp_error *err);

/*
 * Copies src to dst; a hard link when may_link (only for files never
 * rewritten in place: the linker truncates vmlinux in the build directory).
 */
int kn_copy_file(const char *src, const char *dst, bool may_link, struct cp_error *err);

#endif
