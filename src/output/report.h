/*
 * The report text of a bisection (<out>/report.txt): syzbot's bisection log
 * tail, improved.  In order: the verdict line; the first bad (or fixing)
 * commit with its full message and diffstat (as git show --stat prints it);
 * culprit and parent signatures when known; confidence and flags (flaky
 * reproducer with its rate, build unchanged from parent, release tag,
 * merge, other crashes and where, inconclusive with candidates); the runs
 * per tested commit and, like Intel 0-day, parent against culprit; the
 * revisions tested with total/build/test time; the recipients; the crash
 * report.
 *
 * Caller's steps: cp_summary_load(), cp_output_facts_gather() (what the
 * repository and the run logs add; every part is optional), then
 * cp_output_report_text(), cp_output_facts_dispose().
 */
#ifndef CULPRIT_OUTPUT_REPORT_H
#define CULPRIT_OUTPUT_REPORT_H

#include "output/recipients.h"
#include "output/summary.h"
#include "util/error.h"

struct cp_repo;

/* What the repository and run logs add to a summary; NULL when unknown. */
struct cp_output_facts {
	char *show;		/* the culprit as git show --stat prints it */
	char *author;		/* "Name <email>" of the culprit */
	int nparents;		/* of the culprit; -1 when unknown */
	char parent[41];	/* first parent hex, "" when unknown */
	char *release;		/* a release tag on the culprit ("v1.2") */
	struct cp_recipients recipients;
	int have_recipients;
	char *crash_title;	/* title of the crash text below */
	char *crash_text;	/* the crash report, from a run log */
	char *crash_source;	/* "commits/<sha>/run-N.log" it came from */
	char **subjects;	/* subject of each tested commit (or NULL) */
	size_t nsubjects;
	char **candidate_subjects;	/* for each candidate (or NULL) */
};

/*
 * Fills f: with repo (may be NULL) the culprit's git show text, parents,
 * release tag, recipients and subjects; from out_dir's run logs the crash
 * report.  Missing pieces stay NULL; only running out of memory fails.
 */
int cp_output_facts_gather(const struct cp_summary *s, struct cp_repo *repo,
			   const char *out_dir, struct cp_output_facts *f,
			   struct cp_error *err);
void cp_output_facts_dispose(struct cp_output_facts *f);

/* The report text (malloc'd, NUL-terminated) in *text. */
int cp_output_report_text(const struct cp_summary *s, const struct cp_output_facts *f,
			  char **text, struct cp_error *err);

#endif
