/*
 * The terminal status line: a pure formatter and a small redraw loop.
 */
#include "output/progress.h"

#include "output/summary.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static const char *phase_name(enum cp_progress_phase ph)
{
	switch (ph) {
	case CP_PROGRESS_CHECKOUT: return "checkout";
	case CP_PROGRESS_BUILD: return "build";
	case CP_PROGRESS_RUN: return "run";
	default: return NULL;
	}
}

/* Appends " | " and a printf'd part to buf at *len (never past size). */
static void part(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void part(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len && *len + 3 < size) {
		memcpy(buf + *len, " | ", 4);
		*len += 3;
	}
	if (*len + 1 >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
}

size_t cp_progress_format(const struct cp_progress_state *st, unsigned width,
			  char *buf, size_t size)
{
	char line[512], d[32], e[32];
	const char *ph = phase_name(st->phase);
	size_t len = 0, i;

	if (!size)
		return 0;
	line[0] = '\0';
	if (st->step > 0 && st->steps_left >= 0)
		part(line, sizeof(line), &len, "step %d (~%d left)", st->step, st->steps_left);
	else if (st->step > 0)
		part(line, sizeof(line), &len, "step %d", st->step);
	if (st->revs_left >= 0)
		part(line, sizeof(line), &len, "%ld rev%s left", st->revs_left,
		     st->revs_left == 1 ? "" : "s");
	if (st->leader_p >= 0 && st->leader_p <= 1 && st->target_p > 0 && st->target_p < 1)
		/* rounded down: 0.989 must not read as a reached 0.99 */
		part(line, sizeof(line), &len, "culprit %.2f of %.2f",
		     floor(st->leader_p * 100) / 100, st->target_p);
	if (st->label && st->label[0])
		part(line, sizeof(line), &len, "%.40s", st->label);
	if (st->commit[0])
		part(line, sizeof(line), &len, "%.12s", st->commit);
	if (ph && st->phase == CP_PROGRESS_RUN && st->runs_total) {
		cp_format_duration(st->phase_s, d, sizeof(d));
		part(line, sizeof(line), &len, "run %u/%u %s", st->runs_done, st->runs_total, d);
	} else if (ph) {
		cp_format_duration(st->phase_s, d, sizeof(d));
		part(line, sizeof(line), &len, "%s %s", ph, d);
	}
	if (st->elapsed_s > 0) {
		cp_format_duration(st->elapsed_s, e, sizeof(e));
		part(line, sizeof(line), &len, "%s", e);
	}
	if (st->eta_s >= 0) {
		cp_format_duration(st->eta_s, e, sizeof(e));
		part(line, sizeof(line), &len, "ETA %s", e);
	}
	/* printable ASCII only: a label or commit from outside cannot move the cursor */
	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] >= 0x7f)
			line[i] = '?';
	if (width && len > width) {
		len = width;
		if (width >= 3)
			memcpy(line + width - 3, "...", 3);
	}
	if (len >= size)
		len = size - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	return len;
}

double cp_progress_eta(double finished_steps_s, unsigned finished_steps,
		       double current_step_s, int steps_left)
{
	double mean, left;

	if (!finished_steps || steps_left < 0)
		return -1;
	mean = finished_steps_s / finished_steps;
	left = mean - current_step_s;
	if (left < 0)
		left = 0;
	return left + mean * steps_left;
}

struct cp_progress {
	FILE *out;
	int enabled;
	int drawn;
	double t0, step_t0, phase_t0;
	int step;
	enum cp_progress_phase phase;
	char commit[41];
	double finished_s;	/* duration of finished steps */
	unsigned finished;
	struct cp_progress_state last;
	char label[64];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned term_width(FILE *f)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		return ws.ws_col - 1;
	if (c && atoi(c) > 10)
		return (unsigned)atoi(c) - 1;
	return 79;
}

int cp_progress_start(struct cp_progress **out, FILE *stream, int force,
		      struct cp_error *err)
{
	struct cp_progress *p = calloc(1, sizeof(*p));
	const char *term = getenv("TERM");

	*out = NULL;
	if (!p)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	p->out = stream;
	p->enabled = force || (isatty(fileno(stream)) && !(term && !strcmp(term, "dumb")));
	p->t0 = p->step_t0 = p->phase_t0 = now();
	p->last.steps_left = -1;
	p->last.revs_left = -1;
	p->last.eta_s = -1;
	*out = p;
	return 0;
}

int cp_progress_enabled(const struct cp_progress *p)
{
	return p && p->enabled;
}

static void draw(struct cp_progress *p)
{
	char buf[512];
	size_t n = cp_progress_format(&p->last, term_width(p->out), buf, sizeof(buf));

	fprintf(p->out, "\r%.*s\033[K", (int)n, buf);
	fflush(p->out);
	p->drawn = 1;
}

static void erase(struct cp_progress *p)
{
	if (!p->drawn)
		return;
	fputs("\r\033[K", p->out);
	p->drawn = 0;
}

void cp_progress_update(struct cp_progress *p, const struct cp_progress_state *st)
{
	double t = now();

	if (!p)
		return;
	if (st->step != p->step) {
		if (p->step > 0) {
			p->finished_s += t - p->step_t0;
			p->finished++;
		}
		p->step = st->step;
		p->step_t0 = t;
	}
	if (st->phase != p->phase || strcmp(st->commit, p->commit)) {
		p->phase = st->phase;
		p->phase_t0 = t;
		memcpy(p->commit, st->commit, sizeof(p->commit));
	}
	p->last = *st;
	snprintf(p->label, sizeof(p->label), "%s", st->label ? st->label : "");
	p->last.label = p->label;
	if (p->last.elapsed_s <= 0)
		p->last.elapsed_s = t - p->t0;
	if (p->last.phase_s <= 0)
		p->last.phase_s = t - p->phase_t0;
	if (p->last.eta_s <= 0)
		p->last.eta_s = cp_progress_eta(p->finished_s, p->finished, t - p->step_t0,
						st->steps_left);
	if (p->enabled)
		draw(p);
}

void cp_progress_printf(struct cp_progress *p, const char *fmt, ...)
{
	FILE *out = p ? p->out : stdout;
	va_list ap;

	if (p && p->enabled)
		erase(p);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	if (p && p->enabled && p->step >= 0 && (p->last.commit[0] || p->last.step))
		draw(p);
	else
		fflush(out);
}

void cp_progress_finish(struct cp_progress *p)
{
	if (!p)
		return;
	if (p->enabled) {
		erase(p);
		fflush(p->out);
	}
	free(p);
}
