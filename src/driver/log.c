/* The log (stdout and out/log), the status line and the compiler lines logged per commit. */
#include "driver/internal.h"

#include "kernel/kernel.h"
#include "vcs/source.h"

#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Redraws the status line for a new phase of commit hex (NULL: the same). */
void drv_progress(struct driver *d, enum cp_progress_phase phase, const char *hex,
		  unsigned done, unsigned total)
{
	d->pst.phase = phase;
	if (hex)
		snprintf(d->pst.commit, sizeof(d->pst.commit), "%s", hex);
	d->pst.runs_done = done;
	d->pst.runs_total = total;
	d->pst.elapsed_s = d->pst.phase_s = d->pst.eta_s = 0;
	drv_status_write(d);
	if (cp_progress_enabled(d->progress))
		cp_progress_update(d->progress, &d->pst);
}

void drv_log(struct driver *d, const char *fmt, ...)
{
	va_list ap;

	/* the log goes to stdout; the status line, on stderr, is erased and redrawn */
	if (cp_progress_enabled(d->progress)) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (d->log) {
		va_start(ap, fmt);
		vfprintf(d->log, fmt, ap);
		va_end(ap);
		fflush(d->log);
	}
	if (cp_progress_enabled(d->progress) && d->pst.commit[0])
		cp_progress_update(d->progress, &d->pst);
}

/* The first line `cc --version` prints into line, or cc when it fails. */
static void version_line(const char *cc, char *line, size_t size)
{
	const char *argv[] = { "sh", "-c", "exec $0 --version", cc, NULL };
	struct cp_run_spec spec = { .argv = argv, .timeout_ms = 30000 };
	struct cp_run_result res = { 0 };
	struct cp_error err;
	size_t n;

	/* cc may be a command with arguments ("ccache gcc-12"), as make takes it */
	snprintf(line, size, "%s", cc);
	if (cp_run_one(&spec, &res, &err) == 0 && res.status.exit_code == 0 && res.tail_len) {
		n = strcspn(res.tail, "\n");
		if (n >= size)
			n = size - 1;
		memcpy(line, res.tail, n);
		line[n] = '\0';
	}
	cp_run_result_dispose(&res);
}

void drv_probe_compiler(struct driver *d)
{
	version_line(d->job->compiler ? d->job->compiler : "cc", d->compiler_line,
		     sizeof(d->compiler_line));
}

/*
 * The compiler line to log for commit id: with a kernel compiler policy
 * (job "compilers"), the --version of the compiler the commit's kernel
 * version picks, as culprit kernel-build picks it (the first installed of
 * its row; a fallback or a missing compiler goes to *note); else the job's
 * compiler.
 */
static const char *compiler_for(struct driver *d, const struct cp_oid *id, char *note,
				size_t nsize)
{
	struct cp_kernel_compiler *rows = NULL;
	struct cp_kernel_choice ch;
	struct cp_kernel_version v;
	struct cp_error err;
	char *text = NULL;
	size_t len, n = 0, i;

	note[0] = '\0';
	if (!d->job->compilers)
		return d->compiler_line;
	if (cp_commit_read_file(d->repo, id, "Makefile", 1 << 20, &text, &len, &err) ||
	    cp_kernel_version_of_makefile(text, &v) < 0) {
		free(text);
		return d->compiler_line;
	}
	free(text);
	if (cp_kernel_compilers_from_json(d->job->compilers, "compilers", &rows, &n, &err))
		return d->compiler_line;	/* checked when the job was loaded */
	cp_kernel_choose_compiler(rows, n, v, NULL, &ch);
	snprintf(note, nsize, "%s", ch.note);
	if (!ch.cc) {
		cp_kernel_compilers_free(rows, n);
		return "no compiler";
	}
	for (i = 0; i < d->ncc_seen; i++)
		if (!strcmp(d->cc_seen[i].cc, ch.cc)) {
			cp_kernel_compilers_free(rows, n);
			return d->cc_seen[i].line;
		}
	if (d->ncc_seen == sizeof(d->cc_seen) / sizeof(d->cc_seen[0]) ||
	    strlen(ch.cc) >= sizeof(d->cc_seen[0].cc)) {
		cp_kernel_compilers_free(rows, n);
		return d->compiler_line;
	}
	i = d->ncc_seen++;
	snprintf(d->cc_seen[i].cc, sizeof(d->cc_seen[i].cc), "%s", ch.cc);
	cp_kernel_compilers_free(rows, n);
	version_line(d->cc_seen[i].cc, d->cc_seen[i].line, sizeof(d->cc_seen[i].line));
	return d->cc_seen[i].line;
}

const char *drv_compiler_for(struct driver *d, const struct cp_oid *id)
{
	char note[320];

	return compiler_for(d, id, note, sizeof(note));
}

void drv_log_testing(struct driver *d, const char *hex, const struct cp_oid *id)
{
	char note[320];
	const char *line = compiler_for(d, id, note, sizeof(note));

	drv_log(d, "testing commit %s with %s\n", hex, line);
	if (note[0])
		drv_log(d, "%s\n", note);
}

void drv_log_build_failed(struct driver *d, const char *dir)
{
	char path[4300], why[600] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/build-error", dir);
	f = fopen(path, "r");
	if (f) {
		if (fgets(why, sizeof(why), f))
			why[strcspn(why, "\r\n")] = '\0';
		fclose(f);
	}
	if (why[0])
		drv_log(d, "build failed: %s (see %s/build.log)\n", why, dir);
	else
		drv_log(d, "build failed (see %s/build.log)\n", dir);
}
