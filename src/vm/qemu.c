/*
 * The QEMU VM type: its command line, the KVM probe, and one boot per run
 * through the shared run loop (vm/boot.c).
 */
#include "run/exec.h"
#include "vm/qemu.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cp_qemu_argv_free(char **argv)
{
	size_t i;

	if (!argv)
		return;
	for (i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

int cp_qemu_argv(const struct cp_vm_config *c, char ***out, struct cp_error *err)
{
	char mem[32], cpus[32];
	char *serial = NULL, *append = NULL;
	const char *accel = c->accel ? c->accel : "tcg";
	bool kvm = !strcmp(accel, "kvm");
	const char *v[40];
	char **argv;
	size_t n = 0, i;

	*out = NULL;
	if (!c->kernel || !c->initrd || !c->console)
		return cp_error_set(err, CP_ERR_USAGE, "VM config needs kernel, initrd and console");
	if (strcmp(accel, "kvm") && strcmp(accel, "tcg"))
		return cp_error_set(err, CP_ERR_USAGE, "accel must be kvm or tcg, not '%s'", accel);
	if (strchr(c->console, ','))
		return cp_error_set(err, CP_ERR_USAGE, "console path has a comma: %s", c->console);
	snprintf(mem, sizeof(mem), "%uM", c->mem_mb ? c->mem_mb : 512);
	snprintf(cpus, sizeof(cpus), "%u", c->cpus ? c->cpus : 1);
	if (asprintf(&serial, "file:%s", c->console) < 0)
		serial = NULL;
	if (c->cmdline && c->cmdline[0]) {
		if (asprintf(&append, "%s %s", CP_VM_CMDLINE_DEFAULT, c->cmdline) < 0)
			append = NULL;
	} else {
		append = strdup(CP_VM_CMDLINE_DEFAULT);
	}
	if (!serial || !append) {
		free(serial);
		free(append);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	v[n++] = c->program ? c->program : "qemu-system-x86_64";
	v[n++] = "-accel";
	v[n++] = accel;
	v[n++] = "-cpu";
	v[n++] = kvm ? "host" : "max";
	v[n++] = "-m";
	v[n++] = mem;
	v[n++] = "-smp";
	v[n++] = cpus;
	v[n++] = "-nographic";
	v[n++] = "-nodefaults";
	v[n++] = "-no-user-config";
	v[n++] = "-monitor";
	v[n++] = "none";
	v[n++] = "-serial";
	v[n++] = serial;
	v[n++] = "-net";
	v[n++] = "none";
	v[n++] = "-no-reboot";
	v[n++] = "-kernel";
	v[n++] = c->kernel;
	v[n++] = "-initrd";
	v[n++] = c->initrd;
	v[n++] = "-append";
	v[n++] = append;
	v[n] = NULL;
	argv = calloc(n + 1, sizeof(*argv));
	if (!argv)
		goto nomem;
	for (i = 0; i < n; i++) {
		if (v[i] == serial) {
			argv[i] = serial;
			serial = NULL;
		} else if (v[i] == append) {
			argv[i] = append;
			append = NULL;
		} else {
			argv[i] = strdup(v[i]);
		}
		if (!argv[i]) {
			cp_qemu_argv_free(argv);
			goto nomem;
		}
	}
	*out = argv;
	return 0;
nomem:
	free(serial);
	free(append);
	return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
}

static int qemu_run(struct cp_run_pool *pool, const struct cp_vm_config *c,
		    struct cp_vm_outcome *out, struct cp_error *err)
{
	char qlog[PATH_MAX];
	char **argv = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	if (snprintf(qlog, sizeof(qlog), "%s.qemu", c->console) >= (int)sizeof(qlog))
		return cp_error_set(err, CP_ERR_IO, "path too long: %s", c->console);
	ret = cp_qemu_argv(c, &argv, err);
	if (ret)
		return ret;
	ret = cp_vm_boot(pool, c, "qemu", (const char *const *)argv, qlog, out, err);
	cp_qemu_argv_free(argv);
	return ret;
}

static int qemu_choose_accel(struct cp_run_pool *pool, const struct cp_vm_config *c,
			     const char *accel, unsigned probe_s, const char **out,
			 struct cp_error *err)
{
	struct cp_vm_config probe = *c;
	char console[PATH_MAX];
	struct cp_vm_outcome o;
	int fd, ret;

	*out = accel;
	if (strcmp(accel, "auto"))
		return 0;
	*out = "tcg";
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	close(fd);
	if (snprintf(console, sizeof(console), "%s.kvm-probe", c->console) >= (int)sizeof(console))
		return cp_error_set(err, CP_ERR_IO, "path too long: %s", c->console);
	probe.accel = "kvm";
	probe.console = console;
	probe.boot_timeout = probe_s;
	probe.run_timeout = 1;
	ret = qemu_run(pool, &probe, &o, err);
	if (ret)
		return ret;
	if (cp_vm_file_has(console, "Linux version"))
		*out = "kvm";
	return 0;
}

const struct cp_vm_ops cp_vm_qemu_ops = {
	.type = "qemu",
	.run = qemu_run,
	.choose_accel = qemu_choose_accel,
};
