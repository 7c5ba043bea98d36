/*
 * One QEMU boot per run: command line, boot/run timeouts (a timer child in
 * the same pool), the KVM probe, and the verdict from the console log.
 */
#include "report/report.h"
#include "run/exec.h"
#include "run/qemu.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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
	v[n++] = c->qemu ? c->qemu : "qemu-system-x86_64";
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

/* Offset of the first line holding mark, or -1. */
static long find_mark(const char *buf, size_t len, const char *mark)
{
	const char *p = memmem(buf, len, mark, strlen(mark));

	return p ? (long)(p - buf) : -1;
}

int cp_vm_judge(const char *buf, size_t len, bool timed_out, bool in_boot,
		unsigned timeout_s, struct cp_vm_outcome *out, struct cp_error *err)
{
	struct cp_report *rep = NULL;
	long user, basic_ok, basic_fail, repro, done;
	int ret;

	out->result = CP_VM_OK;
	out->text[0] = '\0';
	user = find_mark(buf, len, CP_VM_MARK_USER "\r");
	if (user < 0)
		user = find_mark(buf, len, CP_VM_MARK_USER "\n");
	basic_ok = find_mark(buf, len, CP_VM_MARK_BASIC_OK);
	basic_fail = find_mark(buf, len, CP_VM_MARK_BASIC_FAIL);
	repro = find_mark(buf, len, CP_VM_MARK_REPRO);
	done = find_mark(buf, len, CP_VM_MARK_EXIT);

	ret = cp_report_parse(buf, len, &rep, err);
	if (ret)
		return ret;
	if (rep) {
		long at = (long)rep->start;

		if (user < 0 || at < user) {
			out->result = CP_VM_BOOT_FAILED;
			snprintf(out->text, sizeof(out->text), "boot failed: %s", rep->title);
		} else if (repro < 0 || at < repro) {
			out->result = CP_VM_BASIC_FAILED;
			snprintf(out->text, sizeof(out->text), "basic kernel testing failed: %s",
				 rep->title);
		} else {
			out->result = CP_VM_CRASHED;
			snprintf(out->text, sizeof(out->text), "crashed: %s", rep->title);
		}
		cp_report_free(rep);
		return 0;
	}
	if (len == 0) {
		out->result = CP_VM_INFRA;
		snprintf(out->text, sizeof(out->text), "infra problem: no output from the VM%s",
			 timed_out ? " before the timeout" : "");
	} else if (user < 0) {
		out->result = CP_VM_BOOT_FAILED;
		if (timed_out)
			snprintf(out->text, sizeof(out->text),
				 "boot failed: no user space after %u s", timeout_s);
		else
			snprintf(out->text, sizeof(out->text),
				 "boot failed: the VM stopped before user space started");
	} else if (basic_fail >= 0 || basic_ok < 0) {
		out->result = CP_VM_BASIC_FAILED;
		snprintf(out->text, sizeof(out->text), "basic kernel testing failed: %s",
			 timed_out ? "timed out" : "the basic test did not pass");
	} else if (timed_out && done < 0) {
		/* the reproducer hangs the machine: syzkaller's title */
		out->result = CP_VM_CRASHED;
		snprintf(out->text, sizeof(out->text), "crashed: no output from test machine");
	} else if (done < 0 && repro >= 0) {
		out->result = CP_VM_CRASHED;
		snprintf(out->text, sizeof(out->text),
			 "crashed: lost connection to test machine");
	} else {
		snprintf(out->text, sizeof(out->text), "OK");
	}
	(void)in_boot;
	return 0;
}

static int read_log(const char *path, char **out, size_t *len, struct cp_error *err)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	*len = 0;
	if (fd < 0) {
		if (errno == ENOENT) {
			*out = calloc(1, 1);
			return *out ? 0 : cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
		return cp_error_set(err, CP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		return cp_error_set(err, CP_ERR_IO, "cannot stat %s", path);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

static bool file_has(const char *path, const char *mark)
{
	char *buf = NULL;
	size_t len = 0;
	bool found;

	if (read_log(path, &buf, &len, NULL))
		return false;
	found = memmem(buf, len, mark, strlen(mark)) != NULL;
	free(buf);
	return found;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts `sleep secs` as a timer child; its id in *id. */
static int start_timer(struct cp_run_pool *pool, unsigned secs, int *id, struct cp_error *err)
{
	char s[32];
	const char *argv[] = { "sleep", s, NULL };
	struct cp_run_spec spec = { 0 };

	snprintf(s, sizeof(s), "%u", secs);
	spec.argv = argv;
	spec.grace_ms = 100;
	return cp_run_start(pool, &spec, id, err);
}

int cp_qemu_run(struct cp_run_pool *pool, const struct cp_vm_config *c,
		struct cp_vm_outcome *out, struct cp_error *err)
{
	unsigned boot_t = c->boot_timeout ? c->boot_timeout : 120;
	unsigned run_t = c->run_timeout ? c->run_timeout : 300;
	char qlog[PATH_MAX];
	char **argv = NULL;
	char *log = NULL;
	size_t len = 0;
	struct cp_run_spec spec = { 0 };
	struct cp_run_result res = { 0 };
	bool timed_out = false, in_boot = true, qemu_done = false;
	int qid = -1, tid = -1, ret;
	double t0;

	memset(out, 0, sizeof(*out));
	if (snprintf(qlog, sizeof(qlog), "%s.qemu", c->console) >= (int)sizeof(qlog))
		return cp_error_set(err, CP_ERR_IO, "path too long: %s", c->console);
	ret = cp_qemu_argv(c, &argv, err);
	if (ret)
		return ret;
	unlink(c->console);
	spec.argv = (const char *const *)argv;
	spec.stdout_path = qlog;
	spec.stderr_path = qlog;
	spec.timeout_ms = (uint64_t)(boot_t + run_t) * 1000;
	spec.grace_ms = 1000;
	t0 = now_s();
	ret = cp_run_start(pool, &spec, &qid, err);
	if (ret == CP_ERR_CHILD) {
		out->result = CP_VM_INFRA;
		snprintf(out->text, sizeof(out->text), "infra problem: %.900s", err->msg);
		cp_error_clear(err);
		ret = 0;
		goto out;
	}
	if (ret)
		goto out;
	ret = start_timer(pool, boot_t, &tid, err);
	while (!ret && !qemu_done) {
		ret = cp_run_wait(pool, &res, err);
		if (ret)
			break;
		if (res.status.cancelled || cp_run_pool_cancelled(pool)) {
			cp_run_result_dispose(&res);
			cp_run_kill_all(pool);
			ret = cp_error_set(err, CP_ERR_INTERRUPTED, "VM run interrupted");
			break;
		}
		if (res.id == qid) {
			qemu_done = true;
			timed_out = res.status.timed_out;
			if (!timed_out && res.status.exit_code != 0 &&
			    !file_has(c->console, "Linux version")) {
				char *q = NULL;
				size_t qlen = 0;

				out->result = CP_VM_INFRA;
				if (!read_log(qlog, &q, &qlen, NULL) && qlen)
					snprintf(out->text, sizeof(out->text),
						 "infra problem: qemu: %.*s",
						 (int)strcspn(q, "\r\n"), q);
				else
					snprintf(out->text, sizeof(out->text),
						 "infra problem: qemu exited with status %d",
						 res.status.exit_code);
				free(q);
			}
		} else if (res.id == tid) {
			tid = -1;
			if (in_boot && !file_has(c->console, CP_VM_MARK_USER)) {
				/* the boot timeout: stop QEMU */
				timed_out = true;
				cp_run_result_dispose(&res);
				cp_run_kill_all(pool);
				qemu_done = true;
				break;
			}
			in_boot = false;
			out->boot_s = now_s() - t0;
		}
		cp_run_result_dispose(&res);
	}
	if (!ret && tid >= 0)
		cp_run_kill_all(pool);	/* the timer */
	if (ret)
		goto out;
	out->total_s = now_s() - t0;
	if (out->result == CP_VM_INFRA)
		goto out;
	ret = read_log(c->console, &log, &len, err);
	if (!ret)
		ret = cp_vm_judge(log, len, timed_out, in_boot, in_boot ? boot_t : run_t, out, err);
out:
	free(log);
	cp_qemu_argv_free(argv);
	return ret;
}

int cp_qemu_choose_accel(struct cp_run_pool *pool, const struct cp_vm_config *c,
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
	ret = cp_qemu_run(pool, &probe, &o, err);
	if (ret)
		return ret;
	if (file_has(console, "Linux version"))
		*out = "kvm";
	return 0;
}
