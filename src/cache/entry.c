/*
 * One cache entry (cache.h): publishing the artifacts of a build and
 * fetching them back, every byte checked against the manifest.
 *
 * manifest:
 *   culprit-cache 1
 *   sig <signature>
 *   bytes <total size of the files>
 *   F <sha256> <size> <mode> <path>      a regular file
 *   L <hex of the target> <path>         a symbolic link
 *   end <sha256 of every line above>
 */
#include "cache/internal.h"
#include "util/fs.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE (1 << 16)

static void to_hex(const unsigned char *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	out[2 * n] = '\0';
}

static int mkdir_parent(const char *path, struct cp_error *err)
{
	char dir[8800];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	return cp_mkdir_p(dir, err);
}

/*
 * Copies from to to (created with mode) and hashes the bytes; to NULL only
 * hashes.  0, or -1 with why set.
 */
static int copy_hash(const char *from, const char *to, mode_t mode, char hex[65],
		     uint64_t *size, unsigned char *buf, char *why, size_t whysize)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int in, outfd = -1, ret = 0;

	*size = 0;
	in = open(from, O_RDONLY | O_CLOEXEC);
	if (!ctx || in < 0 || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		snprintf(why, whysize, "cannot read %s: %s", from, ctx ? strerror(errno) : "out of memory");
		ret = -1;
	}
	if (!ret && to) {
		outfd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 0777);
		if (outfd < 0) {
			snprintf(why, whysize, "cannot write %s: %s", to, strerror(errno));
			ret = -1;
		}
	}
	while (!ret) {
		ssize_t n = read(in, buf, BUF_SIZE), w = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, whysize, "cannot read %s: %s", from, strerror(errno));
			ret = -1;
		}
		if (n <= 0)
			break;
		*size += (uint64_t)n;
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
			ret = -1;
		while (!ret && outfd >= 0 && w < n) {
			ssize_t k = write(outfd, buf + w, (size_t)(n - w));

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				snprintf(why, whysize, "cannot write %s: %s", to, strerror(errno));
				ret = -1;
			}
			w += k > 0 ? k : 0;
		}
	}
	if (!ret && EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		ret = -1;
	if (!ret)
		to_hex(md, mdlen, hex);
	if (outfd >= 0 && close(outfd) < 0 && !ret) {
		snprintf(why, whysize, "cannot write %s: %s", to, strerror(errno));
		ret = -1;
	}
	if (in >= 0)
		close(in);
	EVP_MD_CTX_free(ctx);
	return ret;
}

static int hash_text(const char *text, size_t n, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (EVP_Digest(text, n, md, &len, EVP_sha256(), NULL) != 1)
		return -1;
	to_hex(md, len, hex);
	return 0;
}

struct text {
	char *s;
	size_t len, cap;
};

static int text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
		if (t->s && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return 0;
		}
		{
			size_t cap = (t->cap + (size_t)n + 1) * 2;
			char *p = realloc(t->s, cap);

			if (!p)
				return -1;
			t->s = p;
			t->cap = cap;
		}
	}
}

int cp_cache_publish(struct cp_cache *c, const char *key, const char *root,
		     char *const *files, size_t nfiles, const char *sig, struct cp_error *err)
{
	char tmp[4300], path[8800], final[4300], why[4400], hex[65], end[65];
	size_t rl = strlen(root), i;
	struct text m = { 0 };
	unsigned char *buf = malloc(BUF_SIZE);
	uint64_t total = 0;
	int ret = 0;
	FILE *f;

	if (c->read_only) {
		free(buf);
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s/tmp/%s.%ld.%u", c->dir, key, (long)getpid(), c->seq++);
	if (!buf)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	if (cp_mkdir_p(tmp, err)) {
		free(buf);
		return cp_error_set(err, CP_ERR_IO, "cache: cannot create %s: %s", tmp, strerror(errno));
	}
	for (i = 0; i < nfiles && !ret; i++) {
		const char *rel = files[i];
		struct stat st;
		uint64_t size;

		if (!strncmp(rel, root, rl) && rel[rl] == '/')
			rel += rl + 1;
		if (rel[0] == '/' || strchr(rel, '\n') || strstr(rel, "..")) {
			ret = cp_error_set(err, CP_ERR_IO, "cache: artifact %s is outside the worktree",
					   files[i]);
			break;
		}
		snprintf(path, sizeof(path), "%s/files/%s", tmp, rel);
		if (lstat(files[i], &st) < 0 || mkdir_parent(path, err)) {
			ret = cp_error_set(err, CP_ERR_IO, "cache: %s: %s", files[i], strerror(errno));
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096], thex[8200];
			ssize_t n = readlink(files[i], target, sizeof(target) - 1);

			if (n < 0 || symlink((target[n > 0 ? n : 0] = '\0', target), path) < 0) {
				ret = cp_error_set(err, CP_ERR_IO, "cache: link %s: %s", files[i],
						   strerror(errno));
				break;
			}
			to_hex((unsigned char *)target, (size_t)n, thex);
			if (text_add(&m, "L %s %s\n", thex, rel))
				ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		} else if (copy_hash(files[i], path, st.st_mode, hex, &size, buf, why, sizeof(why))) {
			ret = cp_error_set(err, CP_ERR_IO, "cache: %s", why);
		} else {
			total += size;
			if (text_add(&m, "F %s %llu %o %s\n", hex, (unsigned long long)size,
				     (unsigned)(st.st_mode & 0777), rel))
				ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
	}
	free(buf);
	if (!ret) {
		struct text head = { 0 };

		if (text_add(&head, "%s\nsig %s\nbytes %llu\n%s", CP_CACHE__MAGIC, sig,
			     (unsigned long long)total, m.s ? m.s : "") ||
		    hash_text(head.s, head.len, end))
			ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		snprintf(path, sizeof(path), "%s/manifest", tmp);
		f = ret ? NULL : fopen(path, "w");
		if (!ret && (!f || fprintf(f, "%send %s\n", head.s, end) < 0 || fclose(f))) {
			if (f)
				fclose(f);
			ret = cp_error_set(err, CP_ERR_IO, "cache: cannot write %s: %s", path,
					   strerror(errno));
		}
		free(head.s);
	}
	free(m.s);
	snprintf(final, sizeof(final), "%s/entries/%s", c->dir, key);
	/* an entry published meanwhile (after a corrupt one was removed) wins */
	if (!ret && rename(tmp, final) < 0 && errno != EEXIST && errno != ENOTEMPTY)
		ret = cp_error_set(err, CP_ERR_IO, "cache: cannot publish %s: %s", final,
				   strerror(errno));
	cp_cache__remove_tree(tmp);
	if (!ret)
		cp_cache__evict(c, key);
	return ret;
}

static int from_hex(const char *hex, char *out, size_t size)
{
	size_t n = strlen(hex), i;

	if (n % 2 || n / 2 >= size)
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (char)v;
	}
	out[n / 2] = '\0';
	return 0;
}

/* Reads the manifest and checks its own hash: its lines, or NULL with why. */
static char *read_manifest(const char *path, char *why, size_t whysize)
{
	char *text = NULL, *endl, hex[65];
	size_t len = 0;
	FILE *f = fopen(path, "r");
	long sz;

	if (!f) {
		snprintf(why, whysize, "%s", errno == ENOENT ? "" : strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) > 0 && sz < (64 << 20) &&
	    fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)sz + 1)))
		len = fread(text, 1, (size_t)sz, f);
	fclose(f);
	if (!text) {
		snprintf(why, whysize, "unreadable manifest");
		return NULL;
	}
	text[len] = '\0';
	/* the last line "end <hash>" covers every line before it */
	endl = NULL;
	if (len > 70 && text[len - 1] == '\n') {
		text[len - 1] = '\0';
		endl = strrchr(text, '\n');
	}
	if (!endl || strncmp(endl + 1, "end ", 4) || hash_text(text, (size_t)(endl + 1 - text), hex) ||
	    strcmp(endl + 5, hex) || strncmp(text, CP_CACHE__MAGIC "\n", strlen(CP_CACHE__MAGIC) + 1)) {
		snprintf(why, whysize, "manifest damaged");
		free(text);
		return NULL;
	}
	endl[1] = '\0';
	return text;
}

int cp_cache_fetch(struct cp_cache *c, const char *key, const char *root, char *sig,
		   size_t sigsize, enum cp_cache_found *found, char *why, size_t whysize,
		   struct cp_error *err)
{
	char entry[4300], path[8800], dest[8800], hex[65];
	unsigned char *buf = NULL;
	char *text, *line, *save = NULL;
	int bad = 0;

	*found = CP_CACHE_MISS;
	sig[0] = '\0';
	why[0] = '\0';
	snprintf(entry, sizeof(entry), "%s/entries/%s", c->dir, key);
	snprintf(path, sizeof(path), "%s/manifest", entry);
	text = read_manifest(path, why, whysize);
	if (!text) {
		if (!why[0])
			return 0;	/* no entry */
		cp_cache__drop(c, key);
		*found = CP_CACHE_CORRUPT;
		return 0;
	}
	buf = malloc(BUF_SIZE);
	if (!buf) {
		free(text);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	for (line = strtok_r(text, "\n", &save); line && !bad; line = strtok_r(NULL, "\n", &save)) {
		char want[65], mode_s[16], rel[4200], thex[8200], target[4100];
		unsigned long long size;
		uint64_t got;

		if (!strncmp(line, "sig ", 4)) {
			snprintf(sig, sigsize, "%s", line + 4);
		} else if (line[0] == 'F' && sscanf(line, "F %64s %llu %15s %4199[^\n]", want, &size,
						    mode_s, rel) == 4) {
			snprintf(path, sizeof(path), "%s/files/%s", entry, rel);
			snprintf(dest, sizeof(dest), "%s/%s", root, rel);
			if (mkdir_parent(dest, err)) {
				free(buf);
				free(text);
				return cp_error_set(err, CP_ERR_IO, "cannot create the directory of %s: %s",
						    dest, strerror(errno));
			}
			unlink(dest);
			if (copy_hash(path, dest, (mode_t)strtoul(mode_s, NULL, 8), hex, &got, buf, why,
				      whysize))
				bad = 1;
			else if (got != size || strcmp(hex, want)) {
				snprintf(why, whysize, "%s: content does not match the manifest", rel);
				bad = 1;
			}
		} else if (line[0] == 'L' && sscanf(line, "L %8199s %4199[^\n]", thex, rel) == 2 &&
			   !from_hex(thex, target, sizeof(target))) {
			snprintf(dest, sizeof(dest), "%s/%s", root, rel);
			unlink(dest);
			if (mkdir_parent(dest, err) || symlink(target, dest) < 0) {
				snprintf(why, whysize, "cannot link %s: %s", dest, strerror(errno));
				bad = 1;
			}
		} else if (strncmp(line, "bytes ", 6) && strcmp(line, CP_CACHE__MAGIC)) {
			snprintf(why, whysize, "manifest line not understood");
			bad = 1;
		}
	}
	free(buf);
	free(text);
	if (bad) {
		cp_cache__drop(c, key);
		*found = CP_CACHE_CORRUPT;
		sig[0] = '\0';
		return 0;
	}
	/* the manifest's mtime is the entry's last use, for eviction */
	snprintf(path, sizeof(path), "%s/manifest", entry);
	utimensat(AT_FDCWD, path, NULL, 0);
	*found = CP_CACHE_HIT;
	return 0;
}
