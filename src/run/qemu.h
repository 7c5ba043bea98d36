/*
 * The QEMU runner (VM backend): an initramfs with busybox and a reproducer,
 * one VM boot per run with the serial console in a file, and the outcome
 * of the run judged from that console.
 *
 * The caller's steps (culprit vm-run does exactly this):
 *
 *   1. cp_initramfs_build(): busybox-static + /repro (a C file compiled with
 *      `gcc -static`, or a shell script) + /init, as a newc cpio (gzip'ed
 *      when gzip is installed)
 *   2. fill a struct cp_vm_config and cp_qemu_choose_accel() ("auto": KVM
 *      when a short probe boot prints something, else TCG)
 *   3. cp_qemu_run() boots, waits (boot timeout until user space, run
 *      timeout after), kills QEMU's process group when a timeout fires, and
 *      returns the outcome; cp_vm_outcome_dispose() frees it.
 *
 * QEMU is a direct child started by the executor (run/exec.h): its own
 * process group, SIGKILL when culprit dies, killed on timeout and when the
 * pool is cancelled (SIGINT/SIGTERM).
 *
 * The /init prints markers (CP_VM_MARK_*) on the console; a crash report
 * before the basic test is "boot failed", during it "basic kernel testing
 * failed", after the reproducer started "crashed".
 */
#ifndef CULPRIT_RUN_QEMU_H
#define CULPRIT_RUN_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define CP_VM_MARK_USER "culprit-vm: user space started"
#define CP_VM_MARK_BASIC_OK "culprit-vm: basic test ok"
#define CP_VM_MARK_BASIC_FAIL "culprit-vm: basic test failed"
#define CP_VM_MARK_REPRO "culprit-vm: repro start"
#define CP_VM_MARK_EXIT "culprit-vm: repro exit status"

#define CP_VM_CMDLINE_DEFAULT \
	"console=ttyS0 earlyprintk=serial panic_on_warn=1 oops=panic panic=-1"

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

/* The /init script (static text). */
const char *cp_initramfs_init_script(void);

/*
 * Builds the initramfs at out (written to a temporary file, then renamed,
 * so parallel runs may build the same path).  busybox NULL: /bin/busybox.
 */
int cp_initramfs_build(const char *out, enum cp_repro_kind kind,
		       const char *repro, const char *busybox,
		       struct cp_error *err);

/* ---- QEMU ---- */

struct cp_vm_config {
	const char *qemu;	/* NULL: qemu-system-x86_64 */
	const char *kernel;	/* bzImage */
	const char *initrd;
	const char *cmdline;	/* NULL: CP_VM_CMDLINE_DEFAULT */
	const char *console;	/* console log file */
	const char *accel;	/* "kvm" or "tcg" */
	unsigned mem_mb;	/* 0: 512 */
	unsigned cpus;		/* 0: 1 */
	unsigned boot_timeout;	/* seconds until user space; 0: 120 */
	unsigned run_timeout;	/* seconds after that; 0: 300 */
};

/* QEMU's argv (NULL-terminated, malloc'ed; free with cp_qemu_argv_free). */
int cp_qemu_argv(const struct cp_vm_config *c, char ***argv, struct cp_error *err);
void cp_qemu_argv_free(char **argv);

enum cp_vm_result {
	CP_VM_OK,		/* "OK" */
	CP_VM_CRASHED,		/* "crashed: <title>" */
	CP_VM_BOOT_FAILED,	/* "boot failed: <title>" */
	CP_VM_BASIC_FAILED,	/* "basic kernel testing failed: <title>" */
	CP_VM_INFRA,		/* "infra problem: <why>" */
};

struct cp_vm_outcome {
	enum cp_vm_result result;
	char text[1024];	/* the log line, e.g. "crashed: WARNING in f" */
	double boot_s;		/* start to the boot timer's end when the VM
				 * outlived it, else 0 */
	double total_s;
};

/*
 * Pure: judges a console log (buf, len) of a VM that ended (timed_out: a
 * timeout killed it; in_boot: it was the boot timeout).
 */
int cp_vm_judge(const char *buf, size_t len, bool timed_out, bool in_boot,
		unsigned timeout_s, struct cp_vm_outcome *out, struct cp_error *err);

struct cp_run_pool;

/*
 * Boots one VM and judges the run.  pool must have room for 2 children
 * (QEMU and a timer).  QEMU's own stderr goes to console + ".qemu".
 * CP_ERR_INTERRUPTED when the pool was cancelled (QEMU is killed).
 */
int cp_qemu_run(struct cp_run_pool *pool, const struct cp_vm_config *c,
		struct cp_vm_outcome *out, struct cp_error *err);

/*
 * "kvm" or "tcg" for accel "auto" (others are returned as given): TCG when
 * /dev/kvm cannot be opened, else a probe boot of c (accel kvm, timeout
 * probe_s) that must print something on the console.
 */
int cp_qemu_choose_accel(struct cp_run_pool *pool, const struct cp_vm_config *c,
			 const char *accel, unsigned probe_s, const char **out,
			 struct cp_error *err);

#endif
