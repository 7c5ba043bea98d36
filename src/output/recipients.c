/*
 * Recipients of a bisection result: trailers of the culprit plus
 * MAINTAINERS read from the culprit's own tree (libgit2, on the repository
 * src/vcs opened).
 */
#include "output/recipients.h"

#include "vcs/vcs.h"

#include <ctype.h>
#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int cp_recipient_trailer(const char *key)
{
	static const char *const roles[] = { "signed-off", "reviewed", "acked", "tested",
					     "co-developed", NULL };
	size_t n = strlen(key);
	const char *p = key, *end;

	if (n < 4 || strcasecmp(key + n - 3, "-by"))
		return 0;
	end = key + n - 3;
	while (p < end) {
		const char *sep = NULL, *q;
		size_t len, i;
		int ok = 0;

		for (q = p; q + 5 <= end; q++)
			if (!strncasecmp(q, "-and-", 5)) {
				sep = q;
				break;
			}
		len = (size_t)((sep ? sep : end) - p);
		for (i = 0; roles[i]; i++)
			if (strlen(roles[i]) == len && !strncasecmp(p, roles[i], len))
				ok = 1;
		if (!ok)
			return 0;
		p = sep ? sep + 5 : end;
	}
	return 1;
}

/* A growing set of addresses. */
struct set {
	char **v;
	size_t n, cap;
};

static int set_has(const struct set *s, const char *a)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], a))
			return 1;
	return 0;
}

static int set_add(struct set *s, const char *a, struct cp_error *err)
{
	char **p;

	if (!a || !a[0] || set_has(s, a))
		return 0;
	if (s->n == s->cap) {
		size_t c = s->cap ? 2 * s->cap : 16;

		p = realloc(s->v, c * sizeof(*p));
		if (!p)
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		s->v = p;
		s->cap = c;
	}
	s->v[s->n] = strdup(a);
	if (!s->v[s->n])
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	s->n++;
	return 0;
}

static void set_free(struct set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int is_stable(const char *addr)
{
	return !strncmp(addr, "stable@", 7);
}

/* Adds the address in value ("Name <a@b>" or "a@b") to s. */
static int add_email(struct set *s, const char *value, struct cp_error *err)
{
	char *addr = NULL;
	int ret = cp_parse_email(value, &addr, NULL, err);

	if (!ret && addr && !is_stable(addr))
		ret = set_add(s, addr, err);
	free(addr);
	return ret;
}

/* libgit2 view of the culprit's tree for -d checks. */
struct tree_ctx {
	git_tree *tree;
};

static int tree_is_dir(void *ctx, const char *path)
{
	struct tree_ctx *t = ctx;
	git_tree_entry *e = NULL;
	int dir;

	if (git_tree_entry_bypath(&e, t->tree, path) < 0)
		return 0;
	dir = git_tree_entry_type(e) == GIT_OBJECT_TREE;
	git_tree_entry_free(e);
	return dir;
}

static int fs_is_dir(void *ctx, const char *path)
{
	char buf[8192];
	struct stat st;

	snprintf(buf, sizeof(buf), "%s/%s", (const char *)ctx, path);
	return stat(buf, &st) == 0 && S_ISDIR(st.st_mode);
}

static int open_git(struct cp_repo *repo, git_repository **git, struct cp_error *err)
{
	if (git_libgit2_init() < 0)
		return cp_error_set(err, CP_ERR_INTERNAL, "cannot initialise libgit2");
	if (git_repository_open(git, cp_repo_git_dir(repo)) < 0) {
		const git_error *e = git_error_last();

		git_libgit2_shutdown();
		return cp_error_set(err, CP_ERR_NOT_REPO, "cannot open %s: %s",
				    cp_repo_git_dir(repo), e && e->message ? e->message : "error");
	}
	return 0;
}

static void close_git(git_repository *git)
{
	git_repository_free(git);
	git_libgit2_shutdown();
}

static int commit_tree(git_repository *git, const struct cp_oid *id, git_commit **c,
		       git_tree **tree, struct cp_error *err)
{
	char hex[CP_OID_HEXSZ + 1];

	*c = NULL;
	*tree = NULL;
	cp_oid_to_hex(id, hex);
	if (git_commit_lookup(c, git, (const git_oid *)(const void *)id) < 0 ||
	    git_commit_tree(tree, *c) < 0) {
		git_commit_free(*c);
		*c = NULL;
		return cp_error_set(err, CP_ERR_REPO_CORRUPT, "cannot read commit %s", hex);
	}
	return 0;
}

static int parse_tree_maintainers(git_repository *git, git_tree *tree,
				  struct cp_maintainers **out, struct cp_error *err)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	struct tree_ctx ctx = { tree };
	int ret = 0;

	*out = NULL;
	if (git_tree_entry_bypath(&e, tree, "MAINTAINERS") < 0)
		return 0;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		git_tree_entry_free(e);
		return 0;
	}
	if (git_blob_lookup(&blob, git, git_tree_entry_id(e)) < 0)
		ret = cp_error_set(err, CP_ERR_REPO_CORRUPT, "cannot read MAINTAINERS");
	else
		ret = cp_maintainers_parse(out, git_blob_rawcontent(blob),
					   (size_t)git_blob_rawsize(blob), tree_is_dir, &ctx, err);
	git_blob_free(blob);
	git_tree_entry_free(e);
	return ret;
}

int cp_maintainers_load_commit(struct cp_repo *repo, const struct cp_oid *id,
			       struct cp_maintainers **out, struct cp_error *err)
{
	git_repository *git = NULL;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int ret;

	*out = NULL;
	ret = open_git(repo, &git, err);
	if (ret)
		return ret;
	ret = commit_tree(git, id, &c, &tree, err);
	if (!ret)
		ret = parse_tree_maintainers(git, tree, out, err);
	git_tree_free(tree);
	git_commit_free(c);
	close_git(git);
	return ret;
}

int cp_maintainers_load_dir(const char *dir, struct cp_maintainers **out,
			    struct cp_error *err)
{
	char path[8192];
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f;
	int ret;

	*out = NULL;
	snprintf(path, sizeof(path), "%s/MAINTAINERS", dir);
	f = fopen(path, "rb");
	if (!f)
		return cp_error_set(err, CP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	for (;;) {
		if (len + 65536 > cap) {
			char *p = realloc(buf, cap + 1048576);

			if (!p) {
				free(buf);
				fclose(f);
				return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			}
			buf = p;
			cap += 1048576;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return cp_error_set(err, CP_ERR_IO, "cannot read %s", path);
	}
	fclose(f);
	ret = cp_maintainers_parse(out, buf ? buf : "", len, fs_is_dir, (void *)dir, err);
	free(buf);
	return ret;
}

/* The +/- lines of the commit's patch against its first parent. */
static int patch_lines(git_repository *git, git_commit *c, git_tree *tree, char **out,
		       struct cp_error *err)
{
	git_commit *parent = NULL;
	git_tree *ptree = NULL;
	git_diff *diff = NULL;
	git_buf buf = { 0 };
	const char *p, *end;
	char *o;
	int ret = 0;

	*out = NULL;
	if (git_commit_parentcount(c) && git_commit_parent(&parent, c, 0) == 0)
		git_commit_tree(&ptree, parent);
	if (git_diff_tree_to_tree(&diff, git, ptree, tree, NULL) < 0 ||
	    git_diff_to_buf(&buf, diff, GIT_DIFF_FORMAT_PATCH) < 0) {
		ret = 0;	/* keywords are a best effort */
		goto out;
	}
	o = malloc(buf.size + 1);
	if (!o) {
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	*out = o;
	for (p = buf.ptr, end = buf.ptr + buf.size; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if ((*p == '+' || *p == '-') && strncmp(p, "+++ ", 4) && strncmp(p, "--- ", 4)) {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
out:
	git_buf_dispose(&buf);
	git_diff_free(diff);
	git_tree_free(ptree);
	git_commit_free(parent);
	return ret;
}

static const char *section_status(const struct cp_maint_section *s)
{
	size_t i;

	for (i = 0; i < s->nlines; i++)
		if (s->lines[i].type == 'S')
			return s->lines[i].value;
	return "";
}

/* get_maintainer.pl leaves the penguin chiefs out of its list. */
static int maint_chief(const char *value)
{
	char *addr = NULL;
	int chief;

	if (cp_parse_email(value, &addr, NULL, NULL) || !addr)
		return 0;
	chief = cp_maint_penguin_chief(addr);
	free(addr);
	return chief;
}

static int add_section_people(const struct cp_maintainers *m, const size_t *secs, size_t n,
			      struct set *to, struct set *cc, struct set *lists,
			      struct cp_error *err)
{
	size_t i, k;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		const struct cp_maint_section *s = cp_maintainers_section(m, secs[i]);
		const char *st = section_status(s);
		int strong = !strcasecmp(st, "Maintained") || !strcasecmp(st, "Supported");

		for (k = 0; k < s->nlines && !ret; k++) {
			const char *v = s->lines[k].value;

			if ((s->lines[k].type == 'M' || s->lines[k].type == 'R') &&
			    maint_chief(v))
				continue;
			if (s->lines[k].type == 'M')
				ret = add_email(strong ? to : cc, v, err);
			else if (s->lines[k].type == 'R')
				ret = add_email(cc, v, err);
			else if (s->lines[k].type == 'L' && !strstr(v, "subscribers-only"))
				ret = add_email(lists, v, err);
		}
	}
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int maintainer_recipients(git_repository *git, const struct cp_commit_info *info,
				 struct set *to, struct set *cc, struct cp_error *err)
{
	struct cp_maintainers *m = NULL;
	struct set lists = { 0 };
	git_commit *c = NULL;
	git_tree *tree = NULL;
	size_t *secs = NULL, nsecs = 0, i, k;
	char *patch = NULL;
	int ret;

	ret = commit_tree(git, &info->id, &c, &tree, err);
	if (!ret)
		ret = parse_tree_maintainers(git, tree, &m, err);
	if (ret || !m)
		goto out;
	for (i = 0; i < info->nfiles && !ret; i++) {
		const char *paths[2] = { info->files[i].path, info->files[i].old_path };

		for (k = 0; k < 2 && !ret; k++) {
			size_t *hit = NULL, nhit = 0;

			if (!paths[k] || (k && !strcmp(paths[0], paths[1])))
				continue;
			ret = cp_maintainers_match(m, paths[k], &hit, &nhit, err);
			if (!ret)
				ret = add_section_people(m, hit, nhit, to, cc, &lists, err);
			free(hit);
		}
	}
	if (!ret)
		ret = patch_lines(git, c, tree, &patch, err);
	if (!ret && patch)
		ret = cp_maintainers_match_keywords(m, patch, &secs, &nsecs, err);
	if (!ret)
		ret = add_section_people(m, secs, nsecs, to, cc, &lists, err);
	/* LKML is Cc when a subsystem list is there */
	for (i = 0; i < lists.n && !ret; i++) {
		int lkml = !strcmp(lists.v[i], "linux-kernel@vger.kernel.org");

		ret = set_add(lkml && lists.n > 1 ? cc : to, lists.v[i], err);
	}
out:
	free(secs);
	free(patch);
	set_free(&lists);
	cp_maintainers_free(m);
	git_tree_free(tree);
	git_commit_free(c);
	return ret;
}

int cp_recipients_for_commit(struct cp_repo *repo, const struct cp_oid *id,
			     struct cp_recipients *out, struct cp_error *err)
{
	struct cp_commit_info *info = NULL;
	struct set to = { 0 }, cc = { 0 }, ccx = { 0 };
	git_repository *git = NULL;
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = cp_commit_info_load(repo, id, CP_COMMIT_FILES, &info, err);
	if (ret)
		return ret;
	ret = add_email(&to, info->author.email, err);
	for (i = 0; i < info->ntrailers && !ret; i++)
		if (cp_recipient_trailer(info->trailers[i].key))
			ret = add_email(&to, info->trailers[i].value, err);
	if (!ret)
		ret = open_git(repo, &git, err);
	if (!ret) {
		ret = maintainer_recipients(git, info, &to, &cc, err);
		close_git(git);
	}
	for (i = 0; i < cc.n && !ret; i++)
		if (!set_has(&to, cc.v[i]))
			ret = set_add(&ccx, cc.v[i], err);
	cp_commit_info_free(info);
	set_free(&cc);
	if (ret) {
		set_free(&to);
		set_free(&ccx);
		return ret;
	}
	if (to.n)
		qsort(to.v, to.n, sizeof(*to.v), cmp_str);
	if (ccx.n)
		qsort(ccx.v, ccx.n, sizeof(*ccx.v), cmp_str);
	out->to = to.v;
	out->nto = to.n;
	out->cc = ccx.v;
	out->ncc = ccx.n;
	return 0;
}

void cp_recipients_dispose(struct cp_recipients *r)
{
	size_t i;

	for (i = 0; i < r->nto; i++)
		free(r->to[i]);
	for (i = 0; i < r->ncc; i++)
		free(r->cc[i]);
	free(r->to);
	free(r->cc);
	memset(r, 0, sizeof(*r));
}
