/*
 * cp_commit_read_file(): one file of a commit's tree, read from the object
 * database (no checkout), e.g. the kernel's Makefile for its version.
 */
#include "vcs/vcs_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cp_commit_read_file(struct cp_repo *repo, const struct cp_oid *id, const char *path,
			size_t max, char **data, size_t *len, struct cp_error *err)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	git_object_size_t size;
	int grc, ret = 0;

	*data = NULL;
	*len = 0;
	grc = git_commit_lookup(&c, repo->git, cp__git_oid(id));
	if (grc >= 0)
		grc = git_commit_tree(&tree, c);
	if (grc < 0) {
		ret = cp__object_error(grc, cp__git_oid(id), err);
		goto out;
	}
	if (git_tree_entry_bypath(&e, tree, path) < 0 || git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		ret = cp_error_set(err, CP_ERR_INPUT, "no file %s in the commit's tree", path);
		goto out;
	}
	grc = git_blob_lookup(&blob, repo->git, git_tree_entry_id(e));
	if (grc < 0) {
		ret = cp__object_error(grc, git_tree_entry_id(e), err);
		goto out;
	}
	size = git_blob_rawsize(blob);
	if (size > max) {
		ret = cp_error_set(err, CP_ERR_INPUT, "%s is larger than %zu bytes", path, max);
		goto out;
	}
	*data = malloc((size_t)size + 1);
	if (!*data) {
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(*data, git_blob_rawcontent(blob), (size_t)size);
	(*data)[size] = '\0';
	*len = (size_t)size;
out:
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_commit_free(c);
	return ret;
}

struct walk_ctx {
	git_repository *git;
	const char *prefix;
	int (*fn)(const char *path, const char *data, size_t len, void *arg);
	void *arg;
	int stopped;
	int failed;
};

static int walk_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct walk_ctx *w = payload;
	const char *name = git_tree_entry_name(e);
	git_blob *blob = NULL;
	char path[4096];
	int r;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || strncmp(name, w->prefix, strlen(w->prefix)))
		return 0;
	if (git_blob_lookup(&blob, w->git, git_tree_entry_id(e)) < 0) {
		w->failed = 1;
		return -1;
	}
	snprintf(path, sizeof(path), "%s%s", root, name);
	r = w->fn(path, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), w->arg);
	git_blob_free(blob);
	if (r) {
		w->stopped = 1;
		return -1;
	}
	return 0;
}

int cp_commit_foreach_file(struct cp_repo *repo, const struct cp_oid *id, const char *name_prefix,
			   int (*fn)(const char *path, const char *data, size_t len, void *arg),
			   void *arg, struct cp_error *err)
{
	struct walk_ctx w = { repo->git, name_prefix, fn, arg, 0, 0 };
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int grc, ret = 0;

	grc = git_commit_lookup(&c, repo->git, cp__git_oid(id));
	if (grc >= 0)
		grc = git_commit_tree(&tree, c);
	if (grc < 0) {
		ret = cp__object_error(grc, cp__git_oid(id), err);
		goto out;
	}
	grc = git_tree_walk(tree, GIT_TREEWALK_PRE, walk_cb, &w);
	if (grc < 0 && !w.stopped)
		ret = cp_error_set(err, CP_ERR_REPO_CORRUPT, "cannot walk the tree of the commit: %s",
				   w.failed ? "a blob is missing" : cp__git_msg());
out:
	git_tree_free(tree);
	git_commit_free(c);
	return ret;
}
