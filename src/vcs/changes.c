/*
 * A commit's changed files against its first parent, as `git show` sees
 * them: libgit2's tree diff without renames, then git's rename detection
 * (diffcore-rename: exact, unique basenames, then best inexact matches),
 * then line counts per file.
 */
#include "vcs/changes.h"
#include "vcs/vcs_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MIN_SCORE 30000			/* git's default -M50% */
#define MIN_BASENAME_SCORE 45000	/* halfway to 100% */
#define RENAME_LIMIT 1000		/* diff.renameLimit default */
#define CANDIDATES 4			/* per destination, as git */
#define S_ISGITLINK(m) (((m) & 0170000) == 0160000)

void cp__changes_free(struct cp__changes *ch)
{
	size_t i;

	for (i = 0; i < ch->n; i++) {
		free(ch->v[i].old_path);
		free(ch->v[i].new_path);
	}
	free(ch->v);
	memset(ch, 0, sizeof(*ch));
}

static int push_change(struct cp__changes *ch, const git_diff_delta *d,
		       char status)
{
	struct cp__change *c;

	if (ch->n == ch->cap) {
		size_t cap = ch->cap ? 2 * ch->cap : 16;
		struct cp__change *v = realloc(ch->v, cap * sizeof(*v));

		if (!v)
			return -1;
		ch->v = v;
		ch->cap = cap;
	}
	c = &ch->v[ch->n];
	memset(c, 0, sizeof(*c));
	c->status = status;
	c->old_path = strdup(d->old_file.path);
	c->new_path = strdup(d->new_file.path);
	ch->n++;
	if (!c->old_path || !c->new_path)
		return -1;
	c->old_mode = status == 'A' ? 0 : d->old_file.mode;
	c->new_mode = status == 'D' ? 0 : d->new_file.mode;
	git_oid_cpy(&c->old_id, &d->old_file.id);
	git_oid_cpy(&c->new_id, &d->new_file.id);
	return 0;
}

/* One side of a possible rename, with its content loaded when needed. */
struct side {
	size_t idx;		/* into the change list */
	int done;		/* used as a source / found a source */
	long src;		/* for destinations: the source side */
	int score;
	git_blob *blob;
	struct cp__spans spans;
};

struct score {
	long dst, src;		/* dst < 0: unused slot */
	int score;
	int name_score;
	size_t order;		/* for a stable sort */
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int load_side(git_repository *repo, struct side *s,
		     const git_oid *id, struct cp_error *err)
{
	int grc;

	if (s->blob)
		return 0;
	grc = git_blob_lookup(&s->blob, repo, id);
	if (grc < 0) {
		s->blob = NULL;
		return cp__object_error(grc, id, err);
	}
	return 0;
}

static int load_spans(struct side *s, struct cp_error *err)
{
	if (s->spans.ready)
		return 0;
	if (cp__spans_compute(git_blob_rawcontent(s->blob),
			      (size_t)git_blob_rawsize(s->blob), &s->spans) < 0)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	return 0;
}

struct renames {
	git_repository *repo;
	struct cp__changes *ch;
	struct side *src, *dst;
	size_t nsrc, ndst;
	long limit;
};

/*
 * diff.renames and diff.renameLimit.  Porcelain commands detect renames
 * unless diff.renames is false; plumbing (git bisect 2.39's diff-tree) only
 * when it is set true: default_on says which.
 */
static void rename_config(git_repository *repo, int default_on, int *enabled, long *limit)
{
	git_config *cfg = NULL;
	int32_t v;
	int b;

	*enabled = default_on;
	*limit = RENAME_LIMIT;
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		git_error_clear();
		return;
	}
	if (git_config_get_bool(&b, cfg, "diff.renames") == 0)
		*enabled = b;
	if (git_config_get_int32(&v, cfg, "diff.renameLimit") == 0)
		*limit = v > 0 ? v : 32767;
	git_config_free(cfg);
	git_error_clear();
}

/* Git's estimate_similarity(); *score is 0 for non-regular files. */
static int similarity(struct renames *r, struct side *s, struct side *d,
		      int minimum_score, int *score, struct cp_error *err)
{
	struct cp__change *cs = &r->ch->v[s->idx], *cd = &r->ch->v[d->idx];
	int rc;

	*score = 0;
	if (!S_ISREG(cs->old_mode) || !S_ISREG(cd->new_mode))
		return 0;
	rc = load_side(r->repo, s, &cs->old_id, err);
	if (!rc)
		rc = load_side(r->repo, d, &cd->new_id, err);
	if (rc)
		return rc;
	if (!cp__size_ok((size_t)git_blob_rawsize(s->blob),
			 (size_t)git_blob_rawsize(d->blob), minimum_score))
		return 0;
	rc = load_spans(s, err);
	if (!rc)
		rc = load_spans(d, err);
	if (rc)
		return rc;
	*score = cp__spans_score(&s->spans, &d->spans);
	return 0;
}

static void record(struct renames *r, long s, long d, int score)
{
	r->src[s].done = 1;
	r->dst[d].done = 1;
	r->dst[d].src = s;
	r->dst[d].score = score;
}

static void find_exact(struct renames *r)
{
	size_t i, j;

	for (i = 0; i < r->ndst; i++) {
		struct cp__change *d = &r->ch->v[r->dst[i].idx];
		long best = -1;
		int best_score = -1;

		for (j = 0; j < r->nsrc; j++) {
			struct cp__change *s = &r->ch->v[r->src[j].idx];
			int score;

			if (r->src[j].done || !git_oid_equal(&s->old_id, &d->new_id))
				continue;
			if ((!S_ISREG(s->old_mode) || !S_ISREG(d->new_mode)) &&
			    s->old_mode != d->new_mode)
				continue;
			score = 1 + !strcmp(base_name(s->old_path),
					    base_name(d->new_path));
			if (score > best_score) {
				best = (long)j;
				best_score = score;
				if (score == 2)
					break;
			}
		}
		if (best >= 0)
			record(r, best, (long)i, CP__MAX_SCORE);
	}
}

/* The only remaining source (or destination) with this basename, or -1. */
static long unique_base(struct renames *r, struct side *v, size_t n, int old,
			const char *base)
{
	long found = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		struct cp__change *c = &r->ch->v[v[i].idx];

		if (v[i].done ||
		    strcmp(base_name(old ? c->old_path : c->new_path), base))
			continue;
		if (found >= 0)
			return -1;
		found = (long)i;
	}
	return found;
}

static int find_basename_matches(struct renames *r, struct cp_error *err)
{
	char *src_unique = calloc(r->nsrc + 1, 1);
	long *dst_of = malloc((r->nsrc + 1) * sizeof(*dst_of));
	size_t i;
	int rc = 0;

	if (!src_unique || !dst_of) {
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* uniqueness is judged before any basename match is recorded */
	for (i = 0; i < r->nsrc; i++) {
		const char *base = base_name(r->ch->v[r->src[i].idx].old_path);

		dst_of[i] = -1;
		if (r->src[i].done ||
		    unique_base(r, r->src, r->nsrc, 1, base) != (long)i)
			continue;
		src_unique[i] = 1;
		dst_of[i] = unique_base(r, r->dst, r->ndst, 0, base);
	}
	for (i = 0; i < r->nsrc; i++) {
		long d = dst_of[i];
		int score;

		if (!src_unique[i] || d < 0 || r->dst[d].done)
			continue;
		rc = similarity(r, &r->src[i], &r->dst[d], MIN_BASENAME_SCORE,
				&score, err);
		if (rc)
			goto out;
		if (score >= MIN_BASENAME_SCORE)
			record(r, (long)i, d, score);
	}
out:
	free(src_unique);
	free(dst_of);
	return rc;
}

/* git's score_compare(): better pairs sort first, unused slots last. */
static int score_cmp(const struct score *a, const struct score *b)
{
	if (a->dst < 0)
		return 0 <= b->dst;
	if (b->dst < 0)
		return -1;
	if (a->score == b->score)
		return b->name_score - a->name_score;
	return b->score - a->score;
}

static int score_qsort(const void *x, const void *y)
{
	const struct score *a = x, *b = y;
	int c = score_cmp(a, b);

	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

static void record_if_better(struct score m[CANDIDATES], const struct score *o)
{
	int i, worst = 0;

	for (i = 1; i < CANDIDATES; i++)
		if (score_cmp(&m[i], &m[worst]) > 0)
			worst = i;
	if (score_cmp(&m[worst], o) > 0)
		m[worst] = *o;
}

static int find_inexact(struct renames *r, struct cp_error *err)
{
	size_t nsrc = 0, ndst = 0, i, j, k = 0;
	struct score *mx = NULL;
	int rc = 0;

	for (i = 0; i < r->nsrc; i++)
		nsrc += !r->src[i].done;
	for (i = 0; i < r->ndst; i++)
		ndst += !r->dst[i].done;
	if (!nsrc || !ndst)
		return 0;
	if ((unsigned long long)nsrc * ndst >
	    (unsigned long long)r->limit * (unsigned long long)r->limit)
		return 0;	/* too many candidates, as git */
	mx = calloc(ndst * CANDIDATES, sizeof(*mx));
	if (!mx)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	for (i = 0; i < r->ndst; i++) {
		struct score *m = &mx[k * CANDIDATES];
		const char *dbase;

		if (r->dst[i].done)
			continue;
		dbase = base_name(r->ch->v[r->dst[i].idx].new_path);
		for (j = 0; j < CANDIDATES; j++)
			m[j].dst = -1;
		for (j = 0; j < r->nsrc; j++) {
			struct score s;

			if (r->src[j].done)
				continue;
			rc = similarity(r, &r->src[j], &r->dst[i], MIN_SCORE,
					&s.score, err);
			if (rc)
				goto out;
			s.name_score = !strcmp(base_name(r->ch->v[r->src[j].idx].old_path),
					       dbase);
			s.dst = (long)i;
			s.src = (long)j;
			record_if_better(m, &s);
		}
		k++;
	}
	for (i = 0; i < k * CANDIDATES; i++)
		mx[i].order = i;
	qsort(mx, k * CANDIDATES, sizeof(*mx), score_qsort);
	for (i = 0; i < k * CANDIDATES; i++) {
		if (mx[i].dst < 0 || mx[i].score < MIN_SCORE)
			break;
		if (r->dst[mx[i].dst].done || r->src[mx[i].src].done)
			continue;
		record(r, mx[i].src, mx[i].dst, mx[i].score);
	}
out:
	free(mx);
	return rc;
}

/* Replaces each renamed addition by the rename; drops its deletion. */
static void apply_renames(struct renames *r)
{
	struct cp__changes *ch = r->ch;
	size_t i, out = 0;

	for (i = 0; i < r->ndst; i++) {
		struct cp__change *d = &ch->v[r->dst[i].idx], *s;

		if (!r->dst[i].done)
			continue;
		s = &ch->v[r->src[r->dst[i].src].idx];
		d->status = 'R';
		free(d->old_path);
		d->old_path = s->old_path;
		s->old_path = NULL;
		d->old_mode = s->old_mode;
		git_oid_cpy(&d->old_id, &s->old_id);
		d->score = r->dst[i].score;
	}
	for (i = 0; i < r->nsrc; i++) {
		struct cp__change *s = &ch->v[r->src[i].idx];

		if (r->src[i].done)
			s->status = 0;	/* dropped below */
	}
	for (i = 0; i < ch->n; i++) {
		if (!ch->v[i].status) {
			free(ch->v[i].old_path);
			free(ch->v[i].new_path);
			continue;
		}
		ch->v[out++] = ch->v[i];
	}
	ch->n = out;
}

static int detect_renames(git_repository *repo, struct cp__changes *ch,
			  int default_on, struct cp_error *err)
{
	struct renames r = { repo, ch, NULL, NULL, 0, 0, RENAME_LIMIT };
	size_t i;
	int rc = 0, enabled;

	rename_config(repo, default_on, &enabled, &r.limit);
	if (!enabled)
		return 0;

	r.src = calloc(ch->n + 1, sizeof(*r.src));
	r.dst = calloc(ch->n + 1, sizeof(*r.dst));
	if (!r.src || !r.dst) {
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < ch->n; i++) {
		struct cp__change *c = &ch->v[i];

		if (c->status == 'D' && !S_ISGITLINK(c->old_mode))
			r.src[r.nsrc++].idx = i;
		else if (c->status == 'A' && !S_ISGITLINK(c->new_mode))
			r.dst[r.ndst++].idx = i;
	}
	if (!r.nsrc || !r.ndst)
		goto out;
	find_exact(&r);
	rc = find_basename_matches(&r, err);
	if (!rc)
		rc = find_inexact(&r, err);
	if (!rc)
		apply_renames(&r);
out:
	for (i = 0; r.src && i < r.nsrc; i++) {
		git_blob_free(r.src[i].blob);
		cp__spans_free(&r.src[i].spans);
	}
	for (i = 0; r.dst && i < r.ndst; i++) {
		git_blob_free(r.dst[i].blob);
		cp__spans_free(&r.dst[i].spans);
	}
	free(r.src);
	free(r.dst);
	return rc;
}

static int lookup_blob(git_repository *repo, unsigned mode, const git_oid *id,
		       git_blob **out, struct cp_error *err)
{
	int grc;

	*out = NULL;
	if (!mode || S_ISGITLINK(mode))
		return 0;
	grc = git_blob_lookup(out, repo, id);
	if (grc < 0) {
		*out = NULL;
		return cp__object_error(grc, id, err);
	}
	return 0;
}

static int count_lines(git_repository *repo, struct cp__change *c,
		       struct cp_error *err)
{
	git_diff_options opts;
	git_blob *a = NULL, *b = NULL;
	git_patch *patch = NULL;
	size_t adds = 0, dels = 0;
	int rc, grc;

	rc = lookup_blob(repo, c->old_mode, &c->old_id, &a, err);
	if (!rc)
		rc = lookup_blob(repo, c->new_mode, &c->new_id, &b, err);
	if (rc)
		goto out;
	c->old_size = a ? (size_t)git_blob_rawsize(a) : 0;
	c->new_size = b ? (size_t)git_blob_rawsize(b) : 0;
	if (S_ISGITLINK(c->old_mode) || S_ISGITLINK(c->new_mode)) {
		/* "-Subproject commit X" / "+Subproject commit Y" */
		if (c->old_mode && c->new_mode &&
		    git_oid_equal(&c->old_id, &c->new_id))
			goto out;
		c->deletions = c->old_mode ? 1 : 0;
		c->insertions = c->new_mode ? 1 : 0;
		goto out;
	}
	c->binary = (a && cp__is_binary(git_blob_rawcontent(a), c->old_size)) ||
		    (b && cp__is_binary(git_blob_rawcontent(b), c->new_size));
	if (a && b && git_oid_equal(&c->old_id, &c->new_id)) {
		/* unchanged content: git counts 0 bytes / 0 lines */
		c->old_size = c->new_size = 0;
		goto out;
	}
	if (c->binary)
		goto out;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_FORCE_TEXT;
	grc = git_patch_from_blobs(&patch, a, c->old_path, b, c->new_path, &opts);
	if (grc < 0) {
		rc = cp_error_set(err, CP_ERR_INTERNAL, "cannot diff %s: %s",
				  c->new_path, cp__git_msg());
		goto out;
	}
	if (git_patch_line_stats(NULL, &adds, &dels, patch) < 0) {
		rc = cp_error_set(err, CP_ERR_INTERNAL, "cannot count lines of %s",
				  c->new_path);
		goto out;
	}
	c->insertions = adds;
	c->deletions = dels;
out:
	git_patch_free(patch);
	git_blob_free(a);
	git_blob_free(b);
	return rc;
}

static int list_changes(git_repository *repo, git_commit *commit, int as_root,
			struct cp__changes *ch, struct cp_error *err)
{
	git_diff_options opts;
	git_tree *old_tree = NULL, *new_tree = NULL;
	git_commit *parent = NULL;
	git_diff *diff = NULL;
	size_t i, n;
	int rc = 0, grc;

	if (!as_root && git_commit_parentcount(commit) > 0) {
		grc = git_commit_parent(&parent, commit, 0);
		if (grc < 0) {
			parent = NULL;
			rc = cp__object_error(grc, git_commit_parent_id(commit, 0), err);
			goto out;
		}
		grc = git_commit_tree(&old_tree, parent);
		if (grc < 0) {
			old_tree = NULL;
			rc = cp__object_error(grc, git_commit_tree_id(parent), err);
			goto out;
		}
	}
	grc = git_commit_tree(&new_tree, commit);
	if (grc < 0) {
		new_tree = NULL;
		rc = cp__object_error(grc, git_commit_tree_id(commit), err);
		goto out;
	}
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
	grc = git_diff_tree_to_tree(&diff, repo, old_tree, new_tree, &opts);
	if (grc < 0) {
		diff = NULL;
		rc = cp_error_set(err, grc == GIT_ENOTFOUND ? CP_ERR_REPO_CORRUPT :
				  CP_ERR_INTERNAL, "cannot diff trees: %s",
				  cp__git_msg());
		goto out;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		char status;

		switch (d->status) {
		case GIT_DELTA_ADDED:
			status = 'A';
			break;
		case GIT_DELTA_DELETED:
			status = 'D';
			break;
		case GIT_DELTA_MODIFIED:
			status = 'M';
			break;
		case GIT_DELTA_TYPECHANGE:
			status = 'T';
			break;
		default:
			continue;
		}
		if (push_change(ch, d, status) < 0) {
			rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
out:
	git_diff_free(diff);
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	git_commit_free(parent);
	return rc;
}

int cp__changes_load(git_repository *repo, git_commit *commit, int as_root,
		     struct cp__changes *out, struct cp_error *err)
{
	return cp__changes_load_renames(repo, commit, as_root, 1, out, err);
}

int cp__changes_load_renames(git_repository *repo, git_commit *commit, int as_root,
			     int renames_default_on, struct cp__changes *out,
			     struct cp_error *err)
{
	struct cp__changes ch = { NULL, 0, 0 };
	size_t i;
	int rc;

	rc = list_changes(repo, commit, as_root, &ch, err);
	if (!rc)
		rc = detect_renames(repo, &ch, renames_default_on, err);
	for (i = 0; !rc && i < ch.n; i++)
		rc = count_lines(repo, &ch.v[i], err);
	if (rc) {
		cp__changes_free(&ch);
		return rc;
	}
	*out = ch;
	return 0;
}
