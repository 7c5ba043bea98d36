/*
 * The kernel flow's commands, run by culprit bisect as a job's build and
 * test commands (docs/kernel.md):
 *
 *   culprit kernel-build --spec JSON [--src DIR] [--artifacts DIR]
 *   culprit vm-run --spec JSON [--artifacts DIR] [--run N]
 *   culprit signature VMLINUX...
 *
 * JSON is {"kernel": {...}, "vm": {...}, "repro": {...}} as made by
 * cp_kernel_job_expand().  DIR defaults come from CULPRIT_WORKTREE (or the
 * current directory), CULPRIT_ARTIFACTS and CULPRIT_RUN.
 *
 * kernel-build exit status: 0 built, 1 the build failed (a skip for the
 * bisection), else the status of the error (docs/exit-codes.md).
 * vm-run prints the console (when the kernel reached the reproducer) and
 * then one line "culprit vm-run: <outcome>"; exit status 0 OK, 1 crashed,
 * 125 boot failed / basic kernel testing failed / infra problem (the
 * reproducer could not be run on this kernel).
 */
#include "kernel/kernel.h"
#include "cli/cli.h"
#include "run/exec.h"
#include "vm/initramfs.h"
#include "vm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VM_EXIT_CRASHED 1
#define VM_EXIT_CANNOT_TEST 125

/* The pool the SIGINT/SIGTERM handler cancels (exec.h's pattern). */
static struct cp_run_pool *pool_to_stop;

static void on_stop(int sig)
{
	(void)sig;
	if (pool_to_stop)
		cp_run_pool_cancel(pool_to_stop);
}

static void catch_stop(struct cp_run_pool *pool)
{
	struct sigaction sa;

	pool_to_stop = pool;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void release_stop(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	pool_to_stop = NULL;
}

struct kopts {
	const char *spec;
	const char *src;
	const char *artifacts;
	int run;
	bool boot;		/* vm-run --boot (or CULPRIT_RUN=boot): the boot test */
};

static int parse_opts(int argc, char **argv, const char *usage, struct kopts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->src = getenv("CULPRIT_WORKTREE");
	o->artifacts = getenv("CULPRIT_ARTIFACTS");
	o->run = getenv("CULPRIT_RUN") ? atoi(getenv("CULPRIT_RUN")) : 0;
	/* the driver's boot step: CULPRIT_RUN=boot, files outcome-boot, console-boot.log */
	o->boot = getenv("CULPRIT_RUN") && !strcmp(getenv("CULPRIT_RUN"), "boot");
	if (o->boot)
		o->run = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("%s", usage);
			return 1;
		}
		if (!strcmp(a, "--boot")) {
			o->boot = true;
			continue;
		}
		if (i + 1 >= argc || a[0] != '-') {
			fprintf(stderr, "%s", usage);
			return cli_fail(CP_ERR_USAGE, "bad arguments");
		}
		if (!strcmp(a, "--spec"))
			o->spec = argv[++i];
		else if (!strcmp(a, "--src"))
			o->src = argv[++i];
		else if (!strcmp(a, "--artifacts"))
			o->artifacts = argv[++i];
		else if (!strcmp(a, "--run"))
			o->run = atoi(argv[++i]);
		else {
			fprintf(stderr, "%s", usage);
			return cli_fail(CP_ERR_USAGE, "unknown option");
		}
	}
	if (!o->spec || !o->artifacts) {
		fprintf(stderr, "%s", usage);
		return cli_fail(CP_ERR_USAGE, "--spec and --artifacts (or CULPRIT_ARTIFACTS) are needed");
	}
	if (!o->src)
		o->src = ".";
	return 0;
}

static json_t *load_spec(const char *text, struct cp_error *err)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	if (!j || !json_is_object(j)) {
		json_decref(j);
		cp_error_set(err, CP_ERR_JOB, "--spec: not a JSON object: %s", je.text);
		return NULL;
	}
	return j;
}

static int write_text(const char *dir, const char *name, const char *text)
{
	char p[PATH_MAX];
	FILE *f;

	if (snprintf(p, sizeof(p), "%s/%s", dir, name) >= (int)sizeof(p))
		return CP_ERR_IO;
	f = fopen(p, "w");
	if (!f)
		return CP_ERR_IO;
	fputs(text, f);
	return fclose(f) ? CP_ERR_IO : 0;
}

static const char kb_usage[] =
	"usage: culprit kernel-build --spec JSON [--src DIR] [--artifacts DIR]\n"
	"Builds the kernel in DIR (default $CULPRIT_WORKTREE) per the job's kernel section;\n"
	"bzImage, vmlinux, config and signature go to DIR (default $CULPRIT_ARTIFACTS).\n";

int cmd_kernel_build(int argc, char **argv)
{
	struct cp_kernel_spec spec;
	struct cp_kernel_build_result res;
	struct cp_run_pool *pool = NULL;
	struct cp_error err;
	struct kopts o;
	char log[PATH_MAX], line[600];
	json_t *j = NULL;
	size_t i;
	int ret, rc;

	cp_error_clear(&err);
	cp_kernel_spec_init(&spec);
	memset(&res, 0, sizeof(res));
	rc = parse_opts(argc, argv, kb_usage, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	j = load_spec(o.spec, &err);
	ret = j ? cp_kernel_spec_from_json(json_object_get(j, "kernel"), NULL, &spec, &err)
		: err.code;
	if (!ret && snprintf(log, sizeof(log), "%s/make.log", o.artifacts) >= (int)sizeof(log))
		ret = cp_error_set(&err, CP_ERR_IO, "path too long");
	if (!ret)
		ret = cp_run_pool_new(&pool, 2, &err);
	if (ret)
		goto out;
	catch_stop(pool);
	ret = cp_kernel_build(&spec, o.src, o.artifacts, log, pool, &res, &err);
	release_stop();
	if (ret)
		goto out;
	if (res.compiler_note[0])
		printf("kernel compiler: %s\n", res.compiler_note);
	printf("kernel compiler: %s\n", res.compiler_line);
	write_text(o.artifacts, "compiler", res.compiler_line);
	for (i = 0; i < res.ndropped; i++)
		printf("warning: config option dropped by olddefconfig: %s\n", res.dropped[i]);
	if (res.nunknown) {
		/* reported and dropped (olddefconfig did), kept in config-unknown */
		char *list = NULL;
		size_t len = 0;

		for (i = 0; i < res.nunknown; i++)
			len += strlen(res.unknown[i]) + 1;
		list = calloc(len + 1, 1);
		for (i = 0; list && i < res.nunknown; i++) {
			strcat(list, res.unknown[i]);
			strcat(list, "\n");
		}
		printf("config: %zu option%s this kernel does not know (or whose dependencies it lacks), dropped by olddefconfig:",
		       res.nunknown, res.nunknown == 1 ? "" : "s");
		for (i = 0; i < res.nunknown && i < 8; i++)
			printf("%s %s", i ? "," : "", res.unknown[i]);
		printf("%s (all in config-unknown)\n", res.nunknown > 8 ? ", ..." : "");
		if (list)
			write_text(o.artifacts, "config-unknown", list);
		free(list);
	}
	if (!res.ok) {
		printf("kernel build failed: %s\n", res.error_line);
		snprintf(line, sizeof(line), "%s\n", res.error_line);
		write_text(o.artifacts, "build-error", line);
		printf("(make output: %s)\n", log);
		rc = 1;
		goto out;
	}
	if (snprintf(line, sizeof(line), "%s/build-error", o.artifacts) < (int)sizeof(line))
		unlink(line);	/* an earlier failure of this commit is over */
	if (res.cached)
		printf("kernel build: same tree, config and compiler as an earlier build: reused\n");
	else
		printf("kernel build: %.1f s\n", res.seconds);
	snprintf(line, sizeof(line), "%.3f\n", res.seconds);
	write_text(o.artifacts, "build-time", line);
	printf("kernel signature: %s\n", res.signature);
	rc = 0;
out:
	if (ret)
		rc = cli_fail(ret, err.msg);
	fflush(stdout);
	cp_run_pool_free(pool);
	cp_kernel_build_result_dispose(&res);
	cp_kernel_spec_free(&spec);
	json_decref(j);
	return rc;
}

static int sha_file_hex(const char *path, const char *extra, char out[17], struct cp_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned int n = 0, i;
	FILE *f;
	size_t r;

	if (!ctx)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	f = fopen(path, "rb");
	if (!f) {
		EVP_MD_CTX_free(ctx);
		return cp_error_set(err, CP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	}
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, extra, strlen(extra) + 1);
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(ctx, buf, r);
	fclose(f);
	EVP_DigestFinal_ex(ctx, md, &n);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static int mkdir_1(const char *p, struct cp_error *err)
{
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return cp_error_set(err, CP_ERR_IO, "cannot create %s: %s", p, strerror(errno));
	return 0;
}

static unsigned vm_uint(json_t *vm, const char *key, unsigned def)
{
	json_t *v = json_object_get(vm, key);

	return json_is_integer(v) ? (unsigned)json_integer_value(v) : def;
}

/* The accelerator for "auto", probed once per output directory. */
static int pick_accel(struct cp_run_pool *pool, const struct cp_vm_ops *ops,
		      const struct cp_vm_config *c, const char *accel, const char *vmdir, char *out, size_t size, struct cp_error *err)
{
	char p[PATH_MAX], tmp[PATH_MAX + 16], buf[16] = "";
	const char *got;
	FILE *f;
	int ret;

	snprintf(out, size, "%s", accel);
	if (strcmp(accel, "auto"))
		return 0;
	if (snprintf(p, sizeof(p), "%s/accel", vmdir) >= (int)sizeof(p))
		return cp_error_set(err, CP_ERR_IO, "path too long");
	f = fopen(p, "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
		if (!strcmp(buf, "kvm") || !strcmp(buf, "tcg")) {
			snprintf(out, size, "%s", buf);
			return 0;
		}
	}
	ret = ops->choose_accel(pool, c, accel, 15, &got, err);
	if (ret)
		return ret;
	snprintf(out, size, "%s", got);
	snprintf(tmp, sizeof(tmp), "%s.%d", p, (int)getpid());
	f = fopen(tmp, "w");
	if (f) {
		fprintf(f, "%s\n", got);
		if (fclose(f) == 0)
			rename(tmp, p);
		else
			unlink(tmp);
	}
	printf("culprit vm-run: accelerator %s (probed)\n", got);
	return 0;
}

/* The run's outcome line in ARTIFACTS/outcome-N, for the driver. */
static void write_outcome(const char *artifacts, int run, const char *text)
{
	char name[64], line[1200];

	if (run < 0)
		snprintf(name, sizeof(name), "outcome-boot");
	else
		snprintf(name, sizeof(name), "outcome-%d", run);
	snprintf(line, sizeof(line), "%.1100s\n", text);
	write_text(artifacts, name, line);
}

static const char vm_usage[] =
	"usage: culprit vm-run --spec JSON [--artifacts DIR] [--run N] [--boot]\n"
	"Boots DIR/bzImage (default $CULPRIT_ARTIFACTS) in QEMU with the job's reproducer,\n"
	"prints the console and a last line 'culprit vm-run: <outcome>'.\n"
	"Exit status: 0 OK, 1 crashed, 125 boot failed, basic kernel testing failed or infra problem.\n"
	"--boot (or CULPRIT_RUN=boot): the boot test: boot, user space, the basic test, no\n"
	"reproducer; outcome-boot and console-boot.log; exit 0 OK, 1 the kernel failed it, 125 infra.\n";

int cmd_vm_run(int argc, char **argv)
{
	struct cp_vm_config c = { 0 };
	const struct cp_vm_ops *ops;
	struct cp_vm_outcome o;
	struct cp_run_pool *pool = NULL;
	struct cp_error err;
	struct kopts o_;
	json_t *j = NULL, *vm, *repro, *kernel;
	char vmdir[PATH_MAX], initrd[PATH_MAX], kernel_path[PATH_MAX], console[PATH_MAX];
	char accel[16], hash[17], *boot_cmdline = NULL;
	const char *repro_path, *busybox;
	enum cp_repro_kind kind;
	int ret, rc;

	cp_error_clear(&err);
	memset(&o, 0, sizeof(o));
	rc = parse_opts(argc, argv, vm_usage, &o_);
	if (rc)
		return rc == 1 ? 0 : rc;
	j = load_spec(o_.spec, &err);
	if (!j) {
		ret = err.code;
		goto out;
	}
	vm = json_object_get(j, "vm");
	repro = json_object_get(j, "repro");
	kernel = json_object_get(j, "kernel");
	kind = json_object_get(repro, "c") ? CP_REPRO_C : CP_REPRO_SH;
	repro_path = json_string_value(json_object_get(repro, kind == CP_REPRO_C ? "c" : "sh"));
	busybox = json_string_value(json_object_get(vm, "busybox"));
	if (!repro_path) {
		ret = cp_error_set(&err, CP_ERR_JOB, "--spec: no repro");
		goto out;
	}
	if (snprintf(vmdir, sizeof(vmdir), "%s/../../vm", o_.artifacts) >= (int)sizeof(vmdir) ||
	    snprintf(kernel_path, sizeof(kernel_path), "%s/bzImage", o_.artifacts) >= (int)sizeof(kernel_path) ||
	    (o_.run < 0 ? snprintf(console, sizeof(console), "%s/console-boot.log", o_.artifacts) :
	     snprintf(console, sizeof(console), "%s/console-%d.log", o_.artifacts, o_.run)) >=
	    (int)sizeof(console)) {
		ret = cp_error_set(&err, CP_ERR_IO, "path too long");
		goto out;
	}
	ret = mkdir_1(vmdir, &err);
	if (!ret) {
		/* the image's name changes with busybox, the reproducer and /init */
		char *extra = NULL;

		if (asprintf(&extra, "%s\n%s", busybox ? busybox : "/bin/busybox",
			     cp_initramfs_init_script()) < 0)
			ret = cp_error_set(&err, CP_ERR_NOMEM, "out of memory");
		else
			ret = sha_file_hex(repro_path, extra, hash, &err);
		free(extra);
	}
	if (ret)
		goto out;
	if (snprintf(initrd, sizeof(initrd), "%s/initramfs-%s-%s.cpio.gz", vmdir,
		     kind == CP_REPRO_C ? "c" : "sh", hash) >= (int)sizeof(initrd)) {
		ret = cp_error_set(&err, CP_ERR_IO, "path too long");
		goto out;
	}
	if (access(initrd, R_OK)) {
		ret = cp_initramfs_build(initrd, kind, repro_path, busybox, &err);
		if (ret)
			goto out;
	}
	if (access(kernel_path, R_OK)) {
		printf("culprit vm-run: infra problem: no kernel at %s\n", kernel_path);
		write_outcome(o_.artifacts, o_.run, "infra problem: no kernel built");
		rc = VM_EXIT_CANNOT_TEST;
		goto done;
	}
	ops = cp_vm_type_find(json_string_value(json_object_get(vm, "type")) ?: "qemu");
	if (!ops) {
		ret = cp_error_set(&err, CP_ERR_JOB, "vm.type: not one of %s", cp_vm_type_names());
		goto out;
	}
	c.program = json_string_value(json_object_get(vm, "qemu"));
	c.kernel = kernel_path;
	c.initrd = initrd;
	c.cmdline = json_string_value(json_object_get(kernel, "cmdline"));
	if (o_.boot) {
		if (asprintf(&boot_cmdline, "%s%s" CP_VM_BOOT_TEST_ARG, c.cmdline ? c.cmdline : "",
			     c.cmdline ? " " : "") < 0) {
			boot_cmdline = NULL;
			ret = cp_error_set(&err, CP_ERR_NOMEM, "out of memory");
			goto out;
		}
		c.cmdline = boot_cmdline;
	}
	c.console = console;
	c.mem_mb = vm_uint(vm, "mem", 512);
	c.cpus = vm_uint(vm, "cpus", 1);
	c.boot_timeout = vm_uint(vm, "boot_timeout", 120);
	c.run_timeout = vm_uint(vm, "run_timeout", 300);
	ret = cp_run_pool_new(&pool, 2, &err);
	if (ret)
		goto out;
	catch_stop(pool);
	ret = pick_accel(pool, ops, &c, json_string_value(json_object_get(vm, "accel")) ?: "auto",
			 vmdir, accel, sizeof(accel), &err);
	c.accel = accel;
	if (!ret)
		ret = ops->run(pool, &c, &o, &err);
	release_stop();
	if (ret)
		goto out;
	if (o_.boot && o.result == CP_VM_CRASHED) {
		/* no reproducer ran: a hang after the basic test is the kernel's */
		o.result = CP_VM_BASIC_FAILED;
		snprintf(o.text, sizeof(o.text), "basic kernel testing failed: %s",
			 strstr(o.text, "no output") ? "timed out" : "the VM stopped");
	}
	if (o.result == CP_VM_OK || o.result == CP_VM_CRASHED || o_.boot) {
		/* the boot test's console always: the driver titles its crash */
		/* the console, for the driver's crash parser */
		FILE *f = fopen(console, "rb");
		char buf[65536];
		size_t n;

		if (f) {
			while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
				fwrite(buf, 1, n, stdout);
			fclose(f);
		}
	}
	printf("\nculprit vm-run: console %s (%s, %.1f s)\n", console, accel, o.total_s);
	write_outcome(o_.artifacts, o_.run, o.text);
	if (o_.boot) {
		printf("culprit vm-run: boot test: %s\n", o.text);
		rc = o.result == CP_VM_OK ? 0 : o.result == CP_VM_INFRA ? VM_EXIT_CANNOT_TEST :
		     VM_EXIT_CRASHED;
		goto done;
	}
	if (o.result != CP_VM_BOOT_FAILED && o.result != CP_VM_BASIC_FAILED)
		printf("culprit vm-run: %s\n", o.text);
	else	/* the title would read as a crash of the reproducer */
		printf("culprit vm-run: %.*s (see outcome-%d)\n",
		       (int)strcspn(o.text, ":"), o.text, o_.run);
	switch (o.result) {
	case CP_VM_OK:
		rc = 0;
		break;
	case CP_VM_CRASHED:
		rc = VM_EXIT_CRASHED;
		break;
	default:
		rc = VM_EXIT_CANNOT_TEST;
		break;
	}
	goto done;
out:
	if (ret == CP_ERR_INTERRUPTED)
		rc = cli_fail(ret, err.msg);
	else if (ret) {
		/* the run could not be done: an infra problem for the driver */
		char text[1100];

		snprintf(text, sizeof(text), "infra problem: %s", err.msg);
		printf("culprit vm-run: %s\n", text);
		write_outcome(o_.artifacts, o_.run, text);
		rc = VM_EXIT_CANNOT_TEST;
	}
done:
	fflush(stdout);
	cp_run_pool_free(pool);
	json_decref(j);
	free(boot_cmdline);
	return rc;
}

int cmd_signature(int argc, char **argv)
{
	char sig[CP_KERNEL_SIG_HEXSZ];
	struct cp_error err;
	int i, ret;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: culprit signature VMLINUX...\n"
			"Prints the kernel signature (SHA-256 of the loadable sections, as syzkaller).\n");
		return argc < 2 ? cli_fail(CP_ERR_USAGE, "no file given") : 0;
	}
	for (i = 1; i < argc; i++) {
		cp_error_clear(&err);
		ret = cp_kernel_signature(argv[i], sig, &err);
		if (ret)
			return cli_fail(ret, err.msg);
		if (argc > 2)
			printf("%s  %s\n", sig, argv[i]);
		else
			printf("%s\n", sig);
	}
	return 0;
}
