/*
 * The run loop shared by the VM types: the VM program and a timer child in
 * one pool, the boot timeout (no user space marker yet: kill), the run
 * timeout (the executor's), cancellation, then the console's verdict.
 */
#include "run/exec.h"
#include "vm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

bool cp_vm_file_has(const char *path, const char *mark)
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

int cp_vm_boot(struct cp_run_pool *pool, const struct cp_vm_config *c,
	       const char *label, const char *const *argv,
	       const char *side_log,
	       struct cp_vm_outcome *out, struct cp_error *err)
{
	unsigned boot_t = c->boot_timeout ? c->boot_timeout : 120;
	unsigned run_t = c->run_timeout ? c->run_timeout : 300;
	char *log = NULL;
	size_t len = 0;
	struct cp_run_spec spec = { 0 };
	struct cp_run_result res = { 0 };
	bool timed_out = false, in_boot = true, vm_done = false;
	int vid = -1, tid = -1, ret;
	double t0;

	memset(out, 0, sizeof(*out));
	unlink(c->console);
	spec.argv = argv;
	spec.stdout_path = side_log;
	spec.stderr_path = side_log;
	spec.timeout_ms = (uint64_t)(boot_t + run_t) * 1000;
	spec.grace_ms = 1000;
	t0 = now_s();
	ret = cp_run_start(pool, &spec, &vid, err);
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
	while (!ret && !vm_done) {
		ret = cp_run_wait(pool, &res, err);
		if (ret)
			break;
		if (res.status.cancelled || cp_run_pool_cancelled(pool)) {
			cp_run_result_dispose(&res);
			cp_run_kill_all(pool);
			ret = cp_error_set(err, CP_ERR_INTERRUPTED, "VM run interrupted");
			break;
		}
		if (res.id == vid) {
			vm_done = true;
			timed_out = res.status.timed_out;
			if (!timed_out && res.status.exit_code != 0 &&
			    !cp_vm_file_has(c->console, "Linux version")) {
				char *q = NULL;
				size_t qlen = 0;

				out->result = CP_VM_INFRA;
				if (!read_log(side_log, &q, &qlen, NULL) && qlen)
					snprintf(out->text, sizeof(out->text),
						 "infra problem: %s: %.*s", label,
						 (int)strcspn(q, "\r\n"), q);
				else
					snprintf(out->text, sizeof(out->text),
						 "infra problem: %s exited with status %d",
						 label, res.status.exit_code);
				free(q);
			}
		} else if (res.id == tid) {
			tid = -1;
			if (in_boot && !cp_vm_file_has(c->console, CP_VM_MARK_USER)) {
				/* the boot timeout: stop the VM */
				timed_out = true;
				cp_run_result_dispose(&res);
				cp_run_kill_all(pool);
				vm_done = true;
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
	return ret;
}
