/*
 * The ref names git show writes after "commit <sha>" when log.decorate is
 * short or full (log-tree.c format_decorations()): refs are visited in name
 * order, then HEAD, each prepended to the commit's list, so HEAD comes
 * first, as "HEAD -> <branch>" when it is that branch's symbolic ref.
 */
#include "vcs/vcs_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum deco_type { DECO_REF, DECO_LOCAL, DECO_REMOTE, DECO_TAG, DECO_HEAD };

struct deco {
	enum deco_type type;
	const char *name;	/* full ref name, or "HEAD" */
};

/* git 2.38+'s default decoration set (log.initialDecorationSet=all: any). */
static int in_default_set(const char *ref)
{
	return !strncmp(ref, "refs/heads/", 11) ||
		!strncmp(ref, "refs/remotes/", 13) ||
		!strncmp(ref, "refs/tags/", 10) || !strcmp(ref, "refs/stash");
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum deco_type type_of(const char *ref)
{
	if (!strncmp(ref, "refs/heads/", 11))
		return DECO_LOCAL;
	if (!strncmp(ref, "refs/remotes/", 13))
		return DECO_REMOTE;
	if (!strncmp(ref, "refs/tags/", 10))
		return DECO_TAG;
	return DECO_REF;
}

static const char *pretty(const char *ref, int full)
{
	static const char *const prefixes[] = {
		"refs/heads/", "refs/tags/", "refs/remotes/" };
	size_t i;

	if (full)
		return ref;
	for (i = 0; i < 3; i++)
		if (!strncmp(ref, prefixes[i], strlen(prefixes[i])))
			return ref + strlen(prefixes[i]);
	return ref;
}

/* 1 when the ref (after peeling tags) names id. */
static int names_commit(git_repository *git, const char *ref, const git_oid *id,
			int *via_tag)
{
	git_object *obj = NULL, *next = NULL;
	git_oid target;
	int hit = 0;

	*via_tag = 0;
	if (git_reference_name_to_id(&target, git, ref) < 0)
		return 0;
	if (git_oid_equal(&target, id))
		return 1;
	if (git_object_lookup(&obj, git, &target, GIT_OBJECT_ANY) < 0)
		return 0;
	while (git_object_type(obj) == GIT_OBJECT_TAG && !hit) {
		if (git_tag_target(&next, (git_tag *)obj) < 0)
			break;
		git_object_free(obj);
		obj = next;
		hit = git_oid_equal(git_object_id(obj), id);
	}
	git_object_free(obj);
	*via_tag = hit;
	return hit;
}

char *cp__decorations(git_repository *git, const git_oid *id, int full,
		      int all_refs)
{
	git_strarray refs = { NULL, 0 };
	git_reference *head = NULL;
	const char *head_branch = NULL;
	struct deco *list = NULL;
	size_t n = 0, i, len = 0, cap = 0;
	char *out = NULL;
	int via_tag, current = -1;

	if (git_reference_list(&refs, git) < 0)
		goto out;
	list = calloc(refs.count + 1, sizeof(*list));
	if (!list)
		goto out;
	qsort(refs.strings, refs.count, sizeof(*refs.strings), name_cmp);
	for (i = 0; i < refs.count; i++) {
		if (!strncmp(refs.strings[i], "refs/replace/", 13) ||
		    (!all_refs && !in_default_set(refs.strings[i])) ||
		    !names_commit(git, refs.strings[i], id, &via_tag))
			continue;
		list[n].type = via_tag ? DECO_TAG : type_of(refs.strings[i]);
		list[n].name = refs.strings[i];
		n++;
	}
	if (names_commit(git, "HEAD", id, &via_tag)) {
		list[n].type = DECO_HEAD;
		list[n].name = "HEAD";
		n++;
		if (git_reference_lookup(&head, git, "HEAD") == 0 &&
		    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
			head_branch = git_reference_symbolic_target(head);
	}
	if (!n)
		goto out;
	/* the branch HEAD points to is shown with HEAD */
	for (i = 0; head_branch && i < n; i++)
		if (list[i].type == DECO_LOCAL && !strcmp(list[i].name, head_branch))
			current = (int)i;
	for (i = 0; i < n; i++)
		cap += strlen(list[i].name) + 16;
	out = malloc(cap + 8);
	if (!out)
		goto out;
	len = (size_t)sprintf(out, " (");
	for (i = n; i-- > 0;) {	/* prepended: newest first */
		if ((int)i == current)
			continue;
		len += (size_t)sprintf(out + len, "%s%s%s", len > 2 ? ", " : "",
				       list[i].type == DECO_TAG ? "tag: " : "",
				       pretty(list[i].name, full));
		if (list[i].type == DECO_HEAD && current >= 0)
			len += (size_t)sprintf(out + len, " -> %s",
					       pretty(list[current].name, full));
	}
	sprintf(out + len, ")");
out:
	git_error_clear();
	git_reference_free(head);
	free(list);
	git_strarray_dispose(&refs);
	return out;
}
