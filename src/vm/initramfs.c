/*
 * The VM's initramfs: a newc cpio written here (no cpio(1), no root needed
 * for device nodes), holding busybox, /repro and /init; gzip'ed by gzip(1)
 * through the executor when it is installed.
 */
#include "run/exec.h"
#include "vm/initramfs.h"
#include "vm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- cpio ---- */

void cp_cpio_init(struct cp_cpio *c)
{
	memset(c, 0, sizeof(*c));
}

void cp_cpio_dispose(struct cp_cpio *c)
{
	free(c->data);
	cp_cpio_init(c);
}

static int reserve(struct cp_cpio *c, size_t n, struct cp_error *err)
{
	size_t cap;
	char *p;

	if (c->cap - c->len >= n)
		return 0;
	cap = c->cap ? c->cap : 65536;
	while (cap - c->len < n) {
		if (cap > SIZE_MAX / 2)
			return cp_error_set(err, CP_ERR_NOMEM, "cpio archive too large");
		cap *= 2;
	}
	p = realloc(c->data, cap);
	if (!p)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	c->data = p;
	c->cap = cap;
	return 0;
}

static void pad4(struct cp_cpio *c)
{
	while (c->len % 4)
		c->data[c->len++] = '\0';
}

int cp_cpio_add(struct cp_cpio *c, const char *name, unsigned mode,
		const void *data, size_t len, unsigned rdev_major,
		unsigned rdev_minor, struct cp_error *err)
{
	size_t namesz = strlen(name) + 1;
	char hdr[111];
	int ret;

	if (len > 0xffffffffu)
		return cp_error_set(err, CP_ERR_INPUT, "%s: too large for cpio", name);
	ret = reserve(c, 110 + namesz + 4 + len + 4, err);
	if (ret)
		return ret;
	/* magic ino mode uid gid nlink mtime filesize devmaj devmin rdevmaj rdevmin namesize check */
	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 strcmp(name, "TRAILER!!!") ? ++c->ino : 0, mode, 0u, 0u,
		 (mode & S_IFMT) == S_IFDIR ? 2u : 1u, 0u, (unsigned)len, 0u, 0u,
		 rdev_major, rdev_minor, (unsigned)namesz, 0u);
	memcpy(c->data + c->len, hdr, 110);
	c->len += 110;
	memcpy(c->data + c->len, name, namesz);
	c->len += namesz;
	pad4(c);
	if (len)
		memcpy(c->data + c->len, data, len);
	c->len += len;
	pad4(c);
	return 0;
}

int cp_cpio_finish(struct cp_cpio *c, struct cp_error *err)
{
	return cp_cpio_add(c, "TRAILER!!!", 0, NULL, 0, 0, 0, err);
}

/* ---- the image ---- */

static const char init_script[] =
	"#!/bin/busybox sh\n"
	"/bin/busybox --install -s /bin\n"
	"export PATH=/bin:/sbin\n"
	"mount -t proc proc /proc\n"
	"mount -t sysfs sysfs /sys\n"
	"mount -t devtmpfs devtmpfs /dev 2>/dev/null\n"
	"mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null\n"
	"mount -t tmpfs tmpfs /tmp 2>/dev/null\n"
	"echo '" CP_VM_MARK_USER "'\n"
	"# basic kernel testing: processes, pipes, files, /proc, a short sleep\n"
	"if cat /proc/version >/dev/null && echo basic >/tmp/basic &&\n"
	"   [ \"$(cat /tmp/basic | tr a-z A-Z)\" = BASIC ] &&\n"
	"   sleep 0.1 && ls /proc/self/fd >/dev/null && rm /tmp/basic; then\n"
	"	echo '" CP_VM_MARK_BASIC_OK "'\n"
	"else\n"
	"	echo '" CP_VM_MARK_BASIC_FAIL "'\n"
	"	reboot -f\n"
	"fi\n"
	"# the boot test (culprit vm-run --boot) stops here\n"
	"if grep -q '" CP_VM_BOOT_TEST_ARG "' /proc/cmdline; then\n"
	"	echo '" CP_VM_MARK_BOOT_DONE "'\n"
	"	reboot -f\n"
	"fi\n"
	"echo '" CP_VM_MARK_REPRO "'\n"
	"/repro\n"
	"echo \"" CP_VM_MARK_EXIT " $?\"\n"
	"reboot -f\n";

const char *cp_initramfs_init_script(void)
{
	return init_script;
}

static int slurp(const char *path, char **out, size_t *len, struct cp_error *err)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	if (fd < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cp_error_set(err, CP_ERR_IO, "%s: not a regular file", path);
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
		if (n <= 0) {
			free(buf);
			close(fd);
			return cp_error_set(err, CP_ERR_IO, "cannot read %s", path);
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

static int write_all(const char *path, const char *data, size_t len, struct cp_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t done = 0;

	if (fd < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return cp_error_set(err, CP_ERR_IO, "cannot write %s: %s", path, strerror(e));
		}
		done += (size_t)n;
	}
	if (close(fd) < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* Compiles a C reproducer statically; the first compiler line on failure. */
static int compile_repro(const char *src, const char *bin, struct cp_error *err)
{
	const char *argv[] = { "gcc", "-static", "-O1", "-pthread", "-o", bin, src, NULL };
	struct cp_run_spec spec = { 0 };
	struct cp_run_result res = { 0 };
	int ret;

	spec.argv = argv;
	spec.timeout_ms = 300000;
	ret = cp_run_one(&spec, &res, err);
	if (ret)
		return ret;
	if (res.status.exit_code != 0) {
		/* gcc's first "error:" line, else its first line */
		const char *e = res.tail ? strstr(res.tail, "error:") : NULL, *line = res.tail ? res.tail : "";

		if (e) {
			while (e > res.tail && e[-1] != '\n')
				e--;
			line = e;
		}
		ret = cp_error_set(err, CP_ERR_INPUT, "gcc -static %s failed: %.*s", src,
				   (int)strcspn(line, "\n"), line);
	}
	cp_run_result_dispose(&res);
	return ret;
}

int cp_initramfs_check_repro(const char *src, struct cp_error *err)
{
	const char *tmp = getenv("TMPDIR");
	char bin[PATH_MAX];
	int fd, ret;

	snprintf(bin, sizeof(bin), "%s/culprit-repro-check.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	fd = mkstemp(bin);
	if (fd < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot create a temporary file: %s", strerror(errno));
	close(fd);
	ret = compile_repro(src, bin, err);
	unlink(bin);
	return ret;
}

static bool have_gzip(void)
{
	return access("/bin/gzip", X_OK) == 0 || access("/usr/bin/gzip", X_OK) == 0;
}

static int gzip_file(const char *path, struct cp_error *err)
{
	const char *argv[] = { "gzip", "-n", "-f", "-6", path, NULL };
	struct cp_run_spec spec = { 0 };
	struct cp_run_result res = { 0 };
	int ret;

	spec.argv = argv;
	spec.timeout_ms = 120000;
	ret = cp_run_one(&spec, &res, err);
	if (!ret && res.status.exit_code != 0)
		ret = cp_error_set(err, CP_ERR_CHILD, "gzip %s failed", path);
	cp_run_result_dispose(&res);
	return ret;
}

int cp_initramfs_build(const char *out, enum cp_repro_kind kind,
		       const char *repro, const char *busybox,
		       struct cp_error *err)
{
	static const char *const dirs[] = { "bin", "sbin", "dev", "proc", "sys", "tmp",
					    "root", "etc", "sys/kernel", NULL };
	char tmp[PATH_MAX], bin[PATH_MAX], gz[PATH_MAX + 4];
	char *bb = NULL, *rp = NULL;
	size_t bblen = 0, rplen = 0, i;
	struct cp_cpio c;
	int ret;

	cp_cpio_init(&c);
	if (!busybox)
		busybox = "/bin/busybox";
	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", out, (int)getpid()) >= (int)sizeof(tmp) ||
	    snprintf(bin, sizeof(bin), "%s.%d.repro", out, (int)getpid()) >= (int)sizeof(bin))
		return cp_error_set(err, CP_ERR_IO, "path too long: %s", out);
	snprintf(gz, sizeof(gz), "%s.gz", tmp);
	ret = slurp(busybox, &bb, &bblen, err);
	if (ret) {
		cp_error_prefix(err, "busybox (apt-get install busybox-static)");
		goto out;
	}
	if (kind == CP_REPRO_C) {
		ret = compile_repro(repro, bin, err);
		if (!ret)
			ret = slurp(bin, &rp, &rplen, err);
		unlink(bin);
	} else {
		ret = slurp(repro, &rp, &rplen, err);
	}
	if (ret)
		goto out;

	ret = cp_cpio_add(&c, ".", S_IFDIR | 0755, NULL, 0, 0, 0, err);
	for (i = 0; !ret && dirs[i]; i++)
		ret = cp_cpio_add(&c, dirs[i], S_IFDIR | 0755, NULL, 0, 0, 0, err);
	if (!ret)
		ret = cp_cpio_add(&c, "dev/console", S_IFCHR | 0600, NULL, 0, 5, 1, err);
	if (!ret)
		ret = cp_cpio_add(&c, "dev/null", S_IFCHR | 0666, NULL, 0, 1, 3, err);
	if (!ret)
		ret = cp_cpio_add(&c, "bin/busybox", S_IFREG | 0755, bb, bblen, 0, 0, err);
	if (!ret)
		ret = cp_cpio_add(&c, "bin/sh", S_IFLNK | 0777, "busybox", 7, 0, 0, err);
	if (!ret && kind == CP_REPRO_SH && (rplen < 2 || memcmp(rp, "#!", 2))) {
		/* a script without #! runs with busybox sh */
		char *p = malloc(rplen + 11);

		if (!p) {
			ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			goto out;
		}
		memcpy(p, "#!/bin/sh\n", 10);
		memcpy(p + 10, rp, rplen);
		free(rp);
		rp = p;
		rplen += 10;
	}
	if (!ret)
		ret = cp_cpio_add(&c, "repro", S_IFREG | 0755, rp, rplen, 0, 0, err);
	if (!ret)
		ret = cp_cpio_add(&c, "init", S_IFREG | 0755, init_script, strlen(init_script),
				  0, 0, err);
	if (!ret)
		ret = cp_cpio_finish(&c, err);
	if (!ret)
		ret = write_all(tmp, c.data, c.len, err);
	if (ret)
		goto out;
	if (have_gzip()) {
		ret = gzip_file(tmp, err);
		if (!ret && rename(gz, out) < 0)
			ret = cp_error_set(err, CP_ERR_IO, "cannot rename %s: %s", gz, strerror(errno));
	} else if (rename(tmp, out) < 0) {
		ret = cp_error_set(err, CP_ERR_IO, "cannot rename %s: %s", tmp, strerror(errno));
	}
out:
	unlink(tmp);
	unlink(gz);
	free(bb);
	free(rp);
	cp_cpio_dispose(&c);
	return ret;
}
