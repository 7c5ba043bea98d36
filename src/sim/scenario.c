/*
 * Scenario files (docs/sim.md): the history (a repository or a generated
 * one), the bugs, broken builds and no-op commits, resolved to commit ids;
 * and what the simulated tester needs to know about a commit (which bugs
 * it has, which binary it builds), cached per commit.
 */
#include "sim/internal.h"

#include "vcs/source.h"

#include <ctype.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nomem(struct cp_error *err)
{
	return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
}

/* ---- commits seen so far ---- */

static size_t oid_hash(const struct cp_oid *id)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < CP_OID_RAWSZ; i++) {
		h ^= id->id[i];
		h *= 1099511628211ull;
	}
	return (size_t)h;
}

int sim_commit_get(struct cp_scenario *sc, const struct cp_oid *id,
		   struct sim_commit **out, struct cp_error *err)
{
	size_t i;

	if ((sc->used + 1) * 2 > sc->cap) {
		size_t ncap = sc->cap ? sc->cap * 2 : 1024, k;
		struct sim_commit *nt = calloc(ncap, sizeof(*nt));

		if (!nt)
			return nomem(err);
		for (k = 0; k < sc->cap; k++) {
			if (!sc->commits[k].used)
				continue;
			for (i = oid_hash(&sc->commits[k].id) & (ncap - 1); nt[i].used;
			     i = (i + 1) & (ncap - 1))
				;
			nt[i] = sc->commits[k];
		}
		free(sc->commits);
		sc->commits = nt;
		sc->cap = ncap;
	}
	for (i = oid_hash(id) & (sc->cap - 1); sc->commits[i].used; i = (i + 1) & (sc->cap - 1))
		if (cp_oid_equal(&sc->commits[i].id, id)) {
			*out = &sc->commits[i];
			return 0;
		}
	sc->commits[i].used = 1;
	sc->commits[i].id = *id;
	sc->used++;
	*out = &sc->commits[i];
	return 0;
}

/* Is a an ancestor of c, or c itself? */
static int is_ancestor(struct cp_scenario *sc, const struct cp_oid *a, const struct cp_oid *c,
		       int *yes, struct cp_error *err)
{
	struct cp_oid *bases = NULL;
	size_t n = 0, i;
	int ret;

	*yes = cp_oid_equal(a, c);
	if (*yes)
		return 0;
	if (!sc->repo) {
		const struct sim_gen *g = &sc->gen;
		int64_t ia = sim_gen_index(g, a), ic = sim_gen_index(g, c);
		uint32_t *stack, sp = 0, k;
		unsigned char *seen;

		if (ia < 0 || ic < 0 || ic < ia)
			return 0;
		stack = malloc(g->n * sizeof(*stack));
		seen = calloc(g->n, 1);
		if (!stack || !seen) {
			free(stack);
			free(seen);
			return nomem(err);
		}
		stack[sp++] = (uint32_t)ic;
		seen[ic] = 1;
		while (sp && !*yes) {
			uint32_t x = stack[--sp];

			for (k = g->parent_off[x]; k < g->parent_off[x + 1]; k++) {
				uint32_t p = g->parents[k];

				if (p == ia)
					*yes = 1;
				if (p > ia && !seen[p]) {
					seen[p] = 1;
					stack[sp++] = p;
				}
			}
		}
		free(stack);
		free(seen);
		return 0;
	}
	ret = cp_revwalk_merge_bases(&sc->src, c, a, 1, &bases, &n, err);
	for (i = 0; !ret && i < n; i++)
		if (cp_oid_equal(&bases[i], a))
			*yes = 1;
	free(bases);
	return ret;
}

int sim_presence(struct cp_scenario *sc, const struct cp_oid *id, uint32_t *present,
		 struct cp_error *err)
{
	struct sim_commit *c;
	size_t b;
	int ret = sim_commit_get(sc, id, &c, err);

	if (ret)
		return ret;
	for (b = 0; b < sc->nbugs; b++) {
		int in = 0, fixed = 0, after = 0;

		if (c->known >> b & 1)
			continue;
		ret = is_ancestor(sc, &sc->bugs[b].introduced, id, &in, err);
		if (!ret && in && sc->bugs[b].has_fixed)
			ret = is_ancestor(sc, &sc->bugs[b].fixed, id, &fixed, err);
		if (!ret && in && sc->bugs[b].has_p_at)
			ret = is_ancestor(sc, &sc->bugs[b].p_at, id, &after, err);
		if (ret)
			return ret;
		/* the table may have grown: look the commit up again */
		ret = sim_commit_get(sc, id, &c, err);
		if (ret)
			return ret;
		c->known |= 1u << b;
		if (in && !fixed)
			c->present |= 1u << b;
		if (after)
			c->after |= 1u << b;
	}
	*present = c->present;
	return 0;
}

double sim_bug_p(struct cp_scenario *sc, const struct cp_oid *id, size_t b)
{
	struct sim_commit *c;
	struct cp_error err;

	if (!sc->bugs[b].has_p_at || sim_commit_get(sc, id, &c, &err))
		return sc->bugs[b].p;
	return (c->after >> b & 1) ? sc->bugs[b].p2 : sc->bugs[b].p;
}

static int in_sorted(const struct cp_oid *set, size_t n, const struct cp_oid *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = cp_oid_cmp(&set[mid], id);

		if (!c)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int sim_is_broken(const struct cp_scenario *sc, const struct cp_oid *id)
{
	return in_sorted(sc->broken, sc->nbroken, id);
}

int sim_signature(struct cp_scenario *sc, const struct cp_oid *id, struct cp_oid *sig,
		  struct cp_error *err)
{
	struct cp_oid cur = *id;
	unsigned guard = 0;

	while (in_sorted(sc->noop, sc->nnoop, &cur) && guard++ < 1000000) {
		const struct cp_oid *parents;
		size_t np;
		int64_t t;
		int ret = sc->src.lookup(sc->src.ctx, &cur, &t, &parents, &np, err);

		if (ret)
			return ret;
		if (!np)
			break;
		cur = parents[0];
	}
	*sig = cur;
	return 0;
}

/* ---- loading ---- */

static int resolve(struct cp_scenario *sc, const char *rev, struct cp_oid *out,
		   struct cp_error *err)
{
	if (sc->repo)
		return cp_repo_resolve(sc->repo, rev, out, err);
	return sim_gen_resolve(&sc->gen, rev, out, err);
}

static int push(struct cp_oid **set, size_t *n, const struct cp_oid *id, struct cp_error *err)
{
	struct cp_oid *p = realloc(*set, (*n + 1) * sizeof(*p));

	if (!p)
		return nomem(err);
	p[(*n)++] = *id;
	*set = p;
	return 0;
}

static int cmp_oid(const void *a, const void *b)
{
	return cp_oid_cmp(a, b);
}

/* A list of revisions or A..B ranges (git's meaning) into a sorted set. */
static int revision_set(struct cp_scenario *sc, json_t *v, const char *key,
			struct cp_oid **set, size_t *n, struct cp_error *err)
{
	size_t i;
	json_t *e;
	int ret = 0;

	if (!json_is_array(v))
		return cp_error_set(err, CP_ERR_JOB, "scenario field '%s' must be a list", key);
	json_array_foreach(v, i, e) {
		const char *s = json_string_value(e), *dots;
		struct cp_oid a, b;

		if (!s)
			return cp_error_set(err, CP_ERR_JOB, "scenario field '%s' must list strings", key);
		dots = strstr(s, "..");
		if (!dots) {
			ret = resolve(sc, s, &a, err);
			if (!ret)
				ret = push(set, n, &a, err);
		} else {
			char left[256];
			struct cp_graph g = { 0 };
			uint32_t k;

			if ((size_t)(dots - s) >= sizeof(left))
				return cp_error_set(err, CP_ERR_JOB, "revision range too long: %s", s);
			memcpy(left, s, (size_t)(dots - s));
			left[dots - s] = '\0';
			ret = resolve(sc, left, &a, err);
			if (!ret)
				ret = resolve(sc, dots + 2, &b, err);
			if (!ret)
				ret = cp_revwalk_candidates(&sc->src, &b, &a, 1, 0, &g, err);
			for (k = 0; !ret && k < g.n; k++)
				ret = push(set, n, &g.oids[k], err);
			cp_graph_free(&g);
		}
		if (ret)
			return ret;
	}
	if (*n)
		qsort(*set, *n, sizeof(**set), cmp_oid);
	return 0;
}

static int get_double(json_t *o, const char *key, double def, double lo, double hi,
		      double *out, struct cp_error *err)
{
	json_t *v = json_object_get(o, key);

	*out = def;
	if (!v)
		return 0;
	if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi)
		return cp_error_set(err, CP_ERR_JOB, "scenario field '%s' must be a number from %g to %g",
				    key, lo, hi);
	*out = json_number_value(v);
	return 0;
}

/*
 * "cost": {"preset": "kernel" | "generic", and any cost.h key}: the preset
 * (generic when absent, the engine's old 600 s builds and 60 s runs on one
 * slot each) first, then the keys over it.
 */
static int scenario_cost(json_t *v, struct cp_cost_model *m, struct cp_error *err)
{
	const char *key;
	json_t *x, *preset;

	if (!json_is_object(v))
		return cp_error_set(err, CP_ERR_JOB, "scenario field 'cost' must be an object");
	preset = json_object_get(v, "preset");
	if (!preset || (json_is_string(preset) && !strcmp(json_string_value(preset), "generic")))
		cp_cost_generic(m);
	else if (json_is_string(preset) && !strcmp(json_string_value(preset), "kernel"))
		cp_cost_kernel(m);
	else
		return cp_error_set(err, CP_ERR_JOB, "scenario field 'cost.preset' must be \"kernel\" or \"generic\"");
	json_object_foreach(v, key, x) {
		int ret;

		if (!strcmp(key, "preset"))
			continue;
		if (!json_is_number(x))
			return cp_error_set(err, CP_ERR_JOB, "scenario field 'cost.%s' must be a number", key);
		ret = cp_cost_set(m, "cost", key, json_number_value(x), err);
		if (ret)
			return ret;
	}
	return 0;
}

static int check_keys(json_t *o, const char *what, const char *const *keys,
		      struct cp_error *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		const char *const *k;

		for (k = keys; *k && strcmp(*k, key); k++)
			;
		if (!*k)
			return cp_error_set(err, CP_ERR_JOB, "unknown %s field '%s'", what, key);
	}
	return 0;
}

static int load_history(struct cp_scenario *sc, json_t *root, struct cp_error *err)
{
	json_t *repo = json_object_get(root, "repo"), *gen = json_object_get(root, "generate");
	static const char *const gen_keys[] = { "commits", "merge_rate", "seed", "tags", NULL };

	if (!!repo == !!gen)
		return cp_error_set(err, CP_ERR_JOB, "a scenario needs 'repo' or 'generate' (one of them)");
	if (repo) {
		const char *p = json_string_value(repo), *slash = strrchr(sc->path, '/');
		char path[4096];

		if (!p)
			return cp_error_set(err, CP_ERR_JOB, "scenario field 'repo' must be a string");
		if (p[0] == '/' || !slash)
			snprintf(path, sizeof(path), "%s", p);
		else
			snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - sc->path), sc->path, p);
		int ret = cp_repo_open(&sc->repo, path, err);

		if (ret)
			return ret;
		cp_repo_commit_source(sc->repo, &sc->src);
		return 0;
	}
	{
		double commits, rate, seed;
		int ret;

		if (!json_is_object(gen))
			return cp_error_set(err, CP_ERR_JOB, "scenario field 'generate' must be an object");
		ret = check_keys(gen, "generate", gen_keys, err);
		if (!ret)
			ret = get_double(gen, "commits", 1000, 2, 1000000, &commits, err);
		if (!ret)
			ret = get_double(gen, "merge_rate", 0.25, 0, 0.9, &rate, err);
		if (!ret)
			ret = get_double(gen, "seed", 1, 0, 9e15, &seed, err);
		if (!ret)
			ret = sim_gen_make(&sc->gen, (uint32_t)commits, rate, (uint64_t)seed, err);
		if (ret)
			return ret;
		sc->src.ctx = &sc->gen;
		sc->src.lookup = sim_gen_lookup;
	}
	return 0;
}

static int release_cmp_gen(const void *a, const void *b)
{
	const struct sim_release *x = a, *y = b;

	return cp_oid_cmp(&y->commit, &x->commit);	/* gen ids grow with the index */
}

static int load_releases(struct cp_scenario *sc, json_t *root, struct cp_error *err)
{
	json_t *glob = json_object_get(root, "release_tags");
	const char *pattern = "v*";
	size_t i;
	int ret = 0;

	if (glob && !json_is_string(glob))
		return cp_error_set(err, CP_ERR_JOB, "scenario field 'release_tags' must be a glob");
	if (glob)
		pattern = json_string_value(glob);
	if (sc->repo) {
		struct cp_release *rel = NULL;
		size_t n = 0;

		ret = cp_repo_release_tags(sc->repo, &sc->bad, &rel, &n, err);
		if (ret)
			return ret;
		sc->releases = calloc(n ? n : 1, sizeof(*sc->releases));
		for (i = 0; sc->releases && i < n; i++) {
			if (fnmatch(pattern, rel[i].name, 0) || cp_oid_equal(&rel[i].commit, &sc->bad))
				continue;
			sc->releases[sc->nreleases].name = strdup(rel[i].name);
			sc->releases[sc->nreleases].commit = rel[i].commit;
			if (!sc->releases[sc->nreleases++].name)
				ret = nomem(err);
		}
		if (!sc->releases)
			ret = nomem(err);
		cp_releases_free(rel, n);
		return ret;
	}
	{
		json_t *tags = json_object_get(json_object_get(root, "generate"), "tags"), *v;
		const char *name;

		if (!tags)
			return 0;
		if (!json_is_object(tags))
			return cp_error_set(err, CP_ERR_JOB, "generate field 'tags' must map names to revisions");
		sc->releases = calloc(json_object_size(tags) + 1, sizeof(*sc->releases));
		if (!sc->releases)
			return nomem(err);
		json_object_foreach(tags, name, v) {
			struct cp_oid id;
			int anc = 0;

			if (!json_is_string(v))
				return cp_error_set(err, CP_ERR_JOB, "tag '%s' must name a revision", name);
			ret = resolve(sc, json_string_value(v), &id, err);
			if (!ret)
				ret = is_ancestor(sc, &id, &sc->bad, &anc, err);
			if (ret)
				return ret;
			if (fnmatch(pattern, name, 0) || !anc || cp_oid_equal(&id, &sc->bad))
				continue;
			sc->releases[sc->nreleases].name = strdup(name);
			sc->releases[sc->nreleases].commit = id;
			if (!sc->releases[sc->nreleases++].name)
				return nomem(err);
		}
		qsort(sc->releases, sc->nreleases, sizeof(*sc->releases), release_cmp_gen);
	}
	return 0;
}

static int load_bugs(struct cp_scenario *sc, json_t *root, struct cp_error *err)
{
	static const char *const bug_keys[] = { "title", "introduced", "fixed", "p", "p_boot", "p_after",
		NULL };
	static const char *const after_keys[] = { "at", "p", NULL };
	json_t *bugs = json_object_get(root, "bugs"), *b, *target = json_object_get(root, "target");
	size_t i;
	int ret;

	if (!json_is_array(bugs) || !json_array_size(bugs))
		return cp_error_set(err, CP_ERR_JOB, "a scenario needs 'bugs', a non-empty list");
	if (json_array_size(bugs) > SIM_MAX_BUGS)
		return cp_error_set(err, CP_ERR_JOB, "at most %d bugs", SIM_MAX_BUGS);
	json_array_foreach(bugs, i, b) {
		struct sim_bug *bug = &sc->bugs[i];
		const char *title = json_string_value(json_object_get(b, "title"));
		const char *intro = json_string_value(json_object_get(b, "introduced"));
		json_t *fixed = json_object_get(b, "fixed");
		json_t *after = json_object_get(b, "p_after");

		if (!json_is_object(b))
			return cp_error_set(err, CP_ERR_JOB, "bugs[%zu] must be an object", i);
		ret = check_keys(b, "bug", bug_keys, err);
		if (ret)
			return ret;
		if (!title || !intro)
			return cp_error_set(err, CP_ERR_JOB, "bugs[%zu] needs 'title' and 'introduced'", i);
		bug->title = strdup(title);
		sc->nbugs++;
		if (!bug->title)
			return nomem(err);
		ret = resolve(sc, intro, &bug->introduced, err);
		if (!ret && fixed) {
			if (!json_is_string(fixed))
				return cp_error_set(err, CP_ERR_JOB, "bugs[%zu].fixed must be a revision", i);
			bug->has_fixed = 1;
			ret = resolve(sc, json_string_value(fixed), &bug->fixed, err);
		}
		if (!ret)
			ret = get_double(b, "p", 1, 0, 1, &bug->p, err);
		if (!ret)
			ret = get_double(b, "p_boot", 0, 0, 1, &bug->p_boot, err);
		if (!ret && after) {
			const char *at = json_string_value(json_object_get(after, "at"));

			if (!json_is_object(after) || !at)
				ret = cp_error_set(err, CP_ERR_JOB,
						   "p_after must be {\"at\": REV, \"p\": P}");
			if (!ret)
				ret = check_keys(after, "p_after", after_keys, err);
			if (!ret)
				ret = resolve(sc, at, &bug->p_at, err);
			if (!ret)
				ret = get_double(after, "p", 1, 0, 1, &bug->p2, err);
			bug->has_p_at = !ret;
		}
		if (ret)
			return cp_error_prefix(err, "bugs[%zu]", i);
	}
	sc->target = 0;
	if (target) {
		if (!json_is_string(target))
			return cp_error_set(err, CP_ERR_JOB, "scenario field 'target' must be a title");
		for (i = 0; i < sc->nbugs && strcmp(sc->bugs[i].title, json_string_value(target)); i++)
			;
		if (i == sc->nbugs)
			return cp_error_set(err, CP_ERR_JOB, "target '%s' is not among the bugs",
					    json_string_value(target));
		sc->target = i;
	}
	return 0;
}

static int load(struct cp_scenario *sc, json_t *root, struct cp_error *err)
{
	static const char *const keys[] = { "name", "description", "repo", "generate", "bad",
		"good", "release_tags", "bugs", "target", "build_fails", "same_binary",
		"cost", "expect", "fix", "infra", "syzkaller_minimize", NULL };
	json_t *v;
	const char *bad;
	int ret;

	if (!json_is_object(root))
		return cp_error_set(err, CP_ERR_JOB, "a scenario must be a JSON object");
	ret = check_keys(root, "scenario", keys, err);
	if (!ret)
		ret = load_history(sc, root, err);
	if (ret)
		return ret;
	v = json_object_get(root, "bad");
	if (v && !json_is_string(v))
		return cp_error_set(err, CP_ERR_JOB, "scenario field 'bad' must be a revision");
	bad = v ? json_string_value(v) : "HEAD";
	ret = resolve(sc, bad, &sc->bad, err);
	if (ret)
		return ret;
	v = json_object_get(root, "good");
	if (v) {
		json_t *one = json_is_string(v) ? json_pack("[O]", v) : json_incref(v);

		if (!one)
			return nomem(err);
		ret = revision_set(sc, one, "good", &sc->goods, &sc->ngoods, err);
		json_decref(one);
		if (ret)
			return ret;
	}
	v = json_object_get(root, "fix");
	if (v && !json_is_boolean(v))
		return cp_error_set(err, CP_ERR_JOB, "scenario field 'fix' must be true or false");
	sc->fix = v && json_is_true(v);
	if (sc->fix && sc->ngoods != 1)
		return cp_error_set(err, CP_ERR_JOB,
				    "with 'fix', 'good' must be one revision: the newer commit where the crash is gone");
	ret = load_bugs(sc, root, err);
	if (!ret && (v = json_object_get(root, "build_fails")))
		ret = revision_set(sc, v, "build_fails", &sc->broken, &sc->nbroken, err);
	if (!ret && (v = json_object_get(root, "same_binary")))
		ret = revision_set(sc, v, "same_binary", &sc->noop, &sc->nnoop, err);
	if (ret)
		return ret;
	v = json_object_get(root, "infra");
	if (v && (!json_is_number(v) || !(json_number_value(v) >= 0 && json_number_value(v) <= 0.9)))
		return cp_error_set(err, CP_ERR_JOB, "scenario field 'infra' must be a share of runs from 0 to 0.9");
	sc->infra = v ? json_number_value(v) : 0;
	v = json_object_get(root, "syzkaller_minimize");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 6))
		return cp_error_set(err, CP_ERR_JOB, "scenario field 'syzkaller_minimize' must be a whole number from 0 to 6");
	sc->syz_minimize = v ? (unsigned)json_integer_value(v) : 1;
	v = json_object_get(root, "cost");
	ret = v ? scenario_cost(v, &sc->cost, err) : (cp_cost_generic(&sc->cost), 0);
	if (ret)
		return ret;
	v = json_object_get(root, "expect");
	sc->expect = sc->bugs[sc->target].introduced;
	if (sc->fix && !v) {
		if (!sc->bugs[sc->target].has_fixed)
			return cp_error_set(err, CP_ERR_JOB,
					    "with 'fix', the target needs 'fixed' (or give 'expect')");
		sc->expect = sc->bugs[sc->target].fixed;
	}
	if (v) {
		if (!json_is_string(v))
			return cp_error_set(err, CP_ERR_JOB, "scenario field 'expect' must be a revision or \"none\"");
		if (!strcmp(json_string_value(v), "none"))
			sc->expect_outside = 1;
		else
			ret = resolve(sc, json_string_value(v), &sc->expect, err);
		if (ret)
			return ret;
	}
	ret = sc->fix ? 0 : load_releases(sc, root, err);
	if (ret)
		return ret;
	if (!sc->ngoods && !sc->nreleases)
		return cp_error_set(err, CP_ERR_JOB,
				    "no 'good' and no release tag before 'bad' matches 'release_tags'");
	if (sc->ngoods) {
		/* a fix: the fixed end's ancestors that the start commit lacks */
		ret = sc->fix ? cp_revwalk_candidates(&sc->src, &sc->goods[0], &sc->bad, 1, 0,
						      &sc->graph, err) :
				cp_revwalk_candidates(&sc->src, &sc->bad, sc->goods, sc->ngoods, 0,
						      &sc->graph, err);
		if (ret)
			return ret;
		sc->have_graph = 1;
		if (!sc->graph.n)
			return cp_error_set(err, CP_ERR_RANGE, "empty range: '%s' is reachable from '%s'",
					    sc->fix ? "good" : "bad", sc->fix ? "bad" : "good");
	}
	return 0;
}

int cp_scenario_load(const char *path, struct cp_scenario **out, struct cp_error *err)
{
	struct cp_scenario *sc;
	json_error_t jerr;
	json_t *root;
	int ret;

	*out = NULL;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return cp_error_set(err, CP_ERR_JOB, "%s:%d: %s", path, jerr.line, jerr.text);
	sc = calloc(1, sizeof(*sc));
	if (!sc) {
		json_decref(root);
		return nomem(err);
	}
	sc->path = strdup(path);
	ret = sc->path ? load(sc, root, err) : nomem(err);
	json_decref(root);
	if (ret) {
		cp_error_prefix(err, "%s", path);
		cp_scenario_free(sc);
		return ret;
	}
	*out = sc;
	return 0;
}

void cp_scenario_free(struct cp_scenario *sc)
{
	size_t i;

	if (!sc)
		return;
	for (i = 0; i < sc->nbugs; i++)
		free(sc->bugs[i].title);
	for (i = 0; i < sc->nreleases; i++)
		free(sc->releases[i].name);
	free(sc->releases);
	free(sc->goods);
	free(sc->broken);
	free(sc->noop);
	free(sc->commits);
	if (sc->have_graph)
		cp_graph_free(&sc->graph);
	sim_gen_free(&sc->gen);
	cp_repo_free(sc->repo);
	free(sc->path);
	free(sc);
}

size_t cp_scenario_range(const struct cp_scenario *sc)
{
	return sc->have_graph ? sc->graph.n : 0;
}

struct cp_cost_model *cp_scenario_cost(struct cp_scenario *sc)
{
	return &sc->cost;
}

void cp_scenario_set_sequential(struct cp_scenario *sc, int sequential)
{
	sc->sequential = sequential;
}
