/*
 * culprit's own work tree: a linked git worktree (registered under
 * <git dir>/worktrees/<name>, like `git worktree add --detach`) whose HEAD
 * and index are its own, so the user's checkout is never touched.  It is
 * created by hand (libgit2's git_worktree_add would create a branch).
 */
#include "vcs/vcs_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

struct cp_worktree {
	git_repository *git;	/* the worktree opened as a repository */
	char *path;		/* absolute, no trailing slash */
};

static void strip_slash(char *s)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
}

/* The name of the worktree registered at real_dir, or NULL (malloc'd). */
static int find_worktree(struct cp_repo *repo, const char *real_dir,
			 char **name, struct cp_error *err)
{
	git_strarray names = { NULL, 0 };
	size_t i;
	int rc = 0;

	*name = NULL;
	if (git_worktree_list(&names, repo->git) < 0)
		return cp_error_set(err, CP_ERR_REPO_CORRUPT,
				    "cannot list worktrees: %s", cp__git_msg());
	for (i = 0; i < names.count && !*name; i++) {
		git_worktree *wt = NULL;
		char buf[PATH_MAX], *p;

		if (git_worktree_lookup(&wt, repo->git, names.strings[i]) < 0)
			continue;
		snprintf(buf, sizeof(buf), "%s", git_worktree_path(wt));
		strip_slash(buf);
		p = realpath(buf, NULL);
		if (!strcmp(p ? p : buf, real_dir)) {
			*name = strdup(names.strings[i]);
			if (!*name)
				rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
		free(p);
		git_worktree_free(wt);
	}
	git_error_clear();
	git_strarray_dispose(&names);
	return rc;
}

static int write_file(const char *path, const char *text, struct cp_error *err)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return cp_error_set(err, CP_ERR_IO, "cannot create %s: %s", path,
				    strerror(errno));
	ok = fputs(text, f) >= 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok)
		return cp_error_set(err, CP_ERR_IO, "cannot write %s", path);
	return 0;
}

static int dir_is_empty(const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int empty = 1;

	if (!d)
		return 0;
	while (empty && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

/*
 * 1 when real_dir's .git file points into this repository's worktrees
 * folder: a worktree of ours whose registration was pruned (for example by
 * `git worktree prune` while the directory was unreachable).
 */
static int was_ours(const struct cp_repo *repo, const char *real_dir)
{
	char path[PATH_MAX + 8], line[PATH_MAX + 16], prefix[PATH_MAX + 32];
	FILE *f;
	int ours = 0;

	snprintf(path, sizeof(path), "%s/.git", real_dir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	snprintf(prefix, sizeof(prefix), "gitdir: %sworktrees/", repo->git_dir);
	if (fgets(line, sizeof(line), f))
		ours = !strncmp(line, prefix, strlen(prefix));
	fclose(f);
	return ours;
}

/*
 * A commit for a new worktree's first HEAD (checkouts replace it): HEAD's,
 * or, when HEAD is unborn (a bare mirror whose HEAD names a missing
 * branch), the first ref's.
 */
static git_object *any_commit(git_repository *git)
{
	git_strarray refs = { NULL, 0 };
	git_object *obj = NULL;
	char spec[1024];
	size_t i;

	if (git_revparse_single(&obj, git, "HEAD^{commit}") == 0)
		return obj;
	obj = NULL;
	if (git_reference_list(&refs, git) == 0) {
		for (i = 0; i < refs.count && !obj; i++) {
			snprintf(spec, sizeof(spec), "%s^{commit}", refs.strings[i]);
			if (git_revparse_single(&obj, git, spec) < 0)
				obj = NULL;
		}
		git_strarray_dispose(&refs);
	}
	git_error_clear();
	return obj;
}

/* Registers a new detached worktree at real_dir (empty, or was_ours()). */
static int create_worktree(struct cp_repo *repo, const char *real_dir,
			   struct cp_error *err)
{
	const char *common = repo->git_dir, *base = strrchr(real_dir, '/');
	char admin[PATH_MAX], path[PATH_MAX + 64], text[PATH_MAX + 64];
	int created = 0;
	char hex[GIT_OID_HEXSZ + 1];
	git_object *head = NULL;
	int i, rc = 0;

	head = any_commit(repo->git);
	if (!head) {
		rc = cp_error_set(err, CP_ERR_BAD_REV,
				  "cannot create a worktree: the repository has no "
				  "commits");
		goto out;
	}
	git_oid_tostr(hex, sizeof(hex), git_object_id(head));
	snprintf(path, sizeof(path), "%sworktrees", common);
	if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		rc = cp_error_set(err, CP_ERR_IO, "cannot create %s: %s", path,
				  strerror(errno));
		goto out;
	}
	base = base && base[1] ? base + 1 : "worktree";
	for (i = 1;; i++) {
		if (i == 1)
			snprintf(admin, sizeof(admin), "%sworktrees/culprit-%s",
				 common, base);
		else
			snprintf(admin, sizeof(admin), "%sworktrees/culprit-%s-%d",
				 common, base, i);
		if (mkdir(admin, 0777) == 0) {
			created = 1;
			break;
		}
		if (errno != EEXIST || i > 1000) {
			rc = cp_error_set(err, CP_ERR_IO, "cannot create %s: %s",
					  admin, strerror(errno));
			goto out;
		}
	}
	snprintf(path, sizeof(path), "%s/gitdir", admin);
	snprintf(text, sizeof(text), "%s/.git\n", real_dir);
	rc = write_file(path, text, err);
	if (rc)
		goto out;
	snprintf(path, sizeof(path), "%s/commondir", admin);
	rc = write_file(path, "../..\n", err);
	if (rc)
		goto out;
	snprintf(path, sizeof(path), "%s/HEAD", admin);
	snprintf(text, sizeof(text), "%s\n", hex);
	rc = write_file(path, text, err);
	if (rc)
		goto out;
	snprintf(path, sizeof(path), "%s/.git", real_dir);
	snprintf(text, sizeof(text), "gitdir: %s\n", admin);
	rc = write_file(path, text, err);
out:
	if (rc && created) {
		/* leave no half-made registration behind */
		static const char *const files[] = { "gitdir", "commondir", "HEAD" };
		size_t k;

		for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
			snprintf(path, sizeof(path), "%s/%s", admin, files[k]);
			unlink(path);
		}
		rmdir(admin);
	}
	git_object_free(head);
	return rc;
}

static int prune(struct cp_repo *repo, const char *name, int working_tree,
		 struct cp_error *err)
{
	git_worktree_prune_options opts;
	git_worktree *wt = NULL;
	int rc = 0;

	if (git_worktree_lookup(&wt, repo->git, name) < 0)
		return cp_error_set(err, CP_ERR_REPO_CORRUPT,
				    "cannot read worktree %s: %s", name,
				    cp__git_msg());
	git_worktree_prune_options_init(&opts, GIT_WORKTREE_PRUNE_OPTIONS_VERSION);
	opts.flags = GIT_WORKTREE_PRUNE_VALID | GIT_WORKTREE_PRUNE_LOCKED |
		(working_tree ? GIT_WORKTREE_PRUNE_WORKING_TREE : 0);
	if (git_worktree_prune(wt, &opts) < 0)
		rc = cp_error_set(err, CP_ERR_IO, "cannot remove worktree %s: %s",
				  name, cp__git_msg());
	git_worktree_free(wt);
	return rc;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
	char path[PATH_MAX], *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

int cp_worktree_open(struct cp_repo *repo, const char *dir,
		     struct cp_worktree **out, struct cp_error *err)
{
	struct cp_worktree *wt = NULL;
	char *real = NULL, *name = NULL;
	int rc = 0;

	*out = NULL;
	if (make_dirs(dir) < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot create %s: %s", dir,
				    strerror(errno));
	real = realpath(dir, NULL);
	if (!real) {
		rc = cp_error_set(err, CP_ERR_IO, "cannot resolve %s: %s", dir,
				  strerror(errno));
		goto out;
	}
	rc = find_worktree(repo, real, &name, err);
	if (rc)
		goto out;
	wt = calloc(1, sizeof(*wt));
	if (!wt || !(wt->path = strdup(real))) {
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (name && git_repository_open_ext(&wt->git, real,
					    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0)
		goto done;	/* reuse */
	wt->git = NULL;
	if (name) {
		/* registered but broken: start again */
		rc = prune(repo, name, 0, err);
		if (rc)
			goto out;
	}
	if (!dir_is_empty(real) && !was_ours(repo, real)) {
		rc = cp_error_set(err, CP_ERR_IO,
				  "'%s' is not empty and is not a culprit worktree of "
				  "this repository", dir);
		goto out;
	}
	rc = create_worktree(repo, real, err);
	if (rc)
		goto out;
	if (git_repository_open_ext(&wt->git, real, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		wt->git = NULL;
		rc = cp_error_set(err, CP_ERR_IO, "cannot open worktree %s: %s",
				  dir, cp__git_msg());
		goto out;
	}
done:
	*out = wt;
	wt = NULL;
out:
	cp_worktree_free(wt);
	free(real);
	free(name);
	return rc;
}

/*
 * Only one culprit uses a worktree at a time (it holds the output
 * directory's lock), so a lock file left in the worktree's git directory is
 * from a culprit that was killed mid-checkout: remove it, or every later
 * checkout fails with "the index is locked".
 */
static void drop_stale_locks(struct cp_worktree *wt)
{
	static const char *const names[] = { "index.lock", "HEAD.lock" };
	const char *gitdir = git_repository_path(wt->git);
	char path[PATH_MAX];
	size_t i;

	for (i = 0; gitdir && i < sizeof(names) / sizeof(names[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", gitdir, names[i]) < sizeof(path))
			unlink(path);
	}
}

int cp_worktree_checkout(struct cp_worktree *wt, const struct cp_oid *id,
			 struct cp_error *err)
{
	git_checkout_options opts;
	git_commit *c = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int rc = 0, grc;

	drop_stale_locks(wt);

	grc = git_commit_lookup(&c, wt->git, cp__git_oid(id));
	if (grc < 0) {
		c = NULL;
		rc = cp__object_error(grc, cp__git_oid(id), err);
		goto out;
	}
	git_checkout_options_init(&opts, GIT_CHECKOUT_OPTIONS_VERSION);
	opts.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
	if (git_checkout_tree(wt->git, (git_object *)c, &opts) < 0 ||
	    git_repository_set_head_detached(wt->git, cp__git_oid(id)) < 0) {
		rc = cp_error_set(err, CP_ERR_IO, "cannot check out %s in %s: %s",
				  git_oid_tostr(hex, sizeof(hex), cp__git_oid(id)),
				  wt->path, cp__git_msg());
		goto out;
	}
out:
	git_commit_free(c);
	return rc;
}

const char *cp_worktree_path(const struct cp_worktree *wt)
{
	return wt->path;
}

void cp_worktree_free(struct cp_worktree *wt)
{
	if (!wt)
		return;
	git_repository_free(wt->git);
	free(wt->path);
	free(wt);
}

int cp_worktree_remove(struct cp_repo *repo, const char *dir,
		       struct cp_error *err)
{
	char *real = realpath(dir, NULL), *name = NULL;
	int rc;

	char cwd[PATH_MAX];
	int gone = 0;

	if (!real) {
		if (errno != ENOENT)
			return cp_error_set(err, CP_ERR_IO, "cannot resolve %s: %s",
					    dir, strerror(errno));
		/* the directory is gone: drop its registration, if any */
		gone = 1;
		if (dir[0] == '/')
			real = strdup(dir);
		else if (getcwd(cwd, sizeof(cwd)) &&
			 asprintf(&real, "%s/%s", cwd, dir) < 0)
			real = NULL;
		if (!real)
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		strip_slash(real);
	}
	rc = find_worktree(repo, real, &name, err);
	if (!rc && !name && !gone)
		rc = cp_error_set(err, CP_ERR_IO,
				  "'%s' is not a worktree of this repository", dir);
	if (!rc && name)
		rc = prune(repo, name, !gone, err);
	free(real);
	free(name);
	return rc;
}
