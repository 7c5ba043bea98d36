/*
 * The page of a bisection (<out>/index.html): one self-contained HTML file
 * (no network, no script: a Content-Security-Policy forbids both) with an
 * SVG picture of the bisection and the report text.
 *
 * The picture: the commit range as a line, oldest left, merges as ticks;
 * each tested commit as a dot (red crashed, green clean, grey skipped) under
 * a small stacked bar of its runs (target / clean / other / infra); the
 * culprit ringed and named; below, one bar per step showing the part of the
 * range still in question after it; and the posterior over the last
 * candidates when result.json has one.  Without a repository the tested
 * commits are placed in test order and the narrowing is left out.
 *
 * Every string from the result, the repository or the crash (titles,
 * subjects, messages, report text) is untrusted and escaped.
 */
#ifndef CULPRIT_OUTPUT_HTML_H
#define CULPRIT_OUTPUT_HTML_H

#include <stdio.h>

#include "output/report.h"
#include "output/summary.h"
#include "util/error.h"

struct cp_repo;

/*
 * The page in *html (malloc'd).  repo may be NULL; report_text (may be
 * NULL) is shown in full at the end.
 */
int cp_output_html(const struct cp_summary *s, const struct cp_output_facts *f,
		   struct cp_repo *repo, const char *report_text, char **html,
		   struct cp_error *err);

/* Writes s (n bytes) to o escaped for HTML text and attribute values. */
void cp_html_escape(FILE *o, const char *s, size_t n);

#endif
