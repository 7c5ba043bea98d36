/*
 * The kernel builder: one build (olddefconfig, bzImage + vmlinux) with a
 * cache keyed by tree id, config hash and compiler.
 */
#include "util/fs.h"
#include "kernel/internal.h"
#include "kernel/kernel.h"
#include "run/exec.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KBUILD_TIMESTAMP "Sat Jan  1 00:00:00 UTC 2000"

/* ---- build errors ---- */

void cp_kernel_first_error(const char *buf, size_t len, char *out, size_t size)
{
	const char *p = buf, *end = buf + len, *make_err = NULL;
	size_t make_len = 0;

	if (size)
		out[0] = '\0';
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (memmem(p, n, "error:", 6) || memmem(p, n, "Error:", 6) ||
		    memmem(p, n, "undefined reference to", 22)) {
			while (n && (p[n - 1] == '\r'))
				n--;
			snprintf(out, size, "%.*s", (int)n, p);
			return;
		}
		if (!make_err && memmem(p, n, "*** ", 4)) {
			make_err = p;
			make_len = n;
		}
		p = nl ? nl + 1 : end;
	}
	if (make_err)
		snprintf(out, size, "%.*s", (int)make_len, make_err);
}

/* ---- one build ---- */

void cp_kernel_build_result_dispose(struct cp_kernel_build_result *res)
{
	cp_kernel_strv_free(res->dropped);
	cp_kernel_strv_free(res->unknown);
	memset(res, 0, sizeof(*res));
}

/* Splits a command on spaces into a NULL-terminated vector (malloc'ed). */
static char **split_words(const char *s)
{
	size_t n = 0, cap = 8;
	char **v = calloc(cap, sizeof(*v));

	if (!v)
		return NULL;
	while (*s) {
		size_t len;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		len = strcspn(s, " \t");
		if (n + 2 > cap) {
			char **p = realloc(v, cap * 2 * sizeof(*v));

			if (!p)
				goto fail;
			v = p;
			cap *= 2;
		}
		v[n] = strndup(s, len);
		if (!v[n])
			goto fail;
		v[++n] = NULL;
		s += len;
	}
	return v;
fail:
	cp_kernel_strv_free(v);
	return NULL;
}

/* Runs argv in a pool and waits; *status gets how it ended. */
static int run_wait(struct cp_run_pool *pool, const char *const *argv, const char *cwd,
		    const char *const *env, const char *log, struct cp_run_result *res,
		    struct cp_error *err)
{
	struct cp_run_spec spec = { 0 };
	int ret;

	spec.argv = argv;
	spec.cwd = cwd;
	spec.env = env;
	spec.stdout_path = log;
	spec.stderr_path = log;
	spec.tail_max = 256 * 1024;
	ret = cp_run_start(pool, &spec, NULL, err);
	if (!ret)
		ret = cp_run_wait(pool, res, err);
	if (!ret && (res->status.cancelled || cp_run_pool_cancelled(pool))) {
		cp_run_result_dispose(res);
		return cp_error_set(err, CP_ERR_INTERRUPTED, "kernel build interrupted");
	}
	return ret;
}

static int compiler_line(struct cp_run_pool *pool, const char *cc, char *out, size_t size,
			 struct cp_error *err)
{
	char **words = split_words(cc);
	struct cp_run_result res = { 0 };
	char **argv = NULL;
	size_t n = 0;
	int ret;

	snprintf(out, size, "%s", cc);
	if (!words)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	while (words[n])
		n++;
	argv = calloc(n + 2, sizeof(*argv));
	if (!argv) {
		cp_kernel_strv_free(words);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	memcpy(argv, words, n * sizeof(*argv));
	argv[n] = (char *)"--version";
	ret = run_wait(pool, (const char *const *)argv, NULL, NULL, NULL, &res, err);
	free(argv);
	cp_kernel_strv_free(words);
	if (ret == CP_ERR_CHILD)
		return cp_error_set(err, CP_ERR_CHILD, "compiler '%s' cannot be run", cc);
	if (ret)
		return ret;
	if (res.status.exit_code == 0 && res.tail_len)
		snprintf(out, size, "%.*s", (int)strcspn(res.tail, "\n"), res.tail);
	cp_run_result_dispose(&res);
	return 0;
}

static int tree_id(const char *src, char out[GIT_OID_HEXSZ + 1], struct cp_error *err)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	int ret = 0;

	out[0] = '\0';
	if (git_libgit2_init() < 0)
		return cp_error_set(err, CP_ERR_INTERNAL, "libgit2 init failed");
	if (git_repository_open_ext(&repo, src, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 ||
	    git_revparse_single(&obj, repo, "HEAD^{tree}") < 0) {
		const git_error *e = git_error_last();

		ret = cp_error_set(err, CP_ERR_NOT_REPO, "%s: no tree for HEAD: %s", src,
				   e ? e->message : "unknown error");
	} else {
		git_oid_tostr(out, GIT_OID_HEXSZ + 1, git_object_id(obj));
	}
	git_object_free(obj);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return ret;
}

static int sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1)
		return CP_ERR_INTERNAL;
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static int path_join(char *buf, size_t size, const char *a, const char *b,
		     struct cp_error *err)
{
	if (snprintf(buf, size, "%s/%s", a, b) >= (int)size)
		return cp_error_set(err, CP_ERR_IO, "path too long: %s/%s", a, b);
	return 0;
}

/* Copies bzImage, vmlinux, config and signature from dir to artifacts. */
static int copy_outputs(const char *from_bz, const char *from_vmlinux, const char *from_config,
			const char *artifacts, bool may_link, struct cp_error *err)
{
	char p[PATH_MAX];
	int ret;

	ret = path_join(p, sizeof(p), artifacts, "bzImage", err);
	if (!ret)
		ret = kn_copy_file(from_bz, p, may_link, err);
	if (!ret)
		ret = path_join(p, sizeof(p), artifacts, "vmlinux", err);
	if (!ret)
		ret = kn_copy_file(from_vmlinux, p, may_link, err);
	if (!ret && from_config) {
		ret = path_join(p, sizeof(p), artifacts, "config", err);
		if (!ret)
			ret = kn_copy_file(from_config, p, may_link, err);
	}
	return ret;
}

static int write_signature(const char *dir, const char *sig, struct cp_error *err)
{
	char p[PATH_MAX], line[80];
	int ret = path_join(p, sizeof(p), dir, "signature", err);

	snprintf(line, sizeof(line), "%s\n", sig);
	return ret ? ret : kn_write_file(p, line, strlen(line), err);
}

/* A cached build: fills res and artifacts; 1 when found. */
static int from_cache(const char *entry, const char *artifacts,
		      struct cp_kernel_build_result *res, struct cp_error *err)
{
	char bz[PATH_MAX], vm[PATH_MAX], cfg[PATH_MAX], sigp[PATH_MAX];
	char *sig = NULL;
	int ret;

	if (path_join(bz, sizeof(bz), entry, "bzImage", err) ||
	    path_join(vm, sizeof(vm), entry, "vmlinux", err) ||
	    path_join(cfg, sizeof(cfg), entry, "config", err) ||
	    path_join(sigp, sizeof(sigp), entry, "signature", err))
		return err->code;
	if (access(sigp, R_OK) || access(bz, R_OK) || access(vm, R_OK))
		return 0;
	ret = kn_read_file(sigp, &sig, NULL, err);
	if (ret)
		return ret;
	sig[strcspn(sig, "\n")] = '\0';
	if (strlen(sig) != 64) {
		free(sig);
		return 0;
	}
	snprintf(res->signature, sizeof(res->signature), "%s", sig);
	free(sig);
	ret = copy_outputs(bz, vm, access(cfg, R_OK) ? NULL : cfg, artifacts, true, err);
	if (!ret)
		ret = write_signature(artifacts, res->signature, err);
	return ret ? ret : 1;
}

int cp_kernel_build(const struct cp_kernel_spec *spec, const char *src,
		    const char *artifacts, const char *log,
		    struct cp_run_pool *pool, struct cp_kernel_build_result *res,
		    struct cp_error *err)
{
	char tree[GIT_OID_HEXSZ + 1], cfg_hash[65], key[65], entry[PATH_MAX];
	char bdir[PATH_MAX], cdir[PATH_MAX], p[PATH_MAX], bz[PATH_MAX], vm[PATH_MAX];
	char srcabs[PATH_MAX], cc_arg[PATH_MAX + 16], o_arg[PATH_MAX + 4], j_arg[32];
	char *cfg = NULL, *old = NULL, *keytext = NULL, *built_cfg = NULL, *logtext = NULL;
	size_t cfg_len = 0, old_len = 0, log_len = 0;
	struct cp_kernel_version ver;
	struct cp_run_result rr = { 0 };
	const char *cc;
	struct timespec t0, t1;
	const char *env[] = {
		"KBUILD_BUILD_TIMESTAMP=" KBUILD_TIMESTAMP,
		"KBUILD_BUILD_USER=culprit",
		"KBUILD_BUILD_HOST=culprit",
		"KBUILD_BUILD_VERSION=1",
		"LOCALVERSION=",
		NULL,
	};
	const char *argv[12];
	unsigned jobs;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!realpath(src, srcabs))
		return cp_error_set(err, CP_ERR_IO, "%s: %s", src, strerror(errno));
	ret = cp_mkdir_p(artifacts, err);
	if (ret)
		return ret;
	if (spec->build_dir)
		snprintf(bdir, sizeof(bdir), "%s", spec->build_dir);
	else if (snprintf(bdir, sizeof(bdir), "%s/../../kernel-build", artifacts) >= (int)sizeof(bdir))
		return cp_error_set(err, CP_ERR_IO, "path too long: %s", artifacts);
	if (spec->cache_dir)
		snprintf(cdir, sizeof(cdir), "%s", spec->cache_dir);
	else if (snprintf(cdir, sizeof(cdir), "%s/../../kernel-cache", artifacts) >= (int)sizeof(cdir))
		return cp_error_set(err, CP_ERR_IO, "path too long: %s", artifacts);
	ret = cp_mkdir_p(bdir, err);
	if (!ret)
		ret = cp_mkdir_p(cdir, err);
	if (ret)
		return ret;
	if (!realpath(bdir, p))
		return cp_error_set(err, CP_ERR_IO, "%s: %s", bdir, strerror(errno));
	snprintf(bdir, sizeof(bdir), "%s", p);

	/* the compiler for this tree's version */
	ret = cp_kernel_version(srcabs, &ver, err);
	if (ret)
		return ret;
	{
		struct cp_kernel_choice choice;

		cp_kernel_choose_compiler(spec->compilers, spec->ncompilers, ver, NULL, &choice);
		snprintf(res->compiler_note, sizeof(res->compiler_note), "%s", choice.note);
		if (!choice.cc) {
			/* not buildable here: a skip with the reason, not an error */
			snprintf(res->error_line, sizeof(res->error_line), "%s", choice.note);
			snprintf(res->compiler_line, sizeof(res->compiler_line), "none");
			return 0;
		}
		cc = choice.cc;
	}
	/* a tree without Kconfig tools cannot be configured: a skip too */
	if (path_join(p, sizeof(p), srcabs, "scripts/kconfig", err))
		return err->code;
	if (access(p, F_OK)) {
		snprintf(res->error_line, sizeof(res->error_line),
			 "%.400s has no scripts/kconfig: not a kernel tree culprit can configure",
			 srcabs);
		return 0;
	}
	ret = compiler_line(pool, cc, res->compiler_line, sizeof(res->compiler_line), err);
	if (ret)
		return ret;

	/* the cache key: tree id, config, compiler */
	ret = tree_id(srcabs, tree, err);
	if (!ret)
		ret = kn_read_file(spec->config, &cfg, &cfg_len, err);
	if (ret)
		goto out;
	if (sha256_hex(cfg, cfg_len, cfg_hash) < 0 ||
	    asprintf(&keytext, "%s\n%s\n%s\n%s\n", tree, cfg_hash, cc, res->compiler_line) < 0 ||
	    sha256_hex(keytext, strlen(keytext), key) < 0) {
		keytext = NULL;
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (path_join(entry, sizeof(entry), cdir, key, err)) {
		ret = err->code;
		goto out;
	}
	ret = from_cache(entry, artifacts, res, err);
	if (ret < 0)
		goto out;
	if (ret == 1) {
		res->ok = true;
		res->cached = true;
		ret = 0;
		goto out;
	}

	/* the user's config, rewritten only when it changed (keeps mtimes) */
	ret = path_join(p, sizeof(p), bdir, ".culprit-config", err);
	if (ret)
		goto out;
	if (kn_read_file(p, &old, &old_len, NULL) || old_len != cfg_len || memcmp(old, cfg, cfg_len)) {
		char dot[PATH_MAX];

		ret = path_join(dot, sizeof(dot), bdir, ".config", err);
		if (!ret)
			ret = kn_write_file(dot, cfg, cfg_len, err);
		if (!ret)
			ret = kn_write_file(p, cfg, cfg_len, err);
		if (ret)
			goto out;
	}

	jobs = spec->jobs;
	if (!jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = n > 0 ? (unsigned)n : 1;
	}
	snprintf(o_arg, sizeof(o_arg), "O=%s", bdir);
	snprintf(j_arg, sizeof(j_arg), "-j%u", jobs);
	if (spec->ccache && cp_kernel_in_path("ccache"))
		snprintf(cc_arg, sizeof(cc_arg), "CC=ccache %s", cc);
	else
		snprintf(cc_arg, sizeof(cc_arg), "CC=%s", cc);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	argv[0] = "make";
	argv[1] = "-C";
	argv[2] = srcabs;
	argv[3] = o_arg;
	argv[4] = cc_arg;
	argv[5] = "LOCALVERSION=";
	argv[6] = "olddefconfig";
	argv[7] = NULL;
	ret = path_join(p, sizeof(p), artifacts, "olddefconfig.log", err);
	if (!ret)
		ret = run_wait(pool, argv, srcabs, env, p, &rr, err);
	if (ret)
		goto out;
	if (rr.status.exit_code != 0) {
		cp_kernel_first_error(rr.tail, rr.tail_len, res->error_line, sizeof(res->error_line));
		if (!res->error_line[0])
			snprintf(res->error_line, sizeof(res->error_line),
				 "make olddefconfig failed (exit %d)", rr.status.exit_code);
		goto failed;
	}
	cp_run_result_dispose(&rr);

	/* options that must hold */
	ret = path_join(p, sizeof(p), bdir, ".config", err);
	if (!ret)
		ret = kn_read_file(p, &built_cfg, NULL, err);
	if (!ret)
		ret = cp_kernel_config_check(built_cfg, spec->must, spec->nmust,
					     &res->dropped, &res->ndropped, err);
	/* options an older kernel does not know: olddefconfig dropped them */
	if (!ret)
		ret = cp_kconfig_unknown(cfg, built_cfg, &res->unknown, &res->nunknown, err);
	if (ret)
		goto out;

	argv[6] = j_arg;
	argv[7] = "bzImage";
	argv[8] = "vmlinux";
	argv[9] = NULL;
	ret = run_wait(pool, argv, srcabs, env, log, &rr, err);
	if (ret)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rr.status.exit_code != 0) {
		if (log && !kn_read_file(log, &logtext, &log_len, NULL))
			cp_kernel_first_error(logtext, log_len, res->error_line,
					      sizeof(res->error_line));
		if (!res->error_line[0])
			cp_kernel_first_error(rr.tail, rr.tail_len, res->error_line,
					      sizeof(res->error_line));
		if (!res->error_line[0])
			snprintf(res->error_line, sizeof(res->error_line),
				 "make failed (exit %d)", rr.status.exit_code);
		goto failed;
	}

	/* outputs, signature, cache entry */
	ret = path_join(bz, sizeof(bz), bdir, "arch/x86/boot/bzImage", err);
	if (!ret)
		ret = path_join(vm, sizeof(vm), bdir, "vmlinux", err);
	if (!ret)
		ret = cp_kernel_signature(vm, res->signature, err);
	if (!ret)
		ret = copy_outputs(bz, vm, p, artifacts, false, err);
	if (!ret)
		ret = write_signature(artifacts, res->signature, err);
	if (ret)
		goto out;
	res->ok = true;
	/* a cache entry is best effort: a full disk must not fail the build */
	if (!cp_mkdir_p(entry, NULL)) {
		char abz[PATH_MAX], avm[PATH_MAX], acfg[PATH_MAX];

		/* from the artifacts (copies), linked when on one filesystem */
		if (!path_join(abz, sizeof(abz), artifacts, "bzImage", NULL) &&
		    !path_join(avm, sizeof(avm), artifacts, "vmlinux", NULL) &&
		    !path_join(acfg, sizeof(acfg), artifacts, "config", NULL) &&
		    !copy_outputs(abz, avm, acfg, entry, true, NULL))
			write_signature(entry, res->signature, NULL);
	}
	ret = 0;
	goto out;
failed:
	res->ok = false;
	ret = 0;
out:
	cp_run_result_dispose(&rr);
	free(cfg);
	free(old);
	free(keytext);
	free(built_cfg);
	free(logtext);
	return ret;
}

