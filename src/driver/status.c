/*
 * out/status: the bisection's status line, as the terminal would show it
 * (output/progress.h), rewritten at every change whether or not a terminal
 * is there.  culprit farm runs its bisections with their output in files,
 * so this file is how it shows one line per bisection (state, range left,
 * confidence).  The phase's duration is left out: the file is written
 * when the phase begins, and its mtime says when that was.  Written to a
 * temporary name and renamed: a reader sees one whole line.  Best effort: a
 * status that cannot be written loses nothing.
 */
#include "driver/internal.h"

#include <stdio.h>
#include <string.h>

void drv_status_write(struct driver *d)
{
	static const char *const phase[] = { "", " | checkout", " | build", " | run" };
	struct cp_progress_state st = d->pst;
	char line[512], path[4200], tmp[4300];
	FILE *f;

	if (!d->abs_out)
		return;
	st.phase = CP_PROGRESS_IDLE;
	st.eta_s = -1;
	cp_progress_format(&st, sizeof(line) - 1, line, sizeof(line));
	snprintf(path, sizeof(path), "%s/status", d->abs_out);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	if (d->pst.phase == CP_PROGRESS_RUN && d->pst.runs_total)
		fprintf(f, "%s | run %u/%u\n", line, d->pst.runs_done, d->pst.runs_total);
	else
		fprintf(f, "%s%s\n", line,
			(unsigned)d->pst.phase < 4 ? phase[d->pst.phase] : "");
	if (fclose(f) || rename(tmp, path))
		remove(tmp);
}
