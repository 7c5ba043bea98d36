/*
 * ":/regex" revisions, resolved like git's get_oid_oneline(): starting from
 * every ref that points at a commit and HEAD, commits are visited newest
 * committer date first (ties in git's order) and the first whose message
 * matches wins; ":/!-regex" takes the first that does not match, ":/!!x"
 * searches for "!x".  Done here because libgit2 1.5 leaks memory for it.
 */
#include "vcs/vcs_internal.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

struct dated {
	struct cp_oid id;
	int64_t date;
};

/* Commits still to visit, newest first; v[head..n) is the live part. */
struct queue {
	struct dated *v;
	size_t head, n, cap;
};

static int queue_room(struct queue *q)
{
	struct dated *v;

	if (q->n < q->cap)
		return 0;
	if (q->head) {
		memmove(q->v, q->v + q->head, (q->n - q->head) * sizeof(*q->v));
		q->n -= q->head;
		q->head = 0;
		return 0;
	}
	v = realloc(q->v, (q->cap ? 2 * q->cap : 64) * sizeof(*v));
	if (!v)
		return -1;
	q->v = v;
	q->cap = q->cap ? 2 * q->cap : 64;
	return 0;
}

/* git's commit_list_insert_by_date(): after every entry at least as new. */
static int queue_insert(struct queue *q, const struct cp_oid *id, int64_t date)
{
	size_t i;

	if (queue_room(q) < 0)
		return -1;
	for (i = q->head; i < q->n && q->v[i].date >= date; i++)
		;
	memmove(q->v + i + 1, q->v + i, (q->n - i) * sizeof(*q->v));
	q->v[i].id = *id;
	q->v[i].date = date;
	q->n++;
	return 0;
}

static int ref_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Commit time of id; 0 when id is not a commit (skipped, as git). */
static int commit_date(struct cp_repo *repo, const struct cp_oid *id,
		       int64_t *date, int *is_commit, struct cp_error *err)
{
	git_object_t type = GIT_OBJECT_INVALID;
	size_t len, n;

	*is_commit = 0;
	if (git_odb_read_header(&len, &type, repo->odb, cp__git_oid(id)) < 0 ||
	    type != GIT_OBJECT_COMMIT) {
		git_error_clear();
		return 0;
	}
	*is_commit = 1;
	return cp__commit_raw(repo, id, date, &n, NULL, err);
}

/* The starting list: refs (by name) and HEAD, prepended, then by date. */
static int start_list(struct cp_repo *repo, struct queue *q,
		      struct cp__oidset *seen, struct cp_error *err)
{
	git_strarray refs = { NULL, 0 };
	struct dated *start = NULL;
	size_t i, n = 0, j;
	int rc = 0;

	if (git_reference_list(&refs, repo->git) < 0)
		return cp_error_set(err, CP_ERR_REPO_CORRUPT, "cannot list refs: %s",
				    cp__git_msg());
	start = calloc(refs.count + 1, sizeof(*start));
	if (!start) {
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	qsort(refs.strings, refs.count, sizeof(*refs.strings), ref_cmp);
	for (i = 0; i <= refs.count; i++) {
		git_oid oid;
		int is_commit;

		if (git_reference_name_to_id(&oid, repo->git,
					     i < refs.count ? refs.strings[i] : "HEAD") < 0) {
			git_error_clear();
			continue;
		}
		cp__oid_from_git(&start[n].id, &oid);
		rc = commit_date(repo, &start[n].id, &start[n].date, &is_commit, err);
		if (rc)
			goto out;
		n += is_commit;
	}
	/* git prepends each ref, then sorts by date (stable): newest first,
	 * ties in reverse ref order */
	for (i = n; i-- > 0;) {
		if (cp__oidset_add(seen, &start[i].id) < 0 || queue_room(q) < 0) {
			rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			goto out;
		}
		for (j = q->head; j < q->n && q->v[j].date >= start[i].date; j++)
			;
		memmove(q->v + j + 1, q->v + j, (q->n - j) * sizeof(*q->v));
		q->v[j] = start[i];
		q->n++;
	}
out:
	free(start);
	git_strarray_dispose(&refs);
	return rc;
}

int cp__resolve_message_search(struct cp_repo *repo, const char *rev,
			       struct cp_oid *out, struct cp_error *err)
{
	struct cp__oidset seen = { NULL, NULL, 0, 0 };
	struct queue q = { NULL, 0, 0, 0 };
	struct cp_oid *parents = NULL;
	const char *pattern = rev + 2;
	int negate = 0, rc;
	regex_t re;

	if (pattern[0] == '!') {
		if (pattern[1] == '-')
			negate = 1;
		else if (pattern[1] != '!')
			return cp_error_set(err, CP_ERR_BAD_REV,
					    "unknown revision '%s'", rev);
		pattern += negate ? 2 : 1;
	}
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
		return cp_error_set(err, CP_ERR_BAD_REV,
				    "bad regular expression in '%s'", rev);
	rc = start_list(repo, &q, &seen, err);
	while (!rc && q.head < q.n) {
		struct dated c = q.v[q.head++];
		char *msg = NULL;
		size_t np, i;
		int64_t t;
		int match;

		rc = cp__commit_raw(repo, &c.id, &t, &np, &msg, err);
		if (rc)
			break;
		match = regexec(&re, msg, 0, NULL, 0) == 0;
		free(msg);
		if (match != negate) {
			*out = c.id;
			goto out;
		}
		if (cp__repo_is_shallow_boundary(repo, &c.id))
			continue;
		free(parents);
		parents = np ? malloc(np * sizeof(*parents)) : NULL;
		if (np && !parents) {
			rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			break;
		}
		if (np)
			memcpy(parents, repo->parents, np * sizeof(*parents));
		for (i = 0; !rc && i < np; i++) {
			int added = cp__oidset_add(&seen, &parents[i]);
			size_t unused;
			int64_t date;

			if (added < 0) {
				rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
				break;
			}
			if (!added)
				continue;
			rc = cp__commit_raw(repo, &parents[i], &date, &unused, NULL,
					    err);
			if (!rc && queue_insert(&q, &parents[i], date) < 0)
				rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
	}
	if (!rc)
		rc = cp_error_set(err, CP_ERR_BAD_REV, "unknown revision '%s'", rev);
out:
	free(parents);
	free(q.v);
	cp__oidset_free(&seen);
	regfree(&re);
	return rc;
}
