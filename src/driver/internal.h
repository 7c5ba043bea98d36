/*
 * The driver's private state, shared by its phase files: driver.c (set-up
 * and the order of the phases), start.c (the start commit and the fixed
 * end), release.c (a clean release when no good commit is given),
 * gitloop.c (git's choice of commits), bayesloop.c (the Bayesian engine's),
 * verify.c (the engine's answer: verification and no-op check), test.c (one
 * commit tested with the job's runs), commands.c (a build or a run as a
 * child process, journaled), result.c (result.json and the summary) and
 * log.c (the log, the status line and the compiler lines).
 * Nothing outside src/driver includes this header.
 */
#ifndef CULPRIT_DRIVER_INTERNAL_H
#define CULPRIT_DRIVER_INTERNAL_H

#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "bisect/bayes.h"
#include "cache/cache.h"
#include "driver/job.h"
#include "exec/exec.h"
#include "output/progress.h"
#include "run/exec.h"
#include "run/journal.h"
#include "store/store.h"
#include "util/error.h"
#include "vcs/source.h"
#include "vcs/vcs.h"

enum verdict { V_TARGET, V_CLEAN, V_SKIP };

/* The boot test's verdict on a built commit (boot.c). */
enum drv_boot {
	DRV_BOOT_NONE,		/* no boot test (none in the job, or not run) */
	DRV_BOOT_OK,
	DRV_BOOT_TARGET,	/* it crashed at boot with the crash bisected */
	DRV_BOOT_OTHER,		/* another crash: skipped */
	DRV_BOOT_FAILED,	/* no crash, but no boot either: skipped */
	DRV_BOOT_INFRA,		/* the host could not run it: skipped */
};

/* One tested commit, for the summary and result.json. */
struct tested {
	struct cp_oid id;
	char label[64];		/* "release v1.2" or "" */
	int built;		/* 1 ok, 0 failed */
	double build_s;
	unsigned nruns;
	char **outcomes;	/* "OK", "crashed: T", "infra problem: why" */
	double *run_s;
	enum verdict verdict;
	unsigned cap;		/* culprit policy: room in outcomes and run_s */
	char sig[160];		/* build signature, "" when none */
	int64_t same_as;	/* git policy: verdict taken from this tested index, or -1 */
	enum drv_boot boot;	/* the boot test's verdict */
	char *boot_outcome;	/* its outcome line, or NULL */
	double boot_s;
};

struct driver {
	struct cp_job *job;
	volatile sig_atomic_t *stop;
	struct cp_error *err;
	struct cp_repo *repo;
	struct cp_commit_source src;
	struct cp_worktree *wt;
	struct cp_journal *journal;
	struct cp_exec *exec;
	struct cp_cache *cache;	/* job->cache opened, or NULL (none, or unusable) */
	int cache_lock;		/* the key lock a build holds, or -1 */
	char cache_key[CP_CACHE_KEY_HEXSZ];
	FILE *log;
	char compiler_line[256];
	/* --version lines of the compilers the kernel policy picked so far */
	struct { char cc[128]; char line[256]; } cc_seen[8];
	unsigned ncc_seen;
	/*
	 * job->out made absolute: the commands run in the worktree, where a
	 * relative --out (the default "culprit-out") would name another place.
	 */
	char *abs_out;
	char *target;		/* crash title bisected (NULL in a boot-failure
				 * bisection: any boot failure) */
	int boot_bisect;	/* crash "boot failed[: T]": the boot test is the reproducer */
	struct tested *tested;
	size_t ntested;
	double build_s, test_s;
	/* culprit policy */
	struct cp_bayes *bayes;
	const struct cp_graph *graph;
	int64_t in_worktree;	/* tested index whose build the worktree holds, or -1 */
	json_t *bayes_result;	/* the "bayes" object of result.json */
	/* the status line on stderr when it is a terminal (output/progress.h) */
	struct cp_progress *progress;
	struct cp_progress_state pst;
	char pst_label[64];	/* pst.label points here */
	struct cp_store *store;	/* job->store opened, or NULL */
	json_t *releases_skipped;	/* [{"tag", "commit", "reason"}] of the release search */
};

/* store.c: the row of this bisection in the results store (job->store) */
int drv_store_open(struct driver *d);
void drv_store_update(struct driver *d, const char *state);
/* the final state from cp_driver_run()'s status; closes the store */
void drv_store_finish(struct driver *d, int status);

/* log.c */
void drv_log(struct driver *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Redraws the status line for a new phase of commit hex (NULL: the same). */
/* status.c: out/status, the status line in a file (for culprit farm) */
void drv_status_write(struct driver *d);
void drv_progress(struct driver *d, enum cp_progress_phase phase, const char *hex,
		  unsigned done, unsigned total);
void drv_probe_compiler(struct driver *d);
const char *drv_compiler_for(struct driver *d, const struct cp_oid *id);
/* "testing commit <hex> with <compiler line>", and the compiler's fallback note */
void drv_log_testing(struct driver *d, const char *hex, const struct cp_oid *id);
/* "build failed: <why> (see DIR/build.log)", why from DIR/build-error when the builder left it */
void drv_log_build_failed(struct driver *d, const char *dir);

/* cache.c: the shared build cache (src/cache) around a build */
void drv_cache_open(struct driver *d);
/*
 * Looks commit id's build up in the cache, holding its key's lock: *hit
 * when the worktree now holds the cached artifacts and sig their
 * signature.  Without a hit the lock stays held until drv_cache_after().
 */
int drv_cache_before(struct driver *d, const struct cp_oid *id, int *hit, char *sig,
		     size_t sigsize, json_t *rec);
/* Publishes a successful build (ok) and releases the key's lock. */
void drv_cache_after(struct driver *d, int ok, const char *sig, json_t *rec);
/*
 * cache.c: the environment that points ccache at DIR/ccache of the open
 * cache (when CCACHE_DIR is not set): up to DRV_CCACHE_ENV strings written
 * into buf, their pointers into envp, NULL-terminated.
 */
#define DRV_CCACHE_ENV 6
void drv_cache_ccache_env(struct driver *d, char buf[DRV_CCACHE_ENV][4200], const char **envp);
/* cache.c: commit id's cache key and tree; 0, or -1 (logged) when it has none */
int drv_cache_key(struct driver *d, const struct cp_oid *id, char key[CP_CACHE_KEY_HEXSZ],
		  char tree[CP_OID_HEXSZ + 1]);
struct cp_git_state;
/*
 * prefer.c: with a shared cache, replaces the git policy's choice *commit
 * by a candidate already in the cache that splits the range nearly as well.
 */
int drv_cache_prefer(struct driver *d, const struct cp_git_state *st, struct cp_oid *commit);

/* commands.c */
json_t *drv_find_record(struct driver *d, const char *type, const char *hex, int index);
/* Appends rec to the journal and drops the reference (NULL: out of memory). */
int drv_append(struct driver *d, json_t *rec);
int drv_build(struct driver *d, const struct cp_oid *id, const char *hex,
	      int *ok, double *secs, char *sig, size_t sigsize);
int drv_run_missing(struct driver *d, struct tested *t, const char *hex,
		    unsigned base, unsigned n);

/* commands.c: the reproducer's command (the boot test's in a boot-failure bisection) */
const char *drv_test_cmd(const struct driver *d);
/* boot.c: the boot test before the reproducer */
const char *drv_boot_name(enum drv_boot b);
/* "boot failed: T" or "basic kernel testing failed: T" of the crash bisected */
int drv_outcome_is_boot_target(const struct driver *d, const char *outcome);
/*
 * The boot test of t (built; the worktree holds its build when may_run):
 * the journal's, or run now when may_run; logged, in t->boot.  *out is
 * DRV_BOOT_NONE when there is no boot test (or it was not run).
 */
int drv_boot_check(struct driver *d, struct tested *t, const char *hex, int may_run,
		   enum drv_boot *out);
/* t's boot test for result.json, or NULL */
json_t *drv_boot_json(const struct tested *t);
/* commands.c: runs the boot command once and journals it */
int drv_boot_run(struct driver *d, const char *hex, char *outcome, size_t osize,
		 char *title, size_t tsize, double *secs);
#define DRV_BOOT_BLOCKS(t) ((t)->boot >= DRV_BOOT_OTHER)

/* test.c */
int drv_is_target(struct driver *d, const char *outcome);
const char *drv_verdict_name(enum verdict v);
unsigned drv_clean_runs(const struct tested *t);
int drv_test_commit(struct driver *d, const struct cp_oid *id, const char *label,
		    enum verdict *verdict);

/* result.c */
int drv_write_result(struct driver *d, const char *status, const struct cp_oid *culprit,
		     const struct cp_oid *cands, size_t ncands);
int drv_found(struct driver *d, const struct cp_oid *c);


/* start.c: the start commit must crash (and, bisecting a fix, the fixed end not). */
int drv_check_start(struct driver *d, const struct cp_oid *start, struct cp_oid **goods,
		    size_t *ngoods);

/* thin.c: whether culprit can build a release tag (*usable 0: why says why not) */
int drv_release_usable(struct driver *d, const struct cp_oid *commit, int *usable,
		       char *why, size_t size);

/* release.c */
int drv_find_release(struct driver *d, const struct cp_oid *bad, struct cp_oid *good);

/* gitloop.c */
int drv_git_loop(struct driver *d, const struct cp_oid *start, struct cp_oid *goods,
		 size_t ngoods);

/* bayesloop.c */
enum cp_bayes_outcome drv_evidence_of(struct driver *d, const char *outcome);
int drv_bayes_loop(struct driver *d, const struct cp_oid *start, struct cp_oid *goods,
		   size_t ngoods);

/* verify.c: the engine's answer in the log and result.json's "bayes" */
#define DRV_CANDIDATES_MAX 5	/* leading candidates in result.json */

/*
 * The max candidates of the highest posterior (at least 1e-4), best first,
 * with their posteriors: what an uncertain result offers instead of a culprit.
 */
size_t drv_bayes_candidates(struct driver *d, struct cp_oid *cands, double *post,
			    size_t max);
int drv_bayes_report(struct driver *d, const struct cp_bayes_summary *s,
		     const struct cp_bayes_action *last);

#endif
