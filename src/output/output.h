/*
 * What a bisection hands to people, in one call: at the end of `culprit
 * bisect` (or `culprit demo`, or `culprit show`), cp_output_write() reads
 * <out>/result.json (or, for an interrupted bisection, journal.jsonl) and
 * writes <out>/report.txt (output/report.h) and <out>/index.html
 * (output/html.h), and prints the report text to a stream when asked.
 *
 * The parts: summary.h (result.json into counts and flags), report.h (the
 * text), recipients.h and maintainers.h (who to tell), html.h (the page),
 * progress.h (the status line during a bisection).
 */
#ifndef CULPRIT_OUTPUT_OUTPUT_H
#define CULPRIT_OUTPUT_OUTPUT_H

#include <stdio.h>

#include "util/error.h"

struct cp_repo;

/*
 * Reads out_dir's result (result.json, else journal.jsonl), writes
 * report.txt and index.html there, and prints the report text to print
 * when it is not NULL.  repo (may be NULL) adds the culprit's git show text,
 * release tag, merge flag, recipients and the commit range of the picture;
 * when NULL, cp_output_write_auto() is the variant that opens job.repo.
 * Errors: CP_ERR_IO (no result, cannot write), CP_ERR_INPUT (malformed
 * result.json or journal), CP_ERR_NOMEM.
 */
int cp_output_write(const char *out_dir, struct cp_repo *repo, FILE *print,
		    struct cp_error *err);

/* cp_output_write() with the repository named by the result's job, if it opens. */
int cp_output_write_auto(const char *out_dir, FILE *print, struct cp_error *err);

#endif
