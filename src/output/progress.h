/*
 * The live status line of a bisection on a terminal: step, commits left,
 * the commit under test, build or run progress, elapsed time and an ETA,
 * redrawn in place ("\r...\033[K") on one line.  When the stream is not a
 * terminal (a pipe, a file, CI) nothing is drawn and the log lines the
 * driver prints are all there is.
 *
 * Caller's steps (the driver):
 *   1. cp_progress_start(&p, stdout, 0, &err): enabled only when stdout is
 *      a terminal (and TERM is not "dumb"); force=1 draws anyway (tests).
 *   2. cp_progress_update(p, &state) whenever something changes (a step
 *      begins, a build starts or ends, a run ends); the line is redrawn.
 *   3. cp_progress_printf(p, fmt, ...) instead of printf() for log lines
 *      while the status line is up: it erases the line, prints, redraws.
 *   4. cp_progress_finish(p): erases the line and frees p (NULL is fine).
 *
 * cp_progress_format() is the pure part: state in, text out, no clock and
 * no I/O, so it is tested exhaustively.
 */
#ifndef CULPRIT_OUTPUT_PROGRESS_H
#define CULPRIT_OUTPUT_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

enum cp_progress_phase {
	CP_PROGRESS_IDLE,	/* between commits */
	CP_PROGRESS_CHECKOUT,
	CP_PROGRESS_BUILD,
	CP_PROGRESS_RUN,
};

/* What the line shows; unknown numbers are negative and left out. */
struct cp_progress_state {
	int step;		/* bisection step, 1-based; 0: not bisecting yet */
	int steps_left;		/* git's "roughly N steps"; -1 unknown */
	long revs_left;		/* git's "N revisions left to test"; -1 unknown */
	const char *label;	/* "release v1.2", "start commit", or NULL */
	char commit[41];	/* the commit under test, "" when none */
	enum cp_progress_phase phase;
	unsigned runs_done, runs_total;	/* run phase */
	double phase_s;		/* time in the current phase */
	double elapsed_s;	/* since the bisection started */
	double eta_s;		/* time left; negative: unknown */
	/*
	 * Culprit policy: the leading culprit's posterior and the confidence
	 * target it must reach ("culprit 0.83 of 0.99"), as there are no
	 * steps to count; leader_p negative: not shown.
	 */
	double leader_p, target_p;
};

/*
 * Writes the status line for st into buf (at most width columns, ASCII,
 * NUL-terminated, cut with "..." when longer) and returns its length.
 * Example: "step 3 (~4 left) | 37 revs left | 1a2b3c4d5e6f | run 2/10 |
 * 1m2.0s | ETA 5m0.0s"; under the culprit policy "step 7 | culprit 0.83 of
 * 0.99 | 1a2b3c4d5e6f | run 1/1 4.0s | 40m1.0s".
 */
size_t cp_progress_format(const struct cp_progress_state *st, unsigned width,
			  char *buf, size_t size);

/*
 * Estimated time left: the steps left (plus the current one, minus what
 * it has taken) at the mean duration of the finished steps.  Negative when
 * unknown (no step finished, or steps_left unknown).
 */
double cp_progress_eta(double finished_steps_s, unsigned finished_steps,
		       double current_step_s, int steps_left);

struct cp_progress;

int cp_progress_start(struct cp_progress **out, FILE *stream, int force,
		      struct cp_error *err);
/* 1 when the line is drawn (a terminal, or forced). */
int cp_progress_enabled(const struct cp_progress *p);
/*
 * Redraws the line for st.  The elapsed time, phase time and ETA are filled
 * from the clock when st leaves them at 0 (or negative): p remembers when
 * the bisection, each step and each phase began (a new step is a new
 * st->step; a new phase a new st->phase or st->commit), and the ETA is
 * cp_progress_eta() over the finished steps and st->steps_left.
 */
void cp_progress_update(struct cp_progress *p, const struct cp_progress_state *st);
void cp_progress_printf(struct cp_progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cp_progress_finish(struct cp_progress *p);

#endif
