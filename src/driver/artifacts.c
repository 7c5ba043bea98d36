/*
 * The build signature of a generic project (artifacts.h): SHA-256 over the
 * declared artifacts, so that two commits whose builds produced the same
 * files are known to be the same binary whatever their sources say.
 */
#include "driver/artifacts.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct files {
	char **paths;		/* absolute */
	size_t n, cap;
	struct cp_error *err;
	int ret;
};

static int add_file(struct files *f, const char *path)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		char **p = realloc(f->paths, cap * sizeof(*p));

		if (!p)
			return cp_error_set(f->err, CP_ERR_NOMEM, "out of memory");
		f->paths = p;
		f->cap = cap;
	}
	f->paths[f->n] = strdup(path);
	if (!f->paths[f->n])
		return cp_error_set(f->err, CP_ERR_NOMEM, "out of memory");
	f->n++;
	return 0;
}

/* nftw() has no user pointer: the walk in progress (one at a time). */
static struct files *walking;

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_F || type == FTW_SL) {
		walking->ret = add_file(walking, path);
		return walking->ret ? 1 : 0;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A glob pattern for root itself: its metacharacters escaped. */
static int escape_root(const char *root, char *buf, size_t size)
{
	size_t k = 0;

	for (; *root; root++) {
		if (strchr("*?[]\\", *root)) {
			if (k + 1 >= size)
				return -1;
			buf[k++] = '\\';
		}
		if (k + 1 >= size)
			return -1;
		buf[k++] = *root;
	}
	buf[k] = '\0';
	return 0;
}

/* Hashes one file: its name (relative to root when under it), size and bytes. */
static int hash_file(EVP_MD_CTX *md, const char *root, const char *path,
		     unsigned char *buf, size_t bufsize, struct cp_error *err)
{
	size_t rl = strlen(root);
	const char *name = path;
	struct stat st;
	uint64_t size = 0;
	int fd, ret = 0;

	if (!strncmp(path, root, rl) && path[rl] == '/')
		name = path + rl + 1;
	if (lstat(path, &st) < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot stat artifact %s: %s", path,
				    strerror(errno));
	if (EVP_DigestUpdate(md, name, strlen(name) + 1) != 1)
		return cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 update failed");
	if (S_ISLNK(st.st_mode)) {
		/* a link is its target's name: no loops, no files outside */
		ssize_t n = readlink(path, (char *)buf, bufsize);

		if (n < 0)
			return cp_error_set(err, CP_ERR_IO, "cannot read link %s: %s", path,
					    strerror(errno));
		if (EVP_DigestUpdate(md, "L", 1) != 1 || EVP_DigestUpdate(md, buf, (size_t)n) != 1 ||
		    EVP_DigestUpdate(md, "", 1) != 1)
			return cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 update failed");
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot open artifact %s: %s", path,
				    strerror(errno));
	if (EVP_DigestUpdate(md, "F", 1) != 1)
		ret = cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 update failed");
	while (!ret) {
		ssize_t n = read(fd, buf, bufsize);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ret = cp_error_set(err, CP_ERR_IO, "cannot read artifact %s: %s", path,
					   strerror(errno));
		if (n <= 0)
			break;
		size += (uint64_t)n;
		if (EVP_DigestUpdate(md, buf, (size_t)n) != 1)
			ret = cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 update failed");
	}
	close(fd);
	/* the size ends each file, so the next name cannot be read as content */
	if (!ret) {
		unsigned char le[8];
		int i;

		for (i = 0; i < 8; i++)
			le[i] = (unsigned char)(size >> (8 * i));
		if (EVP_DigestUpdate(md, le, sizeof(le)) != 1)
			ret = cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 update failed");
	}
	return ret;
}

/*
 * The files patterns name under root, sorted, each once, in f; a pattern
 * matching nothing leaves f empty and names the pattern in missing.
 */
static int collect(const char *root, char *const *patterns, size_t npatterns, struct files *f,
		   char *missing, size_t missing_size, struct cp_error *err)
{
	char pat[8400], eroot[4200];
	size_t i, k, w;
	int ret = 0;

	if (missing_size)
		missing[0] = '\0';
	if (escape_root(root, eroot, sizeof(eroot)))
		return cp_error_set(err, CP_ERR_IO, "path too long: %s", root);
	for (i = 0; i < npatterns && !ret; i++) {
		glob_t g;
		int gr;

		if (patterns[i][0] == '/')
			snprintf(pat, sizeof(pat), "%s", patterns[i]);
		else
			snprintf(pat, sizeof(pat), "%s/%s", eroot, patterns[i]);
		gr = glob(pat, 0, NULL, &g);
		if (gr == GLOB_NOMATCH) {
			/* the build did not make what was declared: no signature */
			if (missing_size)
				snprintf(missing, missing_size, "%s", patterns[i]);
			globfree(&g);
			for (k = 0; k < f->n; k++)
				free(f->paths[k]);
			f->n = 0;
			return 0;
		}
		if (gr) {
			globfree(&g);
			ret = cp_error_set(err, gr == GLOB_NOSPACE ? CP_ERR_NOMEM : CP_ERR_IO,
					   "cannot expand artifact '%s'", patterns[i]);
			break;
		}
		for (k = 0; k < g.gl_pathc && !ret; k++) {
			struct stat st;

			if (lstat(g.gl_pathv[k], &st) == 0 && S_ISDIR(st.st_mode)) {
				walking = f;
				f->ret = 0;
				if (nftw(g.gl_pathv[k], walk_one, 16, FTW_PHYS) < 0)
					ret = cp_error_set(err, CP_ERR_IO, "cannot walk %s: %s",
							   g.gl_pathv[k], strerror(errno));
				else
					ret = f->ret;
				walking = NULL;
			} else {
				ret = add_file(f, g.gl_pathv[k]);
			}
		}
		globfree(&g);
	}
	if (ret)
		return ret;
	/* sorted and each file once, whatever order the patterns named them in */
	if (f->n)
		qsort(f->paths, f->n, sizeof(*f->paths), by_name);
	for (i = 0, w = 0; i < f->n; i++) {
		if (w && !strcmp(f->paths[w - 1], f->paths[i])) {
			free(f->paths[i]);
			continue;
		}
		f->paths[w++] = f->paths[i];
	}
	f->n = w;
	return 0;
}

void cp_artifacts_list_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

int cp_artifacts_list(const char *root, char *const *patterns, size_t npatterns,
		      char ***paths, size_t *npaths, char *missing, size_t missing_size,
		      struct cp_error *err)
{
	struct files f = { .err = err };
	int ret = collect(root, patterns, npatterns, &f, missing, missing_size, err);

	if (ret) {
		cp_artifacts_list_free(f.paths, f.n);
		return ret;
	}
	*paths = f.paths;
	*npaths = f.n;
	return 0;
}

int cp_artifacts_signature(const char *root, char *const *patterns, size_t npatterns,
			   char out[CP_ARTIFACTS_SIG_HEXSZ], size_t *nfiles,
			   char *missing, size_t missing_size, struct cp_error *err)
{
	struct files f = { .err = err };
	unsigned char md[EVP_MAX_MD_SIZE], *buf = NULL;
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = NULL;
	size_t i;
	int ret;

	out[0] = '\0';
	*nfiles = 0;
	ret = collect(root, patterns, npatterns, &f, missing, missing_size, err);
	if (ret || (missing_size && missing[0]))
		goto out;
	buf = malloc(1 << 16);
	ctx = EVP_MD_CTX_new();
	if (!buf || !ctx) {
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		ret = cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 init failed");
		goto out;
	}
	for (i = 0; i < f.n && !ret; i++)
		ret = hash_file(ctx, root, f.paths[i], buf, 1 << 16, err);
	if (!ret && EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		ret = cp_error_set(err, CP_ERR_INTERNAL, "SHA-256 failed");
	if (!ret) {
		for (i = 0; i < mdlen && 2 * i + 2 < CP_ARTIFACTS_SIG_HEXSZ; i++)
			snprintf(out + 2 * i, 3, "%02x", md[i]);
		*nfiles = f.n;
	}
out:
	EVP_MD_CTX_free(ctx);
	free(buf);
	for (i = 0; i < f.n; i++)
		free(f.paths[i]);
	free(f.paths);
	return ret;
}
