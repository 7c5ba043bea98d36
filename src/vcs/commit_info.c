/*
 * cp_commit_info_load(): a commit's identities, message, subject (like
 * git's %s), trailers and, on request, its changed files and diffstat.
 */
#include "vcs/changes.h"
#include "vcs/vcs_internal.h"

#include <ctype.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

static int copy_signature(struct cp_signature *out, const git_signature *sig)
{
	out->name = strdup(sig->name ? sig->name : "");
	out->email = strdup(sig->email ? sig->email : "");
	out->time = (int64_t)sig->when.time;
	out->offset = sig->when.offset;
	return out->name && out->email ? 0 : -1;
}

/* Length of the line at s, with its newline. */
static size_t line_len(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? (size_t)(nl - s) + 1 : strlen(s);
}

/* Length of the line without trailing whitespace (git's is_blank_line). */
static size_t trimmed_len(const char *s, size_t len)
{
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return len;
}

/*
 * text converted from a commit's "encoding" to UTF-8, as git show does;
 * NULL when no conversion is needed or possible (git then shows the bytes).
 */
char *cp__to_utf8(const char *text, const char *encoding)
{
	size_t inleft, outleft, cap;
	char *in, *out, *res;
	iconv_t cd;

	if (!text || !encoding || !strcasecmp(encoding, "utf-8") ||
	    !strcasecmp(encoding, "utf8"))
		return NULL;
	cd = iconv_open("UTF-8", encoding);
	if (cd == (iconv_t)-1)
		return NULL;
	inleft = strlen(text);
	cap = 4 * inleft + 16;
	res = malloc(cap);
	in = (char *)text;
	out = res;
	outleft = cap - 1;
	if (!res || iconv(cd, &in, &inleft, &out, &outleft) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &out, &outleft) == (size_t)-1) {
		free(res);
		res = NULL;
	} else {
		*out = '\0';
	}
	iconv_close(cd);
	return res;
}

char *cp__subject(const char *msg)
{
	size_t cap = strlen(msg) + 1, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	/* skip blank lines, then join the first paragraph's lines */
	for (;;) {
		size_t n = line_len(msg);

		if (!n || trimmed_len(msg, n))
			break;
		msg += n;
	}
	for (;;) {
		size_t n = line_len(msg), t = trimmed_len(msg, n);

		if (!n || !t)
			break;
		if (len)
			out[len++] = ' ';
		memcpy(out + len, msg, t);
		len += t;
		msg += n;
	}
	out[len] = '\0';
	return out;
}

static int load_trailers(struct cp_commit_info *info)
{
	git_message_trailer_array arr = { 0 };
	size_t i;
	int rc = 0;

	if (git_message_trailers(&arr, info->message) < 0)
		return 0;	/* no trailers block */
	if (!arr.count)
		goto out;
	info->trailers = calloc(arr.count, sizeof(*info->trailers));
	if (!info->trailers) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < arr.count; i++) {
		info->trailers[i].key = strdup(arr.trailers[i].key);
		info->trailers[i].value = strdup(arr.trailers[i].value);
		info->ntrailers++;
		if (!info->trailers[i].key || !info->trailers[i].value) {
			rc = -1;
			goto out;
		}
	}
out:
	git_message_trailer_array_free(&arr);
	return rc;
}

static int load_files(struct cp_repo *repo, git_commit *c,
		      struct cp_commit_info *info, struct cp_error *err)
{
	struct cp__changes ch = { NULL, 0, 0 };
	size_t i;
	int rc;

	rc = cp__changes_load(repo->git, c,
			      cp__repo_is_shallow_boundary(repo, &info->id), &ch, err);
	if (rc)
		return rc;
	if (ch.n) {
		info->files = calloc(ch.n, sizeof(*info->files));
		if (!info->files) {
			rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < ch.n; i++) {
		struct cp__change *s = &ch.v[i];
		struct cp_file_change *f = &info->files[i];

		f->path = s->new_path;
		f->old_path = s->old_path;
		s->new_path = s->old_path = NULL;
		info->nfiles++;
		f->status = s->status;
		f->mode = s->new_mode;
		f->binary = s->binary;
		f->insertions = s->insertions;
		f->deletions = s->deletions;
		info->insertions += s->insertions;
		info->deletions += s->deletions;
	}
out:
	cp__changes_free(&ch);
	return rc;
}

int cp_commit_info_load(struct cp_repo *repo, const struct cp_oid *id,
			unsigned flags, struct cp_commit_info **out,
			struct cp_error *err)
{
	struct cp_commit_info *info = NULL;
	git_commit *c = NULL;
	const char *msg;
	size_t i;
	int rc = 0, grc;

	*out = NULL;
	grc = git_commit_lookup(&c, repo->git, cp__git_oid(id));
	if (grc < 0) {
		c = NULL;
		rc = cp__object_error(grc, cp__git_oid(id), err);
		goto out;
	}
	info = calloc(1, sizeof(*info));
	if (!info)
		goto nomem;
	info->id = *id;
	if (copy_signature(&info->author, git_commit_author(c)) < 0 ||
	    copy_signature(&info->committer, git_commit_committer(c)) < 0)
		goto nomem;
	msg = git_commit_message_raw(c);
	info->message = strdup(msg ? msg : "");
	if (!info->message || !(info->subject = cp__subject(info->message)))
		goto nomem;
	if (git_commit_message_encoding(c)) {
		char *u = cp__to_utf8(info->subject, git_commit_message_encoding(c));

		if (u) {
			free(info->subject);
			info->subject = u;
		}
	}
	info->nparents = git_commit_parentcount(c);
	if (info->nparents) {
		info->parents = calloc(info->nparents, sizeof(*info->parents));
		if (!info->parents)
			goto nomem;
	}
	for (i = 0; i < info->nparents; i++)
		cp__oid_from_git(&info->parents[i],
				 git_commit_parent_id(c, (unsigned)i));
	if (load_trailers(info) < 0)
		goto nomem;
	if (flags & CP_COMMIT_FILES) {
		rc = load_files(repo, c, info, err);
		if (rc)
			goto out;
	}
	*out = info;
	info = NULL;
	goto out;
nomem:
	rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
out:
	cp_commit_info_free(info);
	git_commit_free(c);
	return rc;
}

void cp_commit_info_free(struct cp_commit_info *info)
{
	size_t i;

	if (!info)
		return;
	free(info->author.name);
	free(info->author.email);
	free(info->committer.name);
	free(info->committer.email);
	free(info->message);
	free(info->subject);
	free(info->parents);
	for (i = 0; i < info->ntrailers; i++) {
		free(info->trailers[i].key);
		free(info->trailers[i].value);
	}
	free(info->trailers);
	for (i = 0; i < info->nfiles; i++) {
		free(info->files[i].path);
		free(info->files[i].old_path);
	}
	free(info->files);
	free(info);
}
