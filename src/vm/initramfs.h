/*
 * The VM's initramfs: a newc cpio archive written in memory (no cpio(1),
 * no root needed for device nodes) holding busybox, /repro and the /init
 * that prints the markers of vm/vm.h and runs the basic test.
 */
#ifndef CULPRIT_VM_INITRAMFS_H
#define CULPRIT_VM_INITRAMFS_H

#include <stddef.h>

#include "util/error.h"

/* ---- cpio (newc) writer ---- */

/* A growing newc archive in memory.  Invariant: data is NULL or malloc'ed. */
struct cp_cpio {
	char *data;
	size_t len, cap;
	unsigned ino;
};

void cp_cpio_init(struct cp_cpio *c);
void cp_cpio_dispose(struct cp_cpio *c);
/* mode holds the file type bits (S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR). */
int cp_cpio_add(struct cp_cpio *c, const char *name, unsigned mode,
		const void *data, size_t len, unsigned rdev_major,
		unsigned rdev_minor, struct cp_error *err);
/* Appends the TRAILER!!! entry; the archive is complete. */
int cp_cpio_finish(struct cp_cpio *c, struct cp_error *err);

/* ---- initramfs ---- */

enum cp_repro_kind {
	CP_REPRO_C,	/* a C file compiled with gcc -static */
	CP_REPRO_SH,	/* a shell script run by busybox sh */
};

/*
 * Compiles the C reproducer at src as the image will (gcc -static), into a
 * temporary file that is removed: CP_ERR_INPUT with gcc's first error line
 * when it does not compile, so a job can be refused before it starts.
 */
int cp_initramfs_check_repro(const char *src, struct cp_error *err);

/* The /init script (static text). */
const char *cp_initramfs_init_script(void);

/*
 * Builds the initramfs at out (written to a temporary file, then renamed,
 * so parallel runs may build the same path).  busybox NULL: /bin/busybox.
 */
int cp_initramfs_build(const char *out, enum cp_repro_kind kind,
		       const char *repro, const char *busybox,
		       struct cp_error *err);

#endif
