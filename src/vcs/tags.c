/*
 * Release tags: vX.Y and vX.Y.Z (digits only) whose commit is reachable
 * from a given commit, newest version first.  Reachability comes from one
 * walk of the history (git_graph_descendant_of() per tag took a minute for
 * 200 tags on an 80,000-commit history).
 */
#include "vcs/vcs_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses up to 9 digits; returns the end or NULL. */
static const char *parse_num(const char *s, int *out)
{
	int n = 0, digits = 0;

	while (isdigit((unsigned char)*s)) {
		if (++digits > 9)
			return NULL;
		n = n * 10 + (*s++ - '0');
	}
	if (!digits)
		return NULL;
	*out = n;
	return s;
}

/* 1 when name is exactly vX.Y or vX.Y.Z. */
static int parse_release(const char *name, struct cp_release *r)
{
	const char *p = name;

	if (*p++ != 'v')
		return 0;
	if (!(p = parse_num(p, &r->major)) || *p++ != '.' ||
	    !(p = parse_num(p, &r->minor)))
		return 0;
	r->patch = 0;
	if (*p == '.' && !(p = parse_num(p + 1, &r->patch)))
		return 0;
	return *p == '\0';
}

static int release_cmp(const void *a, const void *b)
{
	const struct cp_release *x = a, *y = b;

	if (x->major != y->major)
		return x->major < y->major ? 1 : -1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? 1 : -1;
	if (x->patch != y->patch)
		return x->patch < y->patch ? 1 : -1;
	/* v1.2.0 before v1.2 */
	return strcmp(y->name, x->name);
}

/* The commit a tag reference finally names; 1 when it is not a commit. */
static int peel_tag(git_repository *git, const char *name, git_oid *out,
		    struct cp_error *err)
{
	char ref[1024];
	git_object *obj = NULL, *next = NULL;
	int rc = 0, grc;

	snprintf(ref, sizeof(ref), "refs/tags/%s", name);
	grc = git_revparse_single(&obj, git, ref);
	if (grc < 0) {
		obj = NULL;
		rc = cp_error_set(err, CP_ERR_REPO_CORRUPT,
				  "cannot read tag %s: %s", name, cp__git_msg());
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
	}
	if (git_object_type(obj) != GIT_OBJECT_COMMIT) {
		rc = 1;
		goto out;
	}
	git_oid_cpy(out, git_object_id(obj));
out:
	git_object_free(obj);
	return rc;
}

static int oid_qsort(const void *a, const void *b)
{
	return cp_oid_cmp(a, b);
}

/*
 * Marks which of want[0..n) (sorted) are reachable from from: one walk of
 * the history (shallow boundaries are roots), stopped once all are found.
 */
static int mark_reachable(struct cp_repo *repo, const struct cp_oid *from,
			  const struct cp_oid *want, size_t n, char *found,
			  struct cp_error *err)
{
	struct cp__oidset seen = { NULL, NULL, 0, 0 };
	struct cp_oid *stack = NULL;
	size_t sp = 0, cap = 0, left = n;
	int rc = 0;

	if (cp__oidset_add(&seen, from) < 0)
		goto nomem;
	stack = malloc(64 * sizeof(*stack));
	if (!stack)
		goto nomem;
	cap = 64;
	stack[sp++] = *from;
	while (sp && left) {
		struct cp_oid id = stack[--sp];
		const struct cp_oid *parents, *hit;
		size_t np, i;
		int64_t t;

		hit = bsearch(&id, want, n, sizeof(*want), oid_qsort);
		if (hit && !found[hit - want]) {
			found[hit - want] = 1;
			left--;
		}
		if (cp_repo_is_shallow_boundary(repo, &id))
			continue;
		rc = cp_repo_commit_parents(repo, &id, &t, &parents, &np, err);
		if (rc)
			goto out;
		for (i = 0; i < np; i++) {
			int added = cp__oidset_add(&seen, &parents[i]);

			if (added < 0)
				goto nomem;
			if (!added)
				continue;
			if (sp == cap) {
				struct cp_oid *ns = realloc(stack, 2 * cap * sizeof(*ns));

				if (!ns)
					goto nomem;
				stack = ns;
				cap *= 2;
			}
			stack[sp++] = parents[i];
		}
	}
	goto out;
nomem:
	rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
out:
	free(stack);
	cp__oidset_free(&seen);
	return rc;
}

void cp_releases_free(struct cp_release *releases, size_t count)
{
	size_t i;

	for (i = 0; releases && i < count; i++)
		free(releases[i].name);
	free(releases);
}

int cp_repo_release_tags(struct cp_repo *repo, const struct cp_oid *from,
			 struct cp_release **out, size_t *count,
			 struct cp_error *err)
{
	git_strarray names = { NULL, 0 };
	struct cp_release *v = NULL;
	struct cp_oid *want = NULL;
	char *found = NULL;
	size_t i, n = 0, nwant = 0, kept = 0;
	int rc = 0, grc;

	*out = NULL;
	*count = 0;
	grc = git_tag_list(&names, repo->git);
	if (grc < 0) {
		names.strings = NULL;
		names.count = 0;
		rc = cp_error_set(err, CP_ERR_REPO_CORRUPT, "cannot list tags: %s",
				  cp__git_msg());
		goto out;
	}
	if (!names.count)
		goto out;
	v = calloc(names.count, sizeof(*v));
	want = calloc(names.count, sizeof(*want));
	found = calloc(names.count, 1);
	if (!v || !want || !found)
		goto nomem;
	/* the release tags and their commits */
	for (i = 0; i < names.count; i++) {
		struct cp_release r;
		git_oid commit;

		if (!parse_release(names.strings[i], &r))
			continue;
		rc = peel_tag(repo->git, names.strings[i], &commit, err);
		if (rc < 0)
			goto out;
		if (rc > 0) {	/* a tag of a tree or blob */
			rc = 0;
			continue;
		}
		r.name = strdup(names.strings[i]);
		if (!r.name)
			goto nomem;
		cp__oid_from_git(&r.commit, &commit);
		v[n++] = r;
		want[nwant++] = r.commit;
	}
	if (!n)
		goto out;
	qsort(want, nwant, sizeof(*want), oid_qsort);
	rc = mark_reachable(repo, from, want, nwant, found, err);
	if (rc)
		goto out;
	/* keep the reachable ones */
	for (i = 0; i < n; i++) {
		const struct cp_oid *w = bsearch(&v[i].commit, want, nwant,
						 sizeof(*want), oid_qsort);

		if (w && found[w - want])
			v[kept++] = v[i];
		else
			free(v[i].name);
	}
	n = kept;
	if (n)
		qsort(v, n, sizeof(*v), release_cmp);
	*out = v;
	*count = n;
	v = NULL;
	n = 0;
	goto out;
nomem:
	rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
out:
	cp_releases_free(v, n);
	free(want);
	free(found);
	git_strarray_dispose(&names);
	return rc;
}
