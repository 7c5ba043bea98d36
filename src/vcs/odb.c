/*
 * Reading raw commit objects from the object database and mapping libgit2
 * failures to culprit statuses: the helpers every vcs file shares (repo.c
 * opens and resolves, search.c walks messages; both read commits here).
 */
#include "vcs/vcs_internal.h"

#include <stdlib.h>
#include <string.h>

const char *cp__git_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

int cp__git_is_nomem(void)
{
	const git_error *e = git_error_last();

	return e && e->klass == GIT_ERROR_NOMEMORY;
}

int cp__object_error(int gitcode, const git_oid *id, struct cp_error *err)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), id);
	if (gitcode == GIT_ENOTFOUND)
		return cp_error_set(err, CP_ERR_REPO_CORRUPT,
				    "missing object %s", hex);
	if (cp__git_is_nomem())
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory reading %s",
				    hex);
	return cp_error_set(err, CP_ERR_REPO_CORRUPT, "corrupt object %s: %s",
			    hex, cp__git_msg());
}

int cp__shallow_error(const struct cp_oid *id, struct cp_error *err)
{
	char hex[CP_OID_HEXSZ + 1];

	cp_oid_to_hex(id, hex);
	return cp_error_set(err, CP_ERR_REPO_CORRUPT,
			    "history is cut off at %s (shallow clone); fetch more "
			    "history (git fetch --unshallow)", hex);
}

int cp__oid_cmp_qsort(const void *a, const void *b)
{
	return cp_oid_cmp(a, b);
}

int cp__repo_is_shallow_boundary(const struct cp_repo *repo,
				 const struct cp_oid *id)
{
	if (!repo->nshallow)
		return 0;
	return bsearch(id, repo->shallow, repo->nshallow, sizeof(*id),
		       cp__oid_cmp_qsort) != NULL;
}

static int grow_parents(struct cp_repo *repo, size_t n, struct cp_error *err)
{
	size_t cap = repo->parents_cap ? repo->parents_cap : 8;
	struct cp_oid *p;

	if (n <= repo->parents_cap)
		return 0;
	while (cap < n)
		cap *= 2;
	p = realloc(repo->parents, cap * sizeof(*p));
	if (!p)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	repo->parents = p;
	repo->parents_cap = cap;
	return 0;
}

/* Parses "parent <hex>" lines and the committer time of a raw commit. */
static int parse_raw_commit(struct cp_repo *repo, const char *data, size_t len,
			    int64_t *commit_time, size_t *nparents,
			    struct cp_error *err)
{
	const char *p = data, *end = data + len;
	size_t n = 0;
	int rc;

	*commit_time = 0;
	while (p < end && *p != '\n') {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (ll == 7 + GIT_OID_HEXSZ && !memcmp(p, "parent ", 7)) {
			char hex[GIT_OID_HEXSZ + 1];

			rc = grow_parents(repo, n + 1, err);
			if (rc)
				return rc;
			memcpy(hex, p + 7, GIT_OID_HEXSZ);
			hex[GIT_OID_HEXSZ] = '\0';
			if (cp_oid_from_hex(&repo->parents[n], hex) < 0)
				return -1;
			n++;
		} else if (ll > 10 && !memcmp(p, "committer ", 10)) {
			/* "committer Name <email> 1234567890 +0000" */
			const char *gt = NULL, *q;
			int64_t t = 0;

			for (q = p; q < p + ll; q++)
				if (*q == '>')
					gt = q;
			if (!gt)
				return -1;
			for (q = gt + 1; q < p + ll && *q == ' '; q++)
				;
			for (; q < p + ll && *q >= '0' && *q <= '9'; q++)
				t = t * 10 + (*q - '0');
			*commit_time = t;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	*nparents = n;
	return 0;
}

/* The message of a raw commit: what follows the first blank line. */
static const char *raw_message(const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			return NULL;
		if (nl == p)
			return nl + 1;
		p = nl + 1;
	}
	return NULL;
}

int cp__commit_raw(struct cp_repo *repo, const struct cp_oid *id,
		   int64_t *commit_time, size_t *nparents, char **message,
		   struct cp_error *err)
{
	git_odb_object *obj = NULL;
	const char *data;
	size_t len;
	int rc, grc;

	grc = git_odb_read(&obj, repo->odb, cp__git_oid(id));
	if (grc < 0) {
		obj = NULL;
		rc = cp__object_error(grc, cp__git_oid(id), err);
		goto out;
	}
	if (git_odb_object_type(obj) != GIT_OBJECT_COMMIT) {
		char hex[CP_OID_HEXSZ + 1];

		cp_oid_to_hex(id, hex);
		rc = cp_error_set(err, CP_ERR_NOT_COMMIT, "%s is not a commit", hex);
		goto out;
	}
	data = git_odb_object_data(obj);
	len = git_odb_object_size(obj);
	rc = parse_raw_commit(repo, data, len, commit_time, nparents, err);
	if (rc == -1)
		rc = cp__object_error(GIT_ERROR, cp__git_oid(id), err);
	if (rc || !message)
		goto out;
	data = raw_message(data, len);
	*message = data ? strndup(data, len - (size_t)(data -
			  (const char *)git_odb_object_data(obj))) : strdup("");
	if (!*message)
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
out:
	git_odb_object_free(obj);
	return rc;
}
