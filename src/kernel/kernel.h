/*
 * The kernel builder: builds a Linux tree checked out in a worktree into an
 * out-of-tree build directory reused between commits, and identifies the
 * result by its kernel signature.
 *
 * The caller's steps (culprit kernel-build does exactly this):
 *
 *   1. cp_kernel_spec_from_json() reads the job file's "kernel" section into
 *      a struct cp_kernel_spec (cp_kernel_spec_free() when done)
 *   2. cp_kernel_version() reads VERSION/PATCHLEVEL of the tree and
 *      cp_kernel_pick_compiler() chooses the compiler from the policy table
 *   3. cp_kernel_build() copies the user's config into the build directory,
 *      runs `make olddefconfig`, checks the options that must hold, and
 *      builds bzImage and vmlinux; cp_kernel_signature() hashes vmlinux
 *
 * The signature is syzkaller's: SHA-256 of each loadable section of vmlinux
 * (SHF_ALLOC, not SHT_NOBITS, not SHT_NOTE), the 32-byte digests fed in
 * section-header order into an outer SHA-256.  Sources that differ only in
 * comments give equal signatures (line numbers in WARN/BUG still count).
 *
 * Everything here takes its state as arguments; no file-scope state.
 */
#ifndef CULPRIT_KERNEL_KERNEL_H
#define CULPRIT_KERNEL_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/error.h"

/* 64 hex digits and a NUL. */
#define CP_KERNEL_SIG_HEXSZ 65

/*
 * Kernel signature of the ELF file at path, as lowercase hex.
 * CP_ERR_IO when it cannot be read, CP_ERR_INPUT when it is not ELF.
 */
int cp_kernel_signature(const char *path, char out[CP_KERNEL_SIG_HEXSZ],
			struct cp_error *err);

/* A kernel version as VERSION.PATCHLEVEL (e.g. 6.1 is {6, 1}). */
struct cp_kernel_version {
	int major;
	int minor;
};

/* Reads VERSION and PATCHLEVEL from SRC/Makefile. CP_ERR_INPUT if missing. */
int cp_kernel_version(const char *src, struct cp_kernel_version *out,
		      struct cp_error *err);

/* The same from the text of a Makefile; -1 when it has none. */
int cp_kernel_version_of_makefile(const char *text, struct cp_kernel_version *out);

/* Parses "6.1" (or "6"), as in the policy table. */
int cp_kernel_version_parse(const char *s, struct cp_kernel_version *out);

/* <0, 0, >0 like strcmp. */
int cp_kernel_version_cmp(struct cp_kernel_version a, struct cp_kernel_version b);

/*
 * One row of the compiler policy: kernels from min (inclusive) to max
 * (exclusive) build with the first installed of cc[0..ncc).  A missing
 * bound is open.  The first matching row wins; no row matching means "gcc".
 */
struct cp_kernel_compiler {
	bool has_min, has_max;
	struct cp_kernel_version min, max;
	char **cc;		/* commands, e.g. "gcc-12", then fallbacks */
	size_t ncc;
};

/*
 * Rows from a JSON array of {"min": "X.Y", "max": "X.Y", "cc": CMD or
 * [CMD, FALLBACK...]}; field names the array in errors (CP_ERR_JOB).
 * Free with cp_kernel_compilers_free().
 */
int cp_kernel_compilers_from_json(json_t *arr, const char *field,
				  struct cp_kernel_compiler **rows, size_t *n,
				  struct cp_error *err);
void cp_kernel_compilers_free(struct cp_kernel_compiler *rows, size_t n);

/*
 * A table file (data/kernel-compilers.txt: "MIN MAX COMPILER [FALLBACK...]"
 * lines, '-' an open bound, '#' comments) as the JSON rows above.
 * CP_ERR_INPUT names the file and line; name is used in messages.
 */
int cp_kernel_compilers_parse_table(const char *text, const char *name, json_t **rows,
				    struct cp_error *err);
int cp_kernel_compilers_load_table(const char *path, json_t **rows, struct cp_error *err);

/*
 * The default table: $CULPRIT_DATA/kernel-compilers.txt when CULPRIT_DATA
 * is set, else data/kernel-compilers.txt beside the culprit binary (the
 * build directory), ../share/culprit/ (installed) or ../data/ (a build
 * directory inside the source tree).  NULL when there is none (malloc'ed).
 */
char *cp_kernel_compilers_default_path(void);

/* Whether a command's program is on PATH (or, with a '/', can be run). */
bool cp_kernel_in_path(const char *cmd);

/* The compiler chosen for one kernel version. */
struct cp_kernel_choice {
	const char *cc;		/* the command (points into the rows), or NULL:
				 * none of the row's compilers is installed */
	char note[320];		/* "" or why: a fallback, or no compiler */
};

/*
 * The first installed compiler of the first row holding v (installed:
 * NULL for cp_kernel_in_path; tests give their own).  No row: "gcc".
 */
void cp_kernel_choose_compiler(const struct cp_kernel_compiler *rows, size_t n,
			       struct cp_kernel_version v,
			       bool (*installed)(const char *cmd),
			       struct cp_kernel_choice *out);

/* One option that must hold after olddefconfig. */
struct cp_kernel_option {
	char *name;		/* "CONFIG_LKDTM" */
	char *value;		/* "y", "\"str\"", or NULL for "is not set" */
};

/*
 * Parses a .config line: "CONFIG_X=v" or "# CONFIG_X is not set".  Returns
 * 1 and fills *opt (caller frees name and value) for an option line, 0 for
 * anything else (comments, blank lines), negative on allocation failure.
 */
int cp_kernel_option_parse(const char *line, struct cp_kernel_option *opt);

/*
 * Checks each option of want against the .config text cfg (NUL-terminated):
 * an option whose value differs (or that is unset while a value was asked,
 * or set while "is not set" was asked) is dropped.  Fills *dropped with a
 * malloc'ed, NUL-terminated list of "CONFIG_X=y (got: is not set)" strings
 * (*ndropped entries; free with cp_kernel_strv_free).
 */
int cp_kernel_config_check(const char *cfg, const struct cp_kernel_option *want,
			   size_t nwant, char ***dropped, size_t *ndropped,
			   struct cp_error *err);

void cp_kernel_strv_free(char **v);

/* ---- .config files as option lists, and config minimization (kconfig.c) ---- */

struct cp_kconfig {
	struct cp_kernel_option *opt;	/* in file order */
	size_t n;
};

/* The options of a .config text (comments and blank lines skipped). */
int cp_kconfig_parse(const char *text, struct cp_kconfig *out, struct cp_error *err);
void cp_kconfig_free(struct cp_kconfig *c);
/* The option named name (the last line setting it), or NULL. */
const struct cp_kernel_option *cp_kconfig_get(const struct cp_kconfig *c, const char *name);

/*
 * The options full sets (to y, m or a value) that base does not set to the
 * same value: what minimization may drop.  *names NULL-terminated
 * (cp_kernel_strv_free).
 */
int cp_kconfig_diff(const struct cp_kconfig *full, const struct cp_kconfig *base,
		    char ***names, size_t *n, struct cp_error *err);

/*
 * Options the config in (a user's) sets that the .config out (what `make
 * olddefconfig` wrote) does not mention at all: the kernel does not know
 * them, so they were dropped.
 */
int cp_kconfig_unknown(const char *in, const char *out, char ***names, size_t *n,
		       struct cp_error *err);

/* base with the options keep takes from full (malloc'ed .config text). */
int cp_kconfig_compose(const struct cp_kconfig *base, const struct cp_kconfig *full,
		       char *const *keep, size_t nkeep, char **text, struct cp_error *err);

/* Whether base + keep[0..n) still reproduces the crash (*repro). */
typedef int (*cp_kconfig_pred)(char *const *keep, size_t n, void *arg, int *repro,
			       struct cp_error *err);

/*
 * Delta debugging over syms (the options beyond the baseline; the caller
 * checked that all of them reproduce): the baseline alone first, then
 * parts of the kept set are dropped while pred says it still reproduces,
 * in halves, then finer, until no single part can go or max_tests
 * predicate calls were made.  *out (cp_kernel_strv_free) the options kept;
 * *tests the predicate calls.
 */
int cp_kconfig_minimize(char *const *syms, size_t n, cp_kconfig_pred pred, void *arg,
			unsigned max_tests, char ***out, size_t *nout, unsigned *tests,
			struct cp_error *err);

/* The "kernel" section of a job file. */
struct cp_kernel_spec {
	char *config;		/* path of the user's .config (absolute) */
	char *build_dir;	/* out-of-tree build dir; NULL: <out>/kernel-build */
	char *cache_dir;	/* build cache; NULL: <out>/kernel-cache */
	struct cp_kernel_compiler *compilers;
	size_t ncompilers;
	struct cp_kernel_option *must;	/* options that must hold */
	size_t nmust;
	unsigned jobs;		/* make -jN; 0: number of CPUs */
	bool ccache;		/* use ccache when installed (default true) */
	char *cmdline;		/* kernel command line for the VM, or NULL */
};

void cp_kernel_spec_init(struct cp_kernel_spec *spec);
void cp_kernel_spec_free(struct cp_kernel_spec *spec);

/*
 * Fills spec from the "kernel" object.  Relative paths are taken from base
 * (the job file's folder; NULL: the current directory).  CP_ERR_JOB names a
 * bad field.
 */
int cp_kernel_spec_from_json(json_t *obj, const char *base,
			     struct cp_kernel_spec *spec, struct cp_error *err);

/* The first compiler of v's row, installed or not (never NULL; "gcc" by default). */
const char *cp_kernel_pick_compiler(const struct cp_kernel_spec *spec,
				    struct cp_kernel_version v);

/* What one build did. */
struct cp_kernel_build_result {
	bool ok;		/* bzImage and vmlinux built */
	bool cached;		/* taken from the build cache */
	double seconds;		/* make time (0 when cached) */
	char compiler_line[256];	/* first line of `cc --version` */
	char compiler_note[320];	/* a fallback taken, or why there is no compiler */
	char signature[CP_KERNEL_SIG_HEXSZ];	/* "" when not built */
	char error_line[512];	/* first error line of a failed build */
	char **dropped;		/* options dropped by olddefconfig */
	size_t ndropped;
	char **unknown;		/* options of the config this kernel does not know */
	size_t nunknown;
};

void cp_kernel_build_result_dispose(struct cp_kernel_build_result *res);

/*
 * Builds the kernel in src (a git worktree) with the options of spec into
 * spec->build_dir, then copies bzImage and vmlinux into artifacts and writes
 * artifacts/signature.  A cache entry keyed by the tree id, the config's
 * hash and the compiler line is used when present, and filled after a build.
 * A failed build is not an error: res->ok is false and res->error_line says
 * why.  log receives make's output (may be NULL).  Errors: CP_ERR_CHILD when
 * make cannot be run, CP_ERR_IO, CP_ERR_INTERRUPTED when pool (a pool of at
 * least one job, made by the caller, whose signal handler may cancel it) was
 * cancelled: then make's process group is killed.
 */
struct cp_run_pool;
int cp_kernel_build(const struct cp_kernel_spec *spec, const char *src,
		    const char *artifacts, const char *log,
		    struct cp_run_pool *pool, struct cp_kernel_build_result *res,
		    struct cp_error *err);

/*
 * The first error line in make's output (buf, len), or "" when none:
 * compiler "error:" lines, then make's "*** ... Error" lines.
 */
void cp_kernel_first_error(const char *buf, size_t len, char *out, size_t size);

/*
 * The kernel job sections (issue 6): turns "kernel", "vm" and "repro" of a
 * job object into the shell commands the driver runs per commit:
 *   build: '<culprit>' kernel-build --spec '<json>'
 *   test:  '<culprit>' vm-run --spec '<json>'
 * The sections are validated and copied (with absolute paths; base is the
 * job file's folder or NULL) into the commands; job_obj is not changed.
 * When job_obj has no "kernel" section, *build_cmd and *test_cmd are NULL
 * and 0 is returned.  Caller frees both strings.
 */
int cp_kernel_job_expand(json_t *job_obj, const char *base, char **build_cmd,
			 char **test_cmd, struct cp_error *err);

/*
 * The whole job-file step in one call, for culprit bisect --job: when
 * job_obj has a "kernel" section, replaces "kernel", "vm" and "repro" (in
 * place) by "build" and "test" commands from cp_kernel_job_expand(), sets
 * "runs" to vm.count when "runs" is absent, and "compiler" to the policy's
 * compiler for the newest row when "compiler" is absent.  A job with its own
 * "build" or "test" besides a kernel section is CP_ERR_JOB.  Without a
 * kernel section nothing changes.  Then cp_job_from_json() takes it.
 */
int cp_kernel_job_rewrite(json_t *job_obj, const char *base, struct cp_error *err);

/*
 * The validated {"kernel", "vm", "repro"} sections of a kernel job object
 * with absolute paths (what kernel-build and vm-run take as --spec).
 */
int cp_kernel_job_spec(json_t *job_obj, const char *base, json_t **spec, struct cp_error *err);

/* vm.count of a job object (VMs per tested commit: the job's runs), 0 if unset. */
unsigned cp_kernel_job_vm_count(json_t *job_obj);

/* Single-quotes s for /bin/sh (malloc'ed, NULL when out of memory). */
char *cp_kernel_shell_quote(const char *s);

/* Path of the running culprit (/proc/self/exe), malloc'ed. */
int cp_kernel_self_path(char **out, struct cp_error *err);

#endif
