/*
 * Test machines (VMs): one boot per run with the serial console in a file,
 * and the outcome of the run judged from that console.  This header owns
 * what is common to every VM type: the run's configuration, the outcome and
 * its judge (pure), and the table of VM types (one file per type: qemu.c;
 * another VM type is one new file and one row in vm.c's table).
 *
 * The caller's steps (culprit vm-run does exactly this):
 *
 *   1. cp_initramfs_build() (vm/initramfs.h): busybox + /repro + /init
 *   2. cp_vm_type_find(type) and fill a struct cp_vm_config;
 *      ops->choose_accel() ("auto": for QEMU, KVM when a short probe boot
 *      prints something, else TCG)
 *   3. ops->run() boots, waits (boot timeout until user space, run timeout
 *      after), kills the VM's process group when a timeout fires, and
 *      returns the outcome.
 *
 * The VM program is a direct child started by the executor (run/exec.h):
 * its own process group, SIGKILL when culprit dies, killed on timeout and
 * when the pool is cancelled (SIGINT/SIGTERM).
 *
 * The /init prints markers (CP_VM_MARK_*) on the console; a crash report
 * before user space is "boot failed", during the basic test "basic kernel
 * testing failed", after the reproducer started "crashed".
 */
#ifndef CULPRIT_VM_VM_H
#define CULPRIT_VM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define CP_VM_MARK_USER "culprit-vm: user space started"
#define CP_VM_MARK_BASIC_OK "culprit-vm: basic test ok"
#define CP_VM_MARK_BASIC_FAIL "culprit-vm: basic test failed"
#define CP_VM_MARK_REPRO "culprit-vm: repro start"
#define CP_VM_MARK_EXIT "culprit-vm: repro exit status"
#define CP_VM_MARK_BOOT_DONE "culprit-vm: boot test done"

/*
 * On the kernel command line of a boot test (culprit vm-run --boot): /init
 * stops after the basic test, without running the reproducer.
 */
#define CP_VM_BOOT_TEST_ARG "culprit.boot_test=1"

#define CP_VM_CMDLINE_DEFAULT \
	"console=ttyS0 earlyprintk=serial panic_on_warn=1 oops=panic panic=-1"

struct cp_vm_config {
	const char *program;	/* the VM program; NULL: the type's default */
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

/* One VM type. */
struct cp_vm_ops {
	const char *type;	/* the job's vm.type, e.g. "qemu" */
	/*
	 * Boots one VM and judges the run.  pool must have room for 2
	 * children (the VM and a timer).  CP_ERR_INTERRUPTED when the pool
	 * was cancelled (the VM is killed).
	 */
	int (*run)(struct cp_run_pool *pool, const struct cp_vm_config *c,
		   struct cp_vm_outcome *out, struct cp_error *err);
	/*
	 * The accelerator for accel "auto" (others are returned as given),
	 * probing for at most probe_s seconds.
	 */
	int (*choose_accel)(struct cp_run_pool *pool, const struct cp_vm_config *c,
			    const char *accel, unsigned probe_s, const char **out,
			    struct cp_error *err);
};

/* The VM type named type, or NULL. */
const struct cp_vm_ops *cp_vm_type_find(const char *type);

/* The known types, ", "-separated, for error messages. */
const char *cp_vm_type_names(void);

/*
 * The run loop every VM type shares: starts argv (the VM program; its
 * stdout and stderr go to side_log, the console is c->console), a timer
 * that kills it when no user space marker reached the console within
 * c->boot_timeout seconds, the whole run bounded by boot + run timeout,
 * then judges the console.  A program that cannot be started, or exits
 * non-zero without "Linux version" on the console, is an infra problem
 * (the first line of side_log says why; label names the program there).
 */
int cp_vm_boot(struct cp_run_pool *pool, const struct cp_vm_config *c,
	       const char *label, const char *const *argv,
	       const char *side_log, struct cp_vm_outcome *out,
	       struct cp_error *err);

/* Whether the file at path holds mark (false when it cannot be read). */
bool cp_vm_file_has(const char *path, const char *mark);

#endif
