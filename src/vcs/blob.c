/*
 * cp_commit_read_file(): one file of a commit's tree, read from the object
 * database (no checkout), e.g. the kernel's Makefile for its version.
 */
#include "vcs/vcs_internal.h"

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
