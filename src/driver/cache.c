/*
 * The shared build cache around a build (src/cache): a build whose key
 * (tree, recipe, compiler, artifacts) is in the cache is fetched into the
 * worktree instead of run; otherwise it is built under the key's lock, so
 * bisections sharing the cache build each key once, and published.  The
 * build's journal record says which ("cache": "hit" or "built") with the
 * key and the tree.  A cache that cannot be used is logged, and the
 * bisection builds without it: a broken cache never loses a run.
 *
 * The cache saves whole builds of identical trees; ccache saves the
 * compilations of nearby ones.  With a cache and no CCACHE_DIR of the
 * user's, builds get CCACHE_DIR=DIR/ccache, so every bisection and every
 * Slurm node sharing DIR shares one ccache: a node that never built a tree
 * still rebuilds warm.  Paths differ between output directories, so
 * CCACHE_BASEDIR is the output directory (paths below it are hashed
 * relative) and CCACHE_NOHASHDIR drops the working directory from the hash
 * (debug info may then name another bisection's directory, which no
 * bisection reads); CCACHE_UMASK=002 lets a group of users share it.
 */
#include "driver/internal.h"
#include "driver/artifacts.h"

#include <stdlib.h>
#include <string.h>

void drv_cache_open(struct driver *d)
{
	struct cp_error e;

	if (!d->job->cache)
		return;
	if (!d->job->nartifacts) {
		drv_log(d, "cache: not used: the job declares no artifacts to keep\n");
		return;
	}
	cp_error_clear(&e);
	if (cp_cache_open(&d->cache, d->job->cache, d->job->cache_max, &e))
		drv_log(d, "cache: not used: %s; building without it\n", e.msg);
	else if (cp_cache_read_only(d->cache))
		drv_log(d, "cache: read-only: %s; its builds are used, new builds are not kept\n",
			cp_cache_read_only(d->cache));
}

void drv_cache_ccache_env(struct driver *d, char buf[DRV_CCACHE_ENV][4200], const char **envp)
{
	size_t n = 0, i;
	char *dir;

	envp[0] = NULL;
	if (!d->cache || getenv("CCACHE_DIR"))
		return;
	/* builds run in the worktree: a relative --cache must not stay relative */
	dir = realpath(cp_cache_dir(d->cache), NULL);
	if (!dir)
		return;
	snprintf(buf[n++], 4200, "CCACHE_DIR=%s/ccache", dir);
	free(dir);
	if (!getenv("CCACHE_BASEDIR") && d->abs_out)
		snprintf(buf[n++], 4200, "CCACHE_BASEDIR=%s", d->abs_out);
	snprintf(buf[n++], 4200, "CCACHE_NOHASHDIR=1");
	if (!getenv("CCACHE_UMASK"))
		snprintf(buf[n++], 4200, "CCACHE_UMASK=002");
	/* a read-only cache: ccache's hits only, its temporary files elsewhere */
	if (cp_cache_read_only(d->cache) && d->abs_out) {
		snprintf(buf[n++], 4200, "CCACHE_READONLY=1");
		snprintf(buf[n++], 4200, "CCACHE_TEMPDIR=%s/ccache-tmp", d->abs_out);
	}
	for (i = 0; i < n; i++)
		envp[i] = buf[i];
	envp[n] = NULL;
}

int drv_cache_key(struct driver *d, const struct cp_oid *id, char key[CP_CACHE_KEY_HEXSZ],
		  char tree[CP_OID_HEXSZ + 1])
{
	struct cp_oid t;
	struct cp_error e;

	cp_error_clear(&e);
	if (!cp_repo_commit_tree(d->repo, id, &t, &e))
		cp_oid_to_hex(&t, tree);
	if (e.code || cp_cache_key(tree, d->job->build_cmd, drv_compiler_for(d, id),
				   d->job->artifacts, d->job->nartifacts, key, &e)) {
		drv_log(d, "cache: no key: %s\n", e.msg);
		return -1;
	}
	return 0;
}

int drv_cache_before(struct driver *d, const struct cp_oid *id, int *hit, char *sig,
		     size_t sigsize, json_t *rec)
{
	char key[CP_CACHE_KEY_HEXSZ], tree[CP_OID_HEXSZ + 1], why[512];
	enum cp_cache_found found;
	int ret;

	*hit = 0;
	if (!d->cache || drv_cache_key(d, id, key, tree))
		return 0;
	json_object_set_new(rec, "tree", json_string(tree));
	json_object_set_new(rec, "cache_key", json_string(key));
	ret = cp_cache_lock(d->cache, key, d->stop, &d->cache_lock, d->err);
	if (ret == CP_ERR_INTERRUPTED)
		return ret;
	if (ret) {
		drv_log(d, "cache: %s; building without it\n", d->err->msg);
		cp_error_clear(d->err);
		return 0;
	}
	snprintf(d->cache_key, sizeof(d->cache_key), "%s", key);
	ret = cp_cache_fetch(d->cache, key, cp_worktree_path(d->wt), sig, sigsize, &found, why,
			     sizeof(why), d->err);
	if (ret) {
		cp_cache_unlock(d->cache_lock);
		d->cache_lock = -1;
		return ret;
	}
	if (found == CP_CACHE_CORRUPT)
		drv_log(d, "cache: entry %.12s was damaged (%s): %s, rebuilding\n", key, why,
			cp_cache_read_only(d->cache) ? "not used (the cache is read-only)" : "removed");
	if (found == CP_CACHE_HIT) {
		*hit = 1;
		cp_cache_unlock(d->cache_lock);
		d->cache_lock = -1;
		json_object_set_new(rec, "cache", json_string("hit"));
		drv_log(d, "cache: hit %.12s (tree %.12s)\n", key, tree);
	}
	return 0;
}

void drv_cache_after(struct driver *d, int ok, const char *sig, json_t *rec)
{
	char **files = NULL, missing[256];
	size_t nfiles = 0;
	struct cp_error e;

	if (d->cache_lock < 0)
		return;
	json_object_set_new(rec, "cache", json_string("built"));
	cp_error_clear(&e);
	if (ok && sig[0] &&
	    (cp_artifacts_list(cp_worktree_path(d->wt), d->job->artifacts, d->job->nartifacts,
			       &files, &nfiles, missing, sizeof(missing), &e) ||
	     cp_cache_publish(d->cache, d->cache_key, cp_worktree_path(d->wt), files, nfiles, sig, &e)))
		drv_log(d, "cache: not published: %s; the build is used all the same\n", e.msg);
	cp_artifacts_list_free(files, nfiles);
	cp_cache_unlock(d->cache_lock);
	d->cache_lock = -1;
}
