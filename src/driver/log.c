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
 * version picks, as culprit kernel-build picks it; else the job's compiler.
 */
const char *drv_compiler_for(struct driver *d, const struct cp_oid *id)
{
	struct cp_kernel_version v, lo, hi;
	const char *cc = NULL;
	struct cp_error err;
	char *text = NULL;
	size_t len, i;
	json_t *row;

	if (!d->job->compilers)
		return d->compiler_line;
	if (cp_commit_read_file(d->repo, id, "Makefile", 1 << 20, &text, &len, &err) ||
	    cp_kernel_version_of_makefile(text, &v) < 0) {
		free(text);
		return d->compiler_line;
	}
	free(text);
	json_array_foreach(d->job->compilers, i, row) {
		const char *min = json_string_value(json_object_get(row, "min"));
		const char *max = json_string_value(json_object_get(row, "max"));

		if (min && (cp_kernel_version_parse(min, &lo) || cp_kernel_version_cmp(v, lo) < 0))
			continue;
		if (max && (cp_kernel_version_parse(max, &hi) || cp_kernel_version_cmp(v, hi) >= 0))
			continue;
		cc = json_string_value(json_object_get(row, "cc"));
		break;
	}
	if (!cc)
		cc = "gcc";	/* no row matches: kernel-build's default too */
	for (i = 0; i < d->ncc_seen; i++)
		if (!strcmp(d->cc_seen[i].cc, cc))
			return d->cc_seen[i].line;
	if (d->ncc_seen == sizeof(d->cc_seen) / sizeof(d->cc_seen[0]) ||
	    strlen(cc) >= sizeof(d->cc_seen[0].cc))
		return d->compiler_line;
	i = d->ncc_seen++;
	snprintf(d->cc_seen[i].cc, sizeof(d->cc_seen[i].cc), "%s", cc);
	version_line(cc, d->cc_seen[i].line, sizeof(d->cc_seen[i].line));
	return d->cc_seen[i].line;
}
