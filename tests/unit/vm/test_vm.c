/*
 * VM units that need no kernel: the cpio writer and initramfs, the QEMU
 * command line, the VM verdict on the console logs of
 * ../shared/kernel-lab/samples (skipped when absent) and made-up ones, and
 * a fake QEMU killed on the boot timeout, on cancel and when culprit dies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/report.h"
#include "run/exec.h"
#include "vm/initramfs.h"
#include "vm/qemu.h"
#include "vm/vm.h"

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/culprit-vm-test-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_text(const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static unsigned hexfield(const char *h, int i)
{
	char buf[9];

	memcpy(buf, h + 6 + 8 * i, 8);
	buf[8] = '\0';
	return (unsigned)strtoul(buf, NULL, 16);
}

static void cpio_layout(void **state)
{
	struct cp_cpio c;
	struct cp_error err;

	(void)state;
	cp_cpio_init(&c);
	assert_int_equal(cp_cpio_add(&c, "bin", S_IFDIR | 0755, NULL, 0, 0, 0, &err), 0);
	assert_int_equal(cp_cpio_add(&c, "bin/hello", S_IFREG | 0755, "hi\n", 3, 0, 0, &err), 0);
	assert_int_equal(cp_cpio_add(&c, "dev/console", S_IFCHR | 0600, NULL, 0, 5, 1, &err), 0);
	assert_int_equal(cp_cpio_finish(&c, &err), 0);
	assert_int_equal(c.len % 4, 0);
	assert_memory_equal(c.data, "070701", 6);
	assert_int_equal(hexfield(c.data, 1), S_IFDIR | 0755);	/* mode */
	assert_int_equal(hexfield(c.data, 11), 4);		/* namesize "bin\0" */
	/* second entry: 110 + 4 name bytes, padded to 116 */
	assert_memory_equal(c.data + 116, "070701", 6);
	assert_int_equal(hexfield(c.data + 116, 6), 3);	/* filesize */
	assert_non_null(memmem(c.data, c.len, "bin/hello", 9));
	assert_non_null(memmem(c.data, c.len, "hi\n", 3));
	assert_non_null(memmem(c.data, c.len, "TRAILER!!!", 10));
	cp_cpio_dispose(&c);
}

static void cpio_reads_back_with_cpio_tool(void **state)
{
	struct cp_cpio c;
	struct cp_error err;
	char p[512], cmd[1024], line[256];
	FILE *f;

	(void)state;
	if (access("/usr/bin/cpio", X_OK) && access("/bin/cpio", X_OK))
		skip();
	cp_cpio_init(&c);
	assert_int_equal(cp_cpio_add(&c, ".", S_IFDIR | 0755, NULL, 0, 0, 0, &err), 0);
	assert_int_equal(cp_cpio_add(&c, "init", S_IFREG | 0755, "#!/bin/sh\n", 10, 0, 0, &err), 0);
	assert_int_equal(cp_cpio_add(&c, "sh", S_IFLNK | 0777, "busybox", 7, 0, 0, &err), 0);
	assert_int_equal(cp_cpio_finish(&c, &err), 0);
	snprintf(p, sizeof(p), "%s/a.cpio", tmpdir);
	f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(c.data, 1, c.len, f), c.len);
	assert_int_equal(fclose(f), 0);
	cp_cpio_dispose(&c);
	snprintf(cmd, sizeof(cmd), "cd '%s' && mkdir x && cd x && cpio -id --quiet < ../a.cpio && "
		 "cat init && readlink sh", tmpdir);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "#!/bin/sh\n");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "busybox\n");
	assert_int_equal(pclose(f), 0);
}

static void qemu_command_line(void **state)
{
	struct cp_vm_config c = { 0 };
	struct cp_error err;
	char **argv, joined[2048] = "";
	size_t i;

	(void)state;
	c.kernel = "/o/bzImage";
	c.initrd = "/o/initrd";
	c.console = "/o/console-0.log";
	c.accel = "tcg";
	c.cmdline = "nokaslr";
	c.mem_mb = 1024;
	c.cpus = 2;
	assert_int_equal(cp_qemu_argv(&c, &argv, &err), 0);
	for (i = 0; argv[i]; i++) {
		strcat(joined, argv[i]);
		strcat(joined, "|");
	}
	assert_string_equal(argv[0], "qemu-system-x86_64");
	assert_non_null(strstr(joined, "|-accel|tcg|-cpu|max|"));
	assert_non_null(strstr(joined, "|-m|1024M|-smp|2|"));
	assert_non_null(strstr(joined, "|-nographic|"));
	assert_non_null(strstr(joined, "|-no-reboot|"));
	assert_non_null(strstr(joined, "|-serial|file:/o/console-0.log|"));
	assert_non_null(strstr(joined, "|-kernel|/o/bzImage|-initrd|/o/initrd|"));
	assert_non_null(strstr(joined, "|-append|" CP_VM_CMDLINE_DEFAULT " nokaslr|"));
	cp_qemu_argv_free(argv);

	c.accel = "kvm";
	c.cmdline = NULL;
	c.program = "/opt/qemu";
	assert_int_equal(cp_qemu_argv(&c, &argv, &err), 0);
	assert_string_equal(argv[0], "/opt/qemu");
	assert_string_equal(argv[2], "kvm");
	assert_string_equal(argv[4], "host");
	for (i = 0; argv[i]; i++)
		if (!strcmp(argv[i], "-append"))
			assert_string_equal(argv[i + 1], CP_VM_CMDLINE_DEFAULT);
	cp_qemu_argv_free(argv);

	c.accel = "xen";
	assert_int_equal(cp_qemu_argv(&c, &argv, &err), CP_ERR_USAGE);
	c.accel = "tcg";
	c.console = "/o/a,b.log";
	assert_int_equal(cp_qemu_argv(&c, &argv, &err), CP_ERR_USAGE);
}

/* A lab sample with culprit-vm markers where the lab's /init printed its own. */
static char *sample(const char *name, bool basic_ok, size_t *len)
{
	char p[512], *buf, *out, *at;
	const char *dir = getenv("SOURCE_ROOT");
	const char *mark = "culprit: repro start";
	const char *repl;
	size_t n = 0, cap = 1 << 20;
	FILE *f;

	snprintf(p, sizeof(p), "%s/../shared/kernel-lab/samples/%s", dir ? dir : "..", name);
	f = fopen(p, "rb");
	if (!f)
		return NULL;
	buf = calloc(1, cap);
	assert_non_null(buf);
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	repl = basic_ok ? CP_VM_MARK_USER "\r\n" CP_VM_MARK_BASIC_OK "\r\n" CP_VM_MARK_REPRO
			: CP_VM_MARK_USER;
	out = calloc(1, n + 256);
	assert_non_null(out);
	at = strstr(buf, mark);
	if (at) {
		memcpy(out, buf, (size_t)(at - buf));
		strcat(out, repl);
		strcat(out, at + strlen(mark));
	} else {
		memcpy(out, buf, n);
	}
	free(buf);
	at = strstr(out, "culprit: repro exit status");
	if (at) {
		/* same length as CP_VM_MARK_EXIT: replace in place */
		assert_int_equal(strlen("culprit: repro exit status") + 3, strlen(CP_VM_MARK_EXIT));
		memmove(at + 3, at, strlen(at) + 1);
		memcpy(at, CP_VM_MARK_EXIT, strlen(CP_VM_MARK_EXIT));
	}
	*len = strlen(out);
	return out;
}

/*
 * The verdict on a sample starts with want and, for a crash, ends with the
 * title the crash-report parser gives the same log, which names func.
 */
static void judge(const char *name, bool basic_ok, bool timed_out, const char *want,
		  const char *func)
{
	struct cp_vm_outcome o;
	struct cp_report *rep = NULL;
	struct cp_error err;
	char expect[1100];
	size_t len;
	char *log = sample(name, basic_ok, &len);

	if (!log)
		return;
	assert_int_equal(cp_vm_judge(log, len, timed_out, false, 300, &o, &err), 0);
	if (func) {
		assert_int_equal(cp_report_parse(log, len, &rep, &err), 0);
		assert_non_null(rep);
		snprintf(expect, sizeof(expect), "%s%s", want, rep->title);
		assert_string_equal(o.text, expect);
		assert_non_null(strstr(o.text, func));
		cp_report_free(rep);
	} else {
		assert_string_equal(o.text, want);
	}
	free(log);
}

static void vm_verdicts_on_lab_samples(void **state)
{
	char p[512];
	const char *dir = getenv("SOURCE_ROOT");

	(void)state;
	snprintf(p, sizeof(p), "%s/../shared/kernel-lab/samples/clean.log", dir ? dir : "..");
	if (access(p, R_OK))
		skip();
	judge("clean.log", true, false, "OK", NULL);
	judge("sethostname-before-culprit.log", true, false, "OK", NULL);
	judge("sethostname-warn.log", true, false, "crashed: ", "WARNING in ");
	judge("sethostname-warn.log", true, false, "crashed: ", "sethostname");
	judge("sethostname-null.log", true, false, "crashed: ", "NULL pointer dereference in ");
	judge("sethostname-null.log", true, false, "crashed: ", "sethostname");
	judge("kasan-sethostname-uaf.log", true, false, "crashed: ", "KASAN: use-after-free");
	judge("kasan-sethostname-uaf.log", true, false, "crashed: ", "sethostname");
	judge("lkdtm-WARNING.log", true, false, "crashed: ", "WARNING in lkdtm_WARNING");
	/* the same crash before the reproducer: basic testing, or boot */
	judge("lkdtm-WARNING.log", false, false, "basic kernel testing failed: ",
	      "WARNING in lkdtm_WARNING");
	judge("lkdtm-LOOP-hang-timeout.log", true, true, "crashed: no output from test machine", NULL);
}

static void vm_verdicts_on_made_up_logs(void **state)
{
	struct cp_vm_outcome o;
	struct cp_error err;
	const char *boot_crash =
		"[    0.000000] Linux version 6.1.192\r\n"
		"[    0.500000] BUG: kernel NULL pointer dereference, address: 0000000000000000\r\n"
		"[    0.500001] #PF: supervisor write access in kernel mode\r\n"
		"[    0.500002] RIP: 0010:start_kernel+0x10/0x20\r\n"
		"[    0.500003] Kernel panic - not syncing: Fatal exception\r\n";
	const char *no_user = "[    0.000000] Linux version 6.1.192\r\n[    0.1] Freeing unused\r\n";
	const char *basic_fail = "[    0.000000] Linux version 6.1.192\r\n" CP_VM_MARK_USER "\r\n"
		CP_VM_MARK_BASIC_FAIL "\r\n";
	const char *ok = "[    0.000000] Linux version 6.1.192\r\n" CP_VM_MARK_USER "\r\n"
		CP_VM_MARK_BASIC_OK "\r\n" CP_VM_MARK_REPRO "\r\n" CP_VM_MARK_EXIT " 0\r\n";

	(void)state;
	assert_int_equal(cp_vm_judge(boot_crash, strlen(boot_crash), false, true, 60, &o, &err), 0);
	assert_int_equal(o.result, CP_VM_BOOT_FAILED);
	assert_non_null(strstr(o.text, "boot failed: BUG: "));
	assert_non_null(strstr(o.text, "NULL pointer dereference in start_kernel"));
	assert_int_equal(cp_vm_judge("", 0, true, true, 60, &o, &err), 0);
	assert_int_equal(o.result, CP_VM_INFRA);
	assert_int_equal(cp_vm_judge(no_user, strlen(no_user), true, true, 60, &o, &err), 0);
	assert_string_equal(o.text, "boot failed: no user space after 60 s");
	assert_int_equal(cp_vm_judge(basic_fail, strlen(basic_fail), false, false, 60, &o, &err), 0);
	assert_int_equal(o.result, CP_VM_BASIC_FAILED);
	assert_int_equal(cp_vm_judge(ok, strlen(ok), false, false, 60, &o, &err), 0);
	assert_string_equal(o.text, "OK");
}

static void initramfs_with_shell_repro(void **state)
{
	struct cp_error err;
	char out[512], repro[512], cmd[1024];

	(void)state;
	if (access("/bin/busybox", X_OK))
		skip();
	write_text("repro.sh", "echo hello\n");
	snprintf(out, sizeof(out), "%s/initrd.cpio.gz", tmpdir);
	snprintf(repro, sizeof(repro), "%s/repro.sh", tmpdir);
	assert_int_equal(cp_initramfs_build(out, CP_REPRO_SH, repro, NULL, &err), 0);
	if (access("/usr/bin/cpio", X_OK) && access("/bin/cpio", X_OK))
		return;
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && mkdir y && cd y && zcat ../initrd.cpio.gz | cpio -id --quiet && "
		 "test -x bin/busybox && grep -q '" CP_VM_MARK_REPRO "' init && "
		 "head -1 repro | grep -q '^#!/bin/sh' && grep -q hello repro", tmpdir);
	assert_int_equal(system(cmd), 0);
}


/* ---- QEMU processes never outlive a timeout, a cancel or culprit ---- */

static pid_t read_pid(const char *path, int wait_ms)
{
	int waited = 0;

	for (;;) {
		FILE *f = fopen(path, "r");
		int pid = 0;

		if (f) {
			if (fscanf(f, "%d", &pid) != 1)
				pid = 0;
			fclose(f);
		}
		if (pid > 0 || waited >= wait_ms)
			return pid;
		usleep(20000);
		waited += 20;
	}
}

/* True when pid is gone or a zombie, within wait_ms. */
static bool dead(pid_t pid, int wait_ms)
{
	int waited = 0;
	char p[64], st[512];

	for (;;) {
		FILE *f;
		bool zombie = false;

		if (kill(pid, 0) < 0)
			return true;
		snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
		f = fopen(p, "r");
		if (f) {
			if (fgets(st, sizeof(st), f)) {
				char *rp = strrchr(st, ')');

				zombie = rp && rp[1] == ' ' && rp[2] == 'Z';
			}
			fclose(f);
		}
		if (zombie)
			return true;
		if (waited >= wait_ms)
			return false;
		usleep(20000);
		waited += 20;
	}
}

/* A stand-in for QEMU that prints nothing and never ends. */
static void fake_qemu(struct cp_vm_config *c, char *qemu, char *pidfile, char *console,
		      size_t size)
{
	char text[700];

	snprintf(pidfile, size, "%s/qemu.pid", tmpdir);
	snprintf(qemu, size, "%s/fake-qemu", tmpdir);
	snprintf(console, size, "%s/console.log", tmpdir);
	snprintf(text, sizeof(text), "#!/bin/sh\necho $$ > '%s'\nexec sleep 987\n", pidfile);
	write_text("fake-qemu", text);
	assert_int_equal(chmod(qemu, 0755), 0);
	memset(c, 0, sizeof(*c));
	c->program = qemu;
	c->kernel = "/nonexistent/bzImage";
	c->initrd = "/nonexistent/initrd";
	c->console = console;
	c->accel = "tcg";
}

static void qemu_killed_on_boot_timeout(void **state)
{
	char qemu[300], pidfile[300], console[300];
	struct cp_vm_config c;
	struct cp_vm_outcome o;
	struct cp_run_pool *pool = NULL;
	struct cp_error err;
	pid_t pid;

	(void)state;
	fake_qemu(&c, qemu, pidfile, console, sizeof(qemu));
	c.boot_timeout = 1;
	c.run_timeout = 100;
	assert_int_equal(cp_run_pool_new(&pool, 2, &err), 0);
	assert_int_equal(cp_vm_qemu_ops.run(pool, &c, &o, &err), 0);
	assert_int_equal(o.result, CP_VM_INFRA);
	assert_string_equal(o.text, "infra problem: no output from the VM before the timeout");
	assert_true(o.total_s < 30);
	pid = read_pid(pidfile, 0);
	assert_true(pid > 0);
	assert_true(dead(pid, 5000));
	cp_run_pool_free(pool);
}

static struct cp_run_pool *alarm_pool;

static void on_alarm(int sig)
{
	(void)sig;
	cp_run_pool_cancel(alarm_pool);
}

static void qemu_killed_on_cancel(void **state)
{
	char qemu[300], pidfile[300], console[300];
	struct cp_vm_config c;
	struct cp_vm_outcome o;
	struct cp_error err;
	pid_t pid;

	(void)state;
	fake_qemu(&c, qemu, pidfile, console, sizeof(qemu));
	c.boot_timeout = 100;
	assert_int_equal(cp_run_pool_new(&alarm_pool, 2, &err), 0);
	signal(SIGALRM, on_alarm);
	alarm(2);
	assert_int_equal(cp_vm_qemu_ops.run(alarm_pool, &c, &o, &err), CP_ERR_INTERRUPTED);
	signal(SIGALRM, SIG_DFL);
	pid = read_pid(pidfile, 0);
	assert_true(pid > 0);
	assert_true(dead(pid, 5000));
	cp_run_pool_free(alarm_pool);
	alarm_pool = NULL;
}

static void qemu_killed_when_culprit_dies(void **state)
{
	char qemu[300], pidfile[300], console[300];
	struct cp_vm_config c;
	pid_t child, pid;
	int status;

	(void)state;
	fake_qemu(&c, qemu, pidfile, console, sizeof(qemu));
	c.boot_timeout = 100;
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct cp_run_pool *pool = NULL;
		struct cp_vm_outcome o;
		struct cp_error err;

		if (cp_run_pool_new(&pool, 2, &err) == 0)
			cp_vm_qemu_ops.run(pool, &c, &o, &err);
		_exit(0);
	}
	pid = read_pid(pidfile, 10000);
	assert_true(pid > 0);
	assert_int_equal(kill(child, SIGKILL), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(dead(pid, 5000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpio_layout),
		cmocka_unit_test_setup_teardown(cpio_reads_back_with_cpio_tool, setup, teardown),
		cmocka_unit_test(qemu_command_line),
		cmocka_unit_test(vm_verdicts_on_lab_samples),
		cmocka_unit_test(vm_verdicts_on_made_up_logs),
		cmocka_unit_test_setup_teardown(initramfs_with_shell_repro, setup, teardown),
		cmocka_unit_test_setup_teardown(qemu_killed_on_boot_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(qemu_killed_on_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(qemu_killed_when_culprit_dies, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

