/*
 * Opening a repository, resolving revisions and reading the commit graph
 * (parents and committer times), with shallow clones detected.
 */
#include "vcs/vcs_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cp_repo_is_shallow_boundary(const struct cp_repo *repo,
				const struct cp_oid *id)
{
	return cp__repo_is_shallow_boundary(repo, id);
}

/* Reads <commondir>/shallow: one 40-hex commit id per line. */
static int load_shallow(struct cp_repo *repo, struct cp_error *err)
{
	char *path = NULL, line[128];
	size_t cap = 0;
	FILE *f = NULL;
	int rc = 0;

	if (asprintf(&path, "%sshallow", repo->git_dir) < 0) {
		path = NULL;
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	f = fopen(path, "r");
	if (!f) {
		if (errno != ENOENT)
			rc = cp_error_set(err, CP_ERR_IO, "cannot read %s: %s",
					  path, strerror(errno));
		goto out;
	}
	repo->is_shallow = 1;
	while (fgets(line, sizeof(line), f)) {
		struct cp_oid id;

		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		if (cp_oid_from_hex(&id, line) < 0) {
			rc = cp_error_set(err, CP_ERR_REPO_CORRUPT,
					  "bad line in %s: '%s'", path, line);
			goto out;
		}
		if (repo->nshallow == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			struct cp_oid *n = realloc(repo->shallow, ncap * sizeof(*n));

			if (!n) {
				rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
				goto out;
			}
			repo->shallow = n;
			cap = ncap;
		}
		repo->shallow[repo->nshallow++] = id;
	}
	if (ferror(f)) {
		rc = cp_error_set(err, CP_ERR_IO, "cannot read %s", path);
		goto out;
	}
	if (repo->nshallow)
		qsort(repo->shallow, repo->nshallow, sizeof(*repo->shallow),
		      cp__oid_cmp_qsort);
out:
	if (f)
		fclose(f);
	free(path);
	return rc;
}

int cp_repo_open(struct cp_repo **out, const char *path, struct cp_error *err)
{
	struct cp_repo *repo = NULL;
	struct stat st;
	const char *wd;
	int initialised = 0;
	int rc, grc;

	*out = NULL;
	if (!path || !*path)
		return cp_error_set(err, CP_ERR_NOT_REPO,
				    "no repository path given");
	if (stat(path, &st) < 0)
		return cp_error_set(err, CP_ERR_NOT_REPO,
				    "'%s' is not a git repository: %s", path,
				    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cp_error_set(err, CP_ERR_NOT_REPO,
				    "'%s' is not a git repository: not a directory",
				    path);
	if (git_libgit2_init() < 0)
		return cp_error_set(err, CP_ERR_INTERNAL,
				    "cannot initialise libgit2: %s", cp__git_msg());
	initialised = 1;
	repo = calloc(1, sizeof(*repo));
	if (!repo) {
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* --repo DIR is the top of a work tree, its .git, or a bare repository:
	 * parent directories are not searched. */
	grc = git_repository_open_ext(&repo->git, path,
				      GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (grc == GIT_EOWNER) {
		rc = cp_error_set(err, CP_ERR_NOT_REPO,
				  "'%s' is not owned by the current user (see git's "
				  "safe.directory)", path);
		goto out;
	}
	if (grc < 0) {
		if (cp__git_is_nomem())
			rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		else
			rc = cp_error_set(err, CP_ERR_NOT_REPO,
					  "'%s' is not a git repository", path);
		goto out;
	}
	repo->git_dir = strdup(git_repository_commondir(repo->git));
	wd = git_repository_workdir(repo->git);
	if (!repo->git_dir || (wd && !(repo->workdir = strdup(wd)))) {
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (git_repository_odb(&repo->odb, repo->git) < 0) {
		repo->odb = NULL;
		rc = cp_error_set(err, CP_ERR_REPO_CORRUPT,
				  "cannot open the objects of '%s': %s", path,
				  cp__git_msg());
		goto out;
	}
	rc = load_shallow(repo, err);
	if (rc < 0)
		goto out;
	*out = repo;
	repo = NULL;
	initialised = 0;
out:
	if (repo) {
		git_odb_free(repo->odb);
		git_repository_free(repo->git);
		free(repo->git_dir);
		free(repo->workdir);
		free(repo->shallow);
		free(repo);
	}
	if (initialised)
		git_libgit2_shutdown();
	return rc;
}

void cp_repo_free(struct cp_repo *repo)
{
	if (!repo)
		return;
	git_odb_free(repo->odb);
	git_repository_free(repo->git);
	free(repo->git_dir);
	free(repo->workdir);
	free(repo->shallow);
	free(repo->parents);
	free(repo);
	git_libgit2_shutdown();
}

const char *cp_repo_git_dir(const struct cp_repo *repo)
{
	return repo->git_dir;
}

const char *cp_repo_workdir(const struct cp_repo *repo)
{
	return repo->workdir;
}

int cp_repo_is_shallow(const struct cp_repo *repo)
{
	return repo->is_shallow;
}

/* The id in libgit2's "... no match for id (<hex>)" message, if full. */
static int missing_id_from_msg(git_oid *out)
{
	const char *m = cp__git_msg(), *p = strstr(m, "no match for id (");
	char hex[GIT_OID_HEXSZ + 1];
	size_t n = 0;

	if (!p)
		return -1;
	p += strlen("no match for id (");
	while (n < GIT_OID_HEXSZ && isxdigit((unsigned char)p[n])) {
		hex[n] = p[n];
		n++;
	}
	hex[n] = '\0';
	if (n != GIT_OID_HEXSZ || p[n] != ')')
		return -1;
	return git_oid_fromstr(out, hex);
}

/* 1 when missing is a parent of a shallow boundary commit (the cut). */
static int cut_by_shallow(struct cp_repo *repo, const git_oid *missing,
			  struct cp_oid *boundary)
{
	size_t i;

	for (i = 0; i < repo->nshallow; i++) {
		git_commit *c = NULL;
		unsigned j, n;
		int hit = 0;

		if (git_commit_lookup(&c, repo->git, cp__git_oid(&repo->shallow[i])) < 0)
			continue;
		n = git_commit_parentcount(c);
		for (j = 0; j < n && !hit; j++)
			hit = git_oid_equal(git_commit_parent_id(c, j), missing);
		git_commit_free(c);
		if (hit) {
			*boundary = repo->shallow[i];
			return 1;
		}
	}
	return 0;
}

static int resolve_error(struct cp_repo *repo, const char *rev, int gitcode,
			 struct cp_error *err)
{
	const git_error *e = git_error_last();
	int klass = e ? e->klass : GIT_ERROR_NONE;
	char hex[GIT_OID_HEXSZ + 1];
	struct cp_oid boundary;
	git_oid missing;

	if (gitcode == GIT_EAMBIGUOUS)
		return cp_error_set(err, CP_ERR_BAD_REV,
				    "ambiguous revision '%s': the short hash matches "
				    "several objects", rev);
	if (gitcode == GIT_ENOTFOUND && missing_id_from_msg(&missing) == 0) {
		git_oid_tostr(hex, sizeof(hex), &missing);
		/* An object named by the repository itself is missing. */
		if (strcasecmp(hex, rev) != 0) {
			if (repo->is_shallow && cut_by_shallow(repo, &missing, &boundary))
				return cp__shallow_error(&boundary, err);
			return cp_error_set(err, CP_ERR_REPO_CORRUPT,
					    "missing object %s (needed by '%s')",
					    hex, rev);
		}
	}
	if (cp__git_is_nomem())
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	if (gitcode != GIT_ENOTFOUND && gitcode != GIT_EINVALIDSPEC &&
	    (klass == GIT_ERROR_ODB || klass == GIT_ERROR_ZLIB ||
	     klass == GIT_ERROR_OBJECT || klass == GIT_ERROR_OS))
		return cp_error_set(err, CP_ERR_REPO_CORRUPT,
				    "cannot read '%s': %s", rev, cp__git_msg());
	if (git_repository_is_empty(repo->git) == 1)
		return cp_error_set(err, CP_ERR_BAD_REV,
				    "unknown revision '%s' (the repository has no "
				    "commits)", rev);
	return cp_error_set(err, CP_ERR_BAD_REV, "unknown revision '%s'", rev);
}

static const char *type_name(git_object_t t)
{
	switch (t) {
	case GIT_OBJECT_TREE:
		return "a tree";
	case GIT_OBJECT_BLOB:
		return "a blob";
	case GIT_OBJECT_TAG:
		return "a tag";
	default:
		return "not a commit";
	}
}

int cp_repo_resolve(struct cp_repo *repo, const char *rev, struct cp_oid *out,
		    struct cp_error *err)
{
	git_object *obj = NULL, *next = NULL;
	int tagged = 0;
	int rc = 0, grc;

	if (!rev || !*rev)
		return cp_error_set(err, CP_ERR_BAD_REV, "empty revision");
	if (rev[0] == ':' && rev[1] == '/')
		return cp__resolve_message_search(repo, rev, out, err);
	grc = git_revparse_single(&obj, repo->git, rev);
	if (grc < 0) {
		obj = NULL;
		rc = resolve_error(repo, rev, grc, err);
		goto out;
	}
	while (git_object_type(obj) == GIT_OBJECT_TAG) {
		const git_oid *target = git_tag_target_id((git_tag *)obj);

		grc = git_tag_target(&next, (git_tag *)obj);
		if (grc < 0) {
			rc = cp__object_error(grc, target, err);
			goto out;
		}
		git_object_free(obj);
		obj = next;
		tagged = 1;
	}
	if (git_object_type(obj) != GIT_OBJECT_COMMIT) {
		rc = cp_error_set(err, CP_ERR_NOT_COMMIT,
				  "'%s' is %s%s, not a commit", rev,
				  tagged ? "a tag of " : "",
				  type_name(git_object_type(obj)));
		goto out;
	}
	cp__oid_from_git(out, git_object_id(obj));
out:
	git_object_free(obj);
	return rc;
}

int cp_repo_commit_parents(struct cp_repo *repo, const struct cp_oid *id,
			   int64_t *commit_time, const struct cp_oid **parents,
			   size_t *nparents, struct cp_error *err)
{
	int rc;

	if (repo->nshallow && cp__repo_is_shallow_boundary(repo, id))
		return cp__shallow_error(id, err);
	rc = cp__commit_raw(repo, id, commit_time, nparents, NULL, err);
	if (!rc)
		*parents = repo->parents;
	return rc;
}

int cp_repo_commit_tree(struct cp_repo *repo, const struct cp_oid *id, struct cp_oid *tree,
			struct cp_error *err)
{
	git_commit *c = NULL;
	int grc = git_commit_lookup(&c, repo->git, cp__git_oid(id));

	if (grc < 0)
		return cp__object_error(grc, cp__git_oid(id), err);
	memcpy(tree->id, git_commit_tree_id(c)->id, CP_OID_RAWSZ);
	git_commit_free(c);
	return 0;
}
