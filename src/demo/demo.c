/*
 * Writes the history of the example program with libgit2: a main branch
 * with releases, topic branches merged back with --no-ff style merge
 * commits, broken builds fixed right after, and the culprit topic.  The
 * program's files come from program.c; here each commit is "change the
 * model, render the files, write blobs and trees, write the commit".
 */
#include "demo/demo.h"
#include "demo/internal.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TARGET_COMMITS 200

struct author {
	const char *name;
	const char *email;
	int offset;		/* minutes east of UTC */
};

/* authors[0] is the maintainer: releases and merges are hers. */
static const struct author authors[] = {
	{ "Ada Lovelace", "ada@calc.example.org", 0 },
	{ "Alan Turing", "alan@calc.example.org", 60 },
	{ "Grace Hopper", "grace@calc.example.org", -300 },
	{ "Edsger Dijkstra", "edsger@calc.example.org", 120 },
};
#define NAUTHORS (sizeof(authors) / sizeof(authors[0]))

static const char *const topic_words[] = {
	"more-ops", "docs", "cleanup", "tests", "stats", "units", "polish",
	"maths", "errors", "readme", "refactor", "build",
};
#define NWORDS (sizeof(topic_words) / sizeof(topic_words[0]))

/* What one ordinary commit changes. */
enum change {
	CH_OP, CH_TEST, CH_OPDOC, CH_NAMED, CH_DOC, CH_MAIN, CH_MAKE,
	CH_LINEDOC, CH_COUNT
};

static const unsigned change_weight[CH_COUNT] = { 34, 16, 14, 8, 14, 6, 3, 2 };

struct pending_tag {
	char name[32];
	git_oid commit;
	int64_t time;
	int annotated;
};

struct branch {
	struct demo_model m;
	git_oid head;
	unsigned author;	/* who works on it */
};

/*
 * The generator.  taken_* make each change happen once in the whole
 * history, so that parallel branches never make the same change (their
 * merge is the plain union of their models).
 */
struct gen {
	git_repository *repo;
	git_odb *odb;
	git_odb_backend *mempack;	/* owned by odb */
	struct cp_error *err;
	uint64_t rng;
	int64_t time;
	size_t ncommits;
	unsigned char taken[CH_COUNT][DEMO_MAX_OPS];
	size_t broken_left;	/* extra broken builds still to place */
	size_t next_broken;	/* ... at this commit count or later */
	unsigned char used_words[NAUTHORS][NWORDS];
	struct pending_tag tags[DEMO_MAX_REL];
	size_t ntags;
};

static uint32_t rnd(struct gen *g)
{
	/* splitmix64 */
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static unsigned rnd_below(struct gen *g, unsigned n)
{
	return n ? rnd(g) % n : 0;
}

static int git_fail(struct gen *g, const char *what)
{
	const git_error *e = git_error_last();

	if (e && e->klass == GIT_ERROR_NOMEMORY)
		return cp_error_set(g->err, CP_ERR_NOMEM, "out of memory");
	return cp_error_set(g->err, CP_ERR_INTERNAL, "%s: %s", what,
			    e && e->message ? e->message : "unknown error");
}

/* ---- writing objects ---- */

static int finish_subtree(struct gen *g, git_treebuilder **sub,
			  const char *name, git_treebuilder *root)
{
	git_oid id;
	int rc = 0;

	if (!*sub)
		return 0;
	if (git_treebuilder_write(&id, *sub) < 0 ||
	    git_treebuilder_insert(NULL, root, name, &id, GIT_FILEMODE_TREE) < 0)
		rc = git_fail(g, "cannot write a tree");
	git_treebuilder_free(*sub);
	*sub = NULL;
	return rc;
}

/* Files are listed grouped by directory, at most one level deep. */
static int write_tree(struct gen *g, const struct demo_model *m, git_oid *out)
{
	struct demo_file files[DEMO_NFILES];
	git_treebuilder *root = NULL, *sub = NULL;
	char subname[64] = "";
	int rc;

	if (demo_render(m, files) < 0)
		return cp_error_set(g->err, CP_ERR_NOMEM, "out of memory");
	if (git_treebuilder_new(&root, g->repo, NULL) < 0) {
		rc = git_fail(g, "cannot make a tree");
		goto out;
	}
	for (size_t i = 0; i < DEMO_NFILES; i++) {
		const char *slash = strchr(files[i].path, '/');
		const char *base = slash ? slash + 1 : files[i].path;
		size_t dirlen = slash ? (size_t)(slash - files[i].path) : 0;
		git_oid blob;

		if (!files[i].data)
			continue;
		if (dirlen != strlen(subname) ||
		    strncmp(subname, files[i].path, dirlen)) {
			rc = finish_subtree(g, &sub, subname, root);
			if (rc < 0)
				goto out;
			snprintf(subname, sizeof(subname), "%.*s", (int)dirlen,
				 files[i].path);
			if (dirlen && git_treebuilder_new(&sub, g->repo, NULL) < 0) {
				rc = git_fail(g, "cannot make a tree");
				goto out;
			}
		}
		if (git_blob_create_from_buffer(&blob, g->repo, files[i].data,
						files[i].len) < 0 ||
		    git_treebuilder_insert(NULL, dirlen ? sub : root, base, &blob,
					   GIT_FILEMODE_BLOB) < 0) {
			rc = git_fail(g, "cannot write a file");
			goto out;
		}
	}
	rc = finish_subtree(g, &sub, subname, root);
	if (rc < 0)
		goto out;
	if (git_treebuilder_write(out, root) < 0)
		rc = git_fail(g, "cannot write a tree");
out:
	git_treebuilder_free(sub);
	git_treebuilder_free(root);
	demo_files_free(files);
	return rc;
}

/* The next commit date: 20 minutes to 30 hours after the previous one. */
static int signature(struct gen *g, unsigned author, git_signature **out)
{
	const struct author *a = &authors[author % NAUTHORS];

	g->time += 1200 + rnd_below(g, 30 * 3600);
	if (git_signature_new(out, a->name, a->email, g->time, a->offset) < 0)
		return git_fail(g, "cannot make a signature");
	return 0;
}

/* Commits br's model on br (and other's head as a second parent). */
static int commit(struct gen *g, struct branch *br, const git_oid *other,
		  unsigned author, const char *msg)
{
	git_commit *parents[2] = { NULL, NULL };
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	size_t nparents = 0;
	git_oid tree_id, id;
	int rc;

	rc = write_tree(g, &br->m, &tree_id);
	if (rc < 0)
		return rc;
	rc = signature(g, author, &sig);
	if (rc < 0)
		return rc;
	if (git_tree_lookup(&tree, g->repo, &tree_id) < 0) {
		rc = git_fail(g, "cannot read a tree");
		goto out;
	}
	if (g->ncommits) {
		if (git_commit_lookup(&parents[nparents++], g->repo,
				      &br->head) < 0 ||
		    (other && git_commit_lookup(&parents[nparents++], g->repo,
						other) < 0)) {
			rc = git_fail(g, "cannot read a commit");
			goto out;
		}
	}
	if (git_commit_create(&id, g->repo, NULL, sig, sig, NULL, msg, tree,
			      nparents, (const git_commit **)parents) < 0) {
		rc = git_fail(g, "cannot write a commit");
		goto out;
	}
	git_oid_cpy(&br->head, &id);
	g->ncommits++;
out:
	git_commit_free(parents[0]);
	git_commit_free(parents[1]);
	git_tree_free(tree);
	git_signature_free(sig);
	return rc;
}

/* ---- changes ---- */

/* A random i < n with ok(i), or -1. */
static long pick(struct gen *g, size_t n, const unsigned char *taken,
		 const struct demo_model *m, int need_op, int need_simple)
{
	size_t cand[DEMO_MAX_OPS], nc = 0;

	for (size_t i = 0; i < n; i++) {
		if (taken[i] || (need_op && !m->op_on[i]) ||
		    (need_simple && !demo_op_can_name(i)))
			continue;
		cand[nc++] = i;
	}
	return nc ? (long)cand[rnd_below(g, (unsigned)nc)] : -1;
}

static void lower_first(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
	if (dst[0] >= 'A' && dst[0] <= 'Z')
		dst[0] = (char)(dst[0] - 'A' + 'a');
}

/* Applies change kind to m (picking its object) and writes the message;
 * 0 when nothing of that kind is left. */
static int apply(struct gen *g, struct demo_model *m, enum change kind,
		 int broken, char *msg, size_t size)
{
	size_t nops = demo_nops();
	unsigned char *taken = g->taken[kind];
	char title[64];
	long i = -1;

	switch (kind) {
	case CH_OP:
		i = pick(g, nops, taken, m, 0, 0);
		if (i < 0)
			return 0;
		m->op_on[i] = 1;
		m->op_broken[i] = (unsigned char)broken;
		snprintf(msg, size, "ops: add %s\n\nList it in the README too.\n",
			 demo_op_name((size_t)i));
		break;
	case CH_TEST:
	case CH_OPDOC:
	case CH_NAMED:
		i = pick(g, nops, taken, m, 1, kind == CH_NAMED);
		if (i < 0)
			return 0;
		if (kind == CH_TEST) {
			m->op_test[i] = 1;
			snprintf(msg, size, "tests: cover %s\n",
				 demo_op_name((size_t)i));
		} else if (kind == CH_OPDOC) {
			m->op_doc[i] = 1;
			snprintf(msg, size, "ops: document op_%s\n",
				 demo_op_name((size_t)i));
		} else {
			m->op_named[i] = 1;
			snprintf(msg, size, "ops: %s: name the result\n\n"
				 "Easier to inspect in a debugger.\n",
				 demo_op_name((size_t)i));
		}
		break;
	case CH_DOC:
		i = pick(g, demo_ndocs(), taken, m, 0, 0);
		if (i < 0)
			return 0;
		m->doc_on[i] = 1;
		lower_first(title, sizeof(title), demo_doc_title((size_t)i));
		snprintf(msg, size, "README: add a section on %s\n", title);
		break;
	case CH_MAIN:
		i = pick(g, demo_nmain(), taken, m, 0, 0);
		if (i < 0)
			return 0;
		m->main_on[i] = 1;
		snprintf(msg, size, "%s\n", demo_main_subject((size_t)i));
		break;
	case CH_MAKE:
		/* In order: phony needs the targets before it. */
		for (size_t k = 0; k < demo_nmake() && i < 0; k++)
			if (!taken[k])
				i = (long)k;
		if (i < 0)
			return 0;
		m->make_on[i] = 1;
		snprintf(msg, size, "%s\n", demo_make_subject((size_t)i));
		break;
	case CH_LINEDOC:
		if (taken[0])
			return 0;
		i = 0;
		m->line_doc = 1;
		snprintf(msg, size, "line: explain how the buffer grows\n");
		break;
	default:
		return 0;
	}
	taken[i] = 1;
	return 1;
}

/*
 * One ordinary commit on br; when allowed and due, an operation added with a
 * syntax error and its fix right after (two commits).
 */
static int normal_commit(struct gen *g, struct branch *br, int allow_broken)
{
	char msg[256];
	unsigned w = 0, total = 0;
	enum change kind = CH_OP;
	int broken = allow_broken && g->broken_left &&
		     g->ncommits >= g->next_broken;
	unsigned author = rnd_below(g, 5) ? br->author : rnd_below(g, NAUTHORS);
	int rc;

	for (int k = 0; k < CH_COUNT; k++)
		total += change_weight[k];
	w = rnd_below(g, total);
	for (int k = 0; k < CH_COUNT; k++) {
		if (w < change_weight[k]) {
			kind = (enum change)k;
			break;
		}
		w -= change_weight[k];
	}
	if (broken)
		kind = CH_OP;
	for (int tries = 0; tries < CH_COUNT; tries++) {
		enum change k = (enum change)((kind + tries) % CH_COUNT);

		if (apply(g, &br->m, k, broken && k == CH_OP, msg, sizeof(msg))) {
			broken = broken && k == CH_OP;
			break;
		}
		if (tries == CH_COUNT - 1)
			return cp_error_set(g->err, CP_ERR_INTERNAL,
					    "demo: ran out of changes to make");
	}
	rc = commit(g, br, NULL, author, msg);
	if (rc < 0 || !broken)
		return rc;
	for (size_t i = 0; i < demo_nops(); i++) {
		if (br->m.op_broken[i]) {
			br->m.op_broken[i] = 0;
			snprintf(msg, sizeof(msg), "ops: fix the build of %s\n\n"
				 "The previous commit lost a semicolon.\n",
				 demo_op_name(i));
		}
	}
	g->broken_left--;
	g->next_broken = g->ncommits + 20 + rnd_below(g, 40);
	return commit(g, br, NULL, author, msg);
}

static int release(struct gen *g, struct branch *main_br)
{
	struct demo_model *m = &main_br->m;
	struct pending_tag *t;
	char ver[16], msg[64];
	int rc;

	if (m->nrel >= DEMO_MAX_REL)
		return 0;
	memcpy(m->rel_ops[m->nrel], m->op_on, sizeof(m->op_on));
	demo_version(m->nrel, ver, sizeof(ver));
	m->nrel++;
	snprintf(msg, sizeof(msg), "Release %s\n", ver);
	rc = commit(g, main_br, NULL, 0, msg);
	if (rc < 0)
		return rc;
	t = &g->tags[g->ntags++];
	snprintf(t->name, sizeof(t->name), "v%s", ver);
	git_oid_cpy(&t->commit, &main_br->head);
	/* Every third release is a lightweight tag, the others annotated. */
	t->annotated = m->nrel % 3 != 0;
	g->time += 60;
	t->time = g->time;
	return 0;
}

/*
 * Tags are written after the pack, without the in-memory store: it only
 * dumps what commits reach, so tag objects would be lost.
 */
static int write_tags(struct gen *g)
{
	for (size_t i = 0; i < g->ntags; i++) {
		const struct pending_tag *t = &g->tags[i];
		const struct author *a = &authors[0];
		git_signature *sig = NULL;
		git_object *target = NULL;
		git_oid tag_id;
		char msg[64];
		int rc = 0;

		if (git_object_lookup(&target, g->repo, &t->commit,
				      GIT_OBJECT_COMMIT) < 0)
			return git_fail(g, "cannot read a commit");
		snprintf(msg, sizeof(msg), "calc %s\n", t->name + 1);
		if (!t->annotated) {
			if (git_tag_create_lightweight(&tag_id, g->repo, t->name,
						       target, 0) < 0)
				rc = git_fail(g, "cannot write a tag");
		} else if (git_signature_new(&sig, a->name, a->email, t->time,
					     a->offset) < 0) {
			rc = git_fail(g, "cannot make a signature");
		} else if (git_tag_create(&tag_id, g->repo, t->name, target,
					  sig, msg, 0) < 0) {
			rc = git_fail(g, "cannot write a tag");
		}
		git_signature_free(sig);
		git_object_free(target);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int merge(struct gen *g, struct branch *main_br, struct branch *topic,
		 const char *name)
{
	char msg[128];

	demo_model_merge(&main_br->m, &topic->m);
	snprintf(msg, sizeof(msg), "Merge branch '%s'\n", name);
	return commit(g, main_br, &topic->head, 0, msg);
}

static void topic_name(struct gen *g, unsigned author, char *name, size_t size)
{
	char first[32];
	const char *sp = strchr(authors[author].name, ' ');
	unsigned w = rnd_below(g, NWORDS);
	unsigned used = ++g->used_words[author][w];

	lower_first(first, sizeof(first), authors[author].name);
	first[sp ? (size_t)(sp - authors[author].name) : 0] = '\0';
	if (used == 1)
		snprintf(name, size, "%s/%s", first, topic_words[w]);
	else
		snprintf(name, size, "%s/%s-%u", first, topic_words[w], used);
}

/* A topic branch of 2 to 5 commits, 0 to 2 commits on main meanwhile. */
static int topic(struct gen *g, struct branch *main_br)
{
	struct branch *t = malloc(sizeof(*t));
	unsigned nt = 2 + rnd_below(g, 4), nm = rnd_below(g, 3);
	char name[64];
	int rc = 0;

	if (!t)
		return cp_error_set(g->err, CP_ERR_NOMEM, "out of memory");
	*t = *main_br;
	t->author = 1 + rnd_below(g, NAUTHORS - 1);
	topic_name(g, t->author, name, sizeof(name));
	/* The topic starts; then main and topic commits interleave. */
	rc = normal_commit(g, t, 1);
	nt--;
	while (rc == 0 && (nt || nm)) {
		if (nt && (!nm || rnd_below(g, nt + nm) < nt)) {
			rc = normal_commit(g, t, 1);
			nt--;
		} else {
			rc = normal_commit(g, main_br, 1);
			nm--;
		}
	}
	if (rc == 0)
		rc = merge(g, main_br, t, name);
	free(t);
	return rc;
}

/*
 * The topic holding the culprit, by Grace:
 *   line: count in size_t           (does not build)
 *   line: fix the build             = culprit^, clean
 *   line: grow the buffer only when it is full   = THE CULPRIT
 *   line: strip a trailing carriage return       (does not build)
 *   line: add the missing parenthesis
 *   one ordinary commit
 * while main gets a broken build and its fix, and one more commit.
 */
static int culprit_topic(struct gen *g, struct branch *main_br, git_oid *culprit)
{
	struct branch *t = malloc(sizeof(*t));
	char name[64];
	int rc;

	if (!t)
		return cp_error_set(g->err, CP_ERR_NOMEM, "out of memory");
	*t = *main_br;
	t->author = 2;
	snprintf(name, sizeof(name), "grace/line-reader");
	t->m.line_sized = 1;
	t->m.line_broken = 1;
	rc = commit(g, t, NULL, 2, "line: count in size_t\n\n"
		    "Lines longer than INT_MAX bytes are unlikely, but the "
		    "int\ncounters were a trap for the next reader.\n");
	if (rc == 0) {
		g->broken_left++;
		g->next_broken = 0;
		rc = normal_commit(g, main_br, 1);
	}
	if (rc == 0) {
		t->m.line_broken = 0;
		rc = commit(g, t, NULL, 2, "line: fix the build\n\n"
			    "A semicolon went missing in the previous commit.\n");
	}
	if (rc == 0)
		rc = normal_commit(g, main_br, 0);
	if (rc == 0) {
		t->m.line_bug = 1;
		rc = commit(g, t, NULL, 2,
			    "line: grow the buffer only when it is full\n\n"
			    "read_line() doubled the buffer one byte before it "
			    "was full.  Wait\nuntil every byte is used: lines "
			    "of exactly 16, 32, 64... bytes\nno longer cost a "
			    "realloc().\n");
		git_oid_cpy(culprit, &t->head);
	}
	if (rc == 0) {
		t->m.line_cr = 1;
		t->m.line_broken = 1;
		rc = commit(g, t, NULL, 2,
			    "line: strip a trailing carriage return\n\n"
			    "Input files written on Windows end their lines "
			    "with \"\\r\\n\".\n");
	}
	if (rc == 0) {
		t->m.line_broken = 0;
		rc = commit(g, t, NULL, 2, "line: add the missing parenthesis\n");
	}
	if (rc == 0)
		rc = normal_commit(g, t, 0);
	if (rc == 0)
		rc = merge(g, main_br, t, name);
	free(t);
	return rc;
}

/* ---- the whole history ---- */

static void initial_model(struct gen *g, struct demo_model *m)
{
	/* add, sub, mul, div: the first four of the catalogue */
	for (size_t i = 0; i < 4; i++) {
		m->op_on[i] = m->op_test[i] = 1;
		g->taken[CH_OP][i] = g->taken[CH_TEST][i] = 1;
	}
}

static int generate(struct gen *g, struct branch *main_br, git_oid *culprit,
		    char *good_tag, size_t good_size)
{
	size_t culprit_at = TARGET_COMMITS * 2 / 5 +
			    rnd_below(g, TARGET_COMMITS / 5);
	size_t next_release = 10 + rnd_below(g, 8);
	int culprit_done = 0, rc;

	g->broken_left = 1 + rnd_below(g, 3);
	g->next_broken = 15 + rnd_below(g, 40);
	initial_model(g, &main_br->m);
	rc = commit(g, main_br, NULL, 0,
		    "Initial commit: calc, a line-oriented calculator\n");
	while (rc == 0 && g->ncommits < TARGET_COMMITS) {
		if (!culprit_done && g->ncommits >= culprit_at &&
		    main_br->m.nrel) {
			char ver[16];

			demo_version(main_br->m.nrel - 1u, ver, sizeof(ver));
			snprintf(good_tag, good_size, "v%s", ver);
			rc = culprit_topic(g, main_br, culprit);
			culprit_done = 1;
		} else if (g->ncommits >= next_release) {
			rc = release(g, main_br);
			next_release = g->ncommits + 12 + rnd_below(g, 10);
		} else if (rnd_below(g, 100) < 34 &&
			   g->ncommits + 12 < TARGET_COMMITS) {
			rc = topic(g, main_br);
		} else {
			rc = normal_commit(g, main_br,
					   g->ncommits + 5 < TARGET_COMMITS);
		}
	}
	if (rc == 0 && !culprit_done)
		rc = cp_error_set(g->err, CP_ERR_INTERNAL,
				  "demo: the history ended before the culprit");
	return rc;
}

/* dir must not exist, or be an empty directory. */
static int check_dir(const char *dir, struct cp_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return cp_error_set(err, CP_ERR_IO, "cannot use '%s': %s", dir,
				    strerror(errno));
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	if (!empty)
		return cp_error_set(err, CP_ERR_IO,
				    "cannot make the demo repository in '%s': "
				    "the directory is not empty", dir);
	return 0;
}

/*
 * Objects are written to an in-memory store, then to one packfile: much
 * faster than ~1500 loose object files.
 */
static int use_mempack(struct gen *g)
{
	if (git_repository_odb(&g->odb, g->repo) < 0 ||
	    git_mempack_new(&g->mempack) < 0)
		return git_fail(g, "cannot set up the object store");
	if (git_odb_add_backend(g->odb, g->mempack, 999) < 0) {
		g->mempack->free(g->mempack);
		g->mempack = NULL;
		return git_fail(g, "cannot set up the object store");
	}
	return 0;
}

static int write_pack(struct gen *g)
{
	git_buf pack = { 0 };
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats;
	int rc = 0;

	memset(&stats, 0, sizeof(stats));
	if (git_mempack_dump(&pack, g->repo, g->mempack) < 0 ||
	    git_odb_write_pack(&wp, g->odb, NULL, NULL) < 0 ||
	    wp->append(wp, pack.ptr, pack.size, &stats) < 0 ||
	    wp->commit(wp, &stats) < 0)
		rc = git_fail(g, "cannot write the pack");
	if (wp)
		wp->free(wp);
	git_buf_dispose(&pack);
	if (rc == 0)
		git_mempack_reset(g->mempack);
	return rc;
}

/* Drops the in-memory store: what is written next goes to disk. */
static int reopen(struct gen *g, const char *dir)
{
	git_odb_free(g->odb);
	g->odb = NULL;
	g->mempack = NULL;
	git_repository_free(g->repo);
	g->repo = NULL;
	if (git_repository_open(&g->repo, dir) < 0)
		return git_fail(g, "cannot reopen the repository");
	return 0;
}

static int finish(struct gen *g, const struct branch *main_br)
{
	git_checkout_options co;
	git_reference *ref = NULL;
	int rc = 0;

	if (git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION) < 0)
		return git_fail(g, "cannot check out main");

	if (git_reference_create(&ref, g->repo, "refs/heads/main",
				 &main_br->head, 1, "demo") < 0 ||
	    git_repository_set_head(g->repo, "refs/heads/main") < 0)
		return git_fail(g, "cannot write the main branch");
	git_reference_free(ref);
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	if (git_checkout_head(g->repo, &co) < 0)
		rc = git_fail(g, "cannot check out main");
	return rc;
}

int cp_demo_make_repo(const char *dir, unsigned seed, struct cp_demo_repo *out,
		      struct cp_error *err)
{
	git_repository_init_options io;
	struct gen *g = NULL;
	struct branch *main_br = NULL;
	struct cp_demo_repo r = { 0 };
	git_oid culprit;
	char *abs = NULL;
	int rc, initialised = 0;

	memset(out, 0, sizeof(*out));
	if (!dir || !*dir)
		return cp_error_set(err, CP_ERR_USAGE, "no directory given");
	rc = check_dir(dir, err);
	if (rc < 0)
		return rc;
	if (git_libgit2_init() < 0)
		return cp_error_set(err, CP_ERR_INTERNAL,
				    "cannot initialise libgit2");
	initialised = 1;
	g = calloc(1, sizeof(*g));
	main_br = calloc(1, sizeof(*main_br));
	if (!g || !main_br) {
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	g->err = err;
	g->rng = 0x63756c70726974ull ^ ((uint64_t)seed * 0x2545f4914f6cdd1dull);
	g->time = 1672567200;	/* 2023-01-01 10:00 UTC */
	git_repository_init_options_init(&io,
					 GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	io.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_MKDIR;
	io.initial_head = "main";
	if (git_repository_init_ext(&g->repo, dir, &io) < 0) {
		const git_error *e = git_error_last();

		rc = cp_error_set(err, CP_ERR_IO, "cannot create a repository "
				  "in '%s': %s", dir,
				  e && e->message ? e->message : "unknown error");
		goto out;
	}
	rc = use_mempack(g);
	if (rc == 0)
		rc = generate(g, main_br, &culprit, r.good_tag,
			      sizeof(r.good_tag));
	if (rc == 0)
		rc = write_pack(g);
	if (rc == 0)
		rc = reopen(g, dir);
	if (rc == 0)
		rc = write_tags(g);
	if (rc == 0)
		rc = finish(g, main_br);
	if (rc < 0)
		goto out;
	abs = realpath(dir, NULL);
	r.path = abs ? abs : strdup(dir);
	r.build_cmd = strdup("make -s");
	r.test_cmd = strdup("./calc < tests/long-lines.txt");
	if (!r.path || !r.build_cmd || !r.test_cmd) {
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		cp_demo_repo_free(&r);
		goto out;
	}
	git_oid_tostr(r.bad, sizeof(r.bad), &main_br->head);
	git_oid_tostr(r.culprit, sizeof(r.culprit), &culprit);
	r.ncommits = g->ncommits;
	*out = r;
out:
	if (g) {
		git_odb_free(g->odb);
		git_repository_free(g->repo);
	}
	free(g);
	free(main_br);
	if (initialised)
		git_libgit2_shutdown();
	return rc;
}

void cp_demo_repo_free(struct cp_demo_repo *repo)
{
	if (!repo)
		return;
	free(repo->path);
	free(repo->build_cmd);
	free(repo->test_cmd);
	memset(repo, 0, sizeof(*repo));
}
