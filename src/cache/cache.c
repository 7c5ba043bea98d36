/*
 * The cache directory (cache.h): opening it, keys, the per-key lock and
 * least-recently-used eviction.  Entries are read and written in entry.c.
 */
#include "cache/internal.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* 1 when the writes to a cache directory failed for a reason its reads survive */
static int read_only_errno(int e)
{
	return e == EROFS || e == EACCES || e == EPERM || e == ENOSPC || e == EDQUOT;
}

int cp_cache_open(struct cp_cache **out, const char *dir, uint64_t max_bytes,
		  struct cp_error *err)
{
	static const char *const sub[] = { "entries", "locks", "tmp" };
	struct cp_cache *c;
	char path[4300], ro[512] = "";
	struct stat st;
	size_t i;
	int fd;

	*out = NULL;
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sub[i]);
		if (cp_mkdir_p(path, err)) {
			int e = errno;

			snprintf(path, sizeof(path), "%s/entries", dir);
			if (!read_only_errno(e) || stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
				return cp_error_set(err, CP_ERR_IO, "cache %s: cannot create %s: %s",
						    dir, sub[i], strerror(e));
			snprintf(ro, sizeof(ro), "cache %s: cannot create %s: %s", dir, sub[i],
				 strerror(e));
			break;
		}
	}
	/* a read-only or full directory is found now, not after the first build */
	snprintf(path, sizeof(path), "%s/tmp/probe.%ld", dir, (long)getpid());
	fd = ro[0] ? -1 : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (!ro[0] && (fd < 0 || write(fd, "x", 1) != 1)) {
		int e = errno;

		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		if (!read_only_errno(e))
			return cp_error_set(err, CP_ERR_IO, "cache %s is not writable: %s", dir,
					    strerror(e));
		snprintf(ro, sizeof(ro), "cache %s is not writable: %s", dir, strerror(e));
	} else if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	c = calloc(1, sizeof(*c));
	if (!c || !(c->dir = strdup(dir)) || (ro[0] && !(c->read_only = strdup(ro)))) {
		if (c)
			free(c->dir);
		free(c);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	c->max_bytes = max_bytes ? max_bytes : CP_CACHE_MAX_DEFAULT;
	*out = c;
	return 0;
}

const char *cp_cache_read_only(const struct cp_cache *c)
{
	return c->read_only;
}

void cp_cache_close(struct cp_cache *c)
{
	if (!c)
		return;
	free(c->dir);
	free(c->read_only);
	free(c);
}

const char *cp_cache_dir(const struct cp_cache *c)
{
	return c->dir;
}

int cp_cache_key(const char *tree_hex, const char *recipe, const char *compiler,
		 char *const *artifacts, size_t nartifacts, char out[CP_CACHE_KEY_HEXSZ],
		 struct cp_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	size_t k;
	int ok;

	if (!ctx)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	/* each part ends with its NUL, so no two lists hash alike */
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, "tree", 5) == 1 &&
	     EVP_DigestUpdate(ctx, tree_hex, strlen(tree_hex) + 1) == 1 &&
	     EVP_DigestUpdate(ctx, recipe, strlen(recipe) + 1) == 1 &&
	     EVP_DigestUpdate(ctx, compiler, strlen(compiler) + 1) == 1;
	for (k = 0; ok && k < nartifacts; k++)
		ok = EVP_DigestUpdate(ctx, artifacts[k], strlen(artifacts[k]) + 1) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, md, &len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 failed");
	for (i = 0; i < len && 2 * i + 2 < CP_CACHE_KEY_HEXSZ; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int cp_cache_lock(struct cp_cache *c, const char *key, volatile sig_atomic_t *stop,
		  int *fd, struct cp_error *err)
{
	const struct timespec nap = { 0, 50 * 1000 * 1000 };
	char path[4300];

	snprintf(path, sizeof(path), "%s/locks/%s", c->dir, key);
	if (c->read_only) {
		/* nothing is built into it: no lock, a handle to release all the same */
		snprintf(path, sizeof(path), "%s/entries", c->dir);
		*fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*fd < 0)
			return cp_error_set(err, CP_ERR_IO, "cannot open %s: %s", path,
					    strerror(errno));
		return 0;
	}
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*fd < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot open cache lock %s: %s", path,
				    strerror(errno));
	/* polled, not blocking: a stop request must get through while another builds */
	while (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;

			close(*fd);
			*fd = -1;
			return cp_error_set(err, CP_ERR_IO, "cannot lock %s: %s", path, strerror(e));
		}
		if (stop && *stop) {
			close(*fd);
			*fd = -1;
			return cp_error_set(err, CP_ERR_INTERRUPTED, "interrupted waiting for %s", path);
		}
		nanosleep(&nap, NULL);
	}
	return 0;
}

void cp_cache_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the flock */
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) < 0 ? 0 : 0;
	unlink(path);
	return 0;
}

int cp_cache__remove_tree(const char *path)
{
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -1 : 0;
}

void cp_cache__drop(struct cp_cache *c, const char *key)
{
	char from[4300], to[4400];

	if (c->read_only)
		return;	/* a damaged entry stays; every fetch finds it damaged */
	snprintf(from, sizeof(from), "%s/entries/%s", c->dir, key);
	snprintf(to, sizeof(to), "%s/tmp/dead.%s.%ld.%u", c->dir, key, (long)getpid(), c->seq++);
	/* renamed first: no reader sees a half-deleted entry as whole */
	if (rename(from, to) == 0)
		cp_cache__remove_tree(to);
}

int cp_cache_has(const struct cp_cache *c, const char *key)
{
	char path[4400];

	snprintf(path, sizeof(path), "%s/entries/%s/manifest", c->dir, key);
	return access(path, F_OK) == 0;
}

int64_t cp_cache__manifest_bytes(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");
	long long b = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "bytes %lld", &b) == 1)
			break;
	fclose(f);
	return b;
}

struct entry_use {
	char key[CP_CACHE_KEY_HEXSZ];
	int64_t bytes;
	struct timespec used;
};

static int by_use(const void *a, const void *b)
{
	const struct entry_use *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Every entry with its size and last use; NULL when the directory is unreadable. */
static struct entry_use *list_entries(struct cp_cache *c, size_t *n, uint64_t *total)
{
	struct entry_use *v = NULL, *p;
	char path[4400];
	struct dirent *de;
	size_t cap = 0;
	DIR *dir;

	*n = 0;
	*total = 0;
	snprintf(path, sizeof(path), "%s/entries", c->dir);
	dir = opendir(path);
	if (!dir)
		return NULL;
	while ((de = readdir(dir))) {
		struct stat st;

		if (strlen(de->d_name) != CP_CACHE_KEY_HEXSZ - 1)
			continue;
		snprintf(path, sizeof(path), "%s/entries/%s/manifest", c->dir, de->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			p = realloc(v, cap * sizeof(*v));
			if (!p)
				break;
			v = p;
		}
		snprintf(v[*n].key, sizeof(v[*n].key), "%s", de->d_name);
		v[*n].bytes = cp_cache__manifest_bytes(path);
		if (v[*n].bytes < 0)
			v[*n].bytes = 0;
		v[*n].used = st.st_mtim;
		*total += (uint64_t)v[*n].bytes;
		(*n)++;
	}
	closedir(dir);
	return v;
}

uint64_t cp_cache_size(struct cp_cache *c)
{
	uint64_t total;
	size_t n;

	free(list_entries(c, &n, &total));
	return total;
}

void cp_cache__evict(struct cp_cache *c, const char *keep)
{
	struct entry_use *v;
	uint64_t total;
	size_t n, i;

	v = list_entries(c, &n, &total);
	if (!v)
		return;
	if (total > c->max_bytes)
		qsort(v, n, sizeof(*v), by_use);
	for (i = 0; i < n && total > c->max_bytes; i++) {
		char path[4300];
		int fd;

		if (!strcmp(v[i].key, keep))
			continue;
		/* an entry someone is building or fetching under its lock stays */
		snprintf(path, sizeof(path), "%s/locks/%s", c->dir, v[i].key);
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			cp_cache__drop(c, v[i].key);
			total -= (uint64_t)v[i].bytes;
		}
		close(fd);
	}
	free(v);
}
