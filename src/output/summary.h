/*
 * The facts of one bisection, as every output (report text, page, `culprit
 * show`) presents them: read from <out>/result.json, or rebuilt from
 * <out>/journal.jsonl when the bisection was interrupted before writing it.
 *
 * Caller's steps: cp_summary_load(out_dir) (or cp_summary_from_json() for a
 * result object already in memory), read the fields, cp_summary_dispose().
 * Every string is borrowed from root and lives until dispose.  Fields the
 * result does not carry (older result.json, no signatures, no posterior)
 * are NULL, 0 or -1 as documented; nothing is required but "tested".
 */
#ifndef CULPRIT_OUTPUT_SUMMARY_H
#define CULPRIT_OUTPUT_SUMMARY_H

#include <jansson.h>
#include <stddef.h>

#include "util/error.h"

/* How the runs of one tested commit ended. */
struct cp_run_counts {
	unsigned target;	/* the crash bisected */
	unsigned clean;		/* "OK" */
	unsigned other;		/* another crash */
	unsigned infra;		/* infra problem, or no outcome yet */
};

struct cp_summary_tested {
	const char *commit;	/* 40 hex digits */
	const char *label;	/* "release v1.2", or "" */
	const char *verdict;	/* "crashed", "clean", "skip"; "" when unfinished */
	int built;		/* 1 built, 0 build failed, -1 not built yet */
	double build_s, test_s;
	struct cp_run_counts runs;
	unsigned nruns;
	json_t *run_list;	/* borrowed array of {index, outcome, duration_s} */
	/* the boot test (docs/kernel.md): "" when none; else its verdict
	 * ("OK", "crashed", "another crash", "boot failed", "infra problem")
	 * and outcome line */
	const char *boot_verdict, *boot_outcome;
};

/* A crash other than the target, and where it was seen. */
struct cp_summary_other {
	const char *title;
	unsigned runs;		/* how many runs in all */
	size_t *tested;		/* indexes into tested[], each once */
	size_t ntested;
};

/* One candidate of the posterior ("posterior" in result.json). */
struct cp_summary_posterior {
	const char *commit;
	double p;
};

struct cp_summary {
	json_t *root;		/* the result object (owned reference) */
	int from_journal;	/* 1: rebuilt from journal.jsonl (interrupted) */
	const char *mode;	/* "cause" or "fix" */
	const char *status;	/* "found", "inconclusive", "interrupted", ... */
	const char *target;	/* crash title, or NULL */
	const char *culprit;	/* hex, or NULL */
	const char *culprit_subject;
	const char *culprit_signature, *parent_signature;	/* or NULL */
	const char *repo;	/* job.repo, or NULL */
	const char *bad;	/* job.bad, or NULL */
	const char **candidates;	/* inconclusive: hex ids */
	size_t ncandidates;
	struct cp_summary_tested *tested;
	size_t ntested;
	struct cp_summary_other *others;
	size_t nothers;
	struct cp_summary_posterior *posterior;
	size_t nposterior;
	/* target crashes / runs on the commits whose verdict is "crashed" */
	unsigned bad_hits, bad_runs;
	double confidence;	/* 0..1 */
	int confidence_given;	/* 1 from result.json, 0 estimated */
	double build_s, test_s, total_s;
	size_t revisions;
	const char **flags;	/* extra flags named by result.json ("flags") */
	size_t nflags;
};

/*
 * Reads <out_dir>/result.json, or else <out_dir>/journal.jsonl.
 * CP_ERR_IO when neither is there, CP_ERR_INPUT when malformed.
 */
int cp_summary_load(const char *out_dir, struct cp_summary *s, struct cp_error *err);

/* Takes a reference to root (a result.json object). */
int cp_summary_from_json(json_t *root, struct cp_summary *s, struct cp_error *err);

/*
 * Rebuilds a result object (status "interrupted") from the journal's text:
 * a header line holding the job, then build and run records.
 */
int cp_summary_journal_to_result(const char *text, size_t len, json_t **out,
				 struct cp_error *err);

void cp_summary_dispose(struct cp_summary *s);

/*
 * What the confidence assumes, from result.json's bayes.model, as up to max
 * lines for report.txt and the page: first the prior of the chance of
 * reproducing ("the chance of reproducing has the prior reliable Beta(8,
 * 0.5) 10%, ..."), written into buf, then the assumptions (pointers into
 * s->root).  0 when the result has no model.
 */
size_t cp_summary_model_lines(const struct cp_summary *s, char *buf, size_t size,
			      const char **lines, size_t max);

/* The posterior of commit hex among s->posterior, or -1. */
double cp_summary_posterior_of(const struct cp_summary *s, const char *hex);

/* 1 when the flaky-reproducer flag applies (a crashing commit had clean runs). */
int cp_summary_flaky(const struct cp_summary *s);

/* "1h2m3.4s", "2m3.4s" or "3.4s", as the log prints durations. */
void cp_format_duration(double s, char *buf, size_t size);

#endif
