/*
 * A child's output: each stream to its file (the same file for both when
 * asked), at most file_max bytes a file, and both streams, as they come,
 * into the bounded tail.  Saving never stops the child: after a write error
 * the stream is only counted and kept in the tail.
 */
#include "run/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_file(const char *path, struct cp_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return cp_error_set(err, CP_ERR_IO, "cannot create '%s': %s",
				    path, strerror(errno));
	return fd;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
	       S_ISREG(sa.st_mode);
}

static int open_files(struct cp_output *o, const struct cp_run_spec *spec,
		      struct cp_error *err)
{
	if (spec->stdout_path) {
		o->out_path = strdup(spec->stdout_path);
		if (!o->out_path)
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		o->out_file = open_file(spec->stdout_path, err);
		if (o->out_file < 0)
			return o->out_file;
	}
	if (!spec->stderr_path)
		return 0;
	o->err_path = strdup(spec->stderr_path);
	if (!o->err_path)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	if (spec->stdout_path && !strcmp(spec->stdout_path, spec->stderr_path)) {
		o->err_file = o->out_file;
		return 0;
	}
	o->err_file = open_file(spec->stderr_path, err);
	if (o->err_file < 0)
		return o->err_file;
	if (o->out_file >= 0 && same_file(o->out_file, o->err_file)) {
		/* "x" and "./x": one file, one offset. */
		close(o->err_file);
		o->err_file = o->out_file;
	}
	return 0;
}

int cp_output__open(struct cp_output *o, const struct cp_run_spec *spec,
		    struct cp_error *err)
{
	int ret;

	memset(o, 0, sizeof(*o));
	o->out_file = o->err_file = -1;
	o->file_max = spec->file_max;
	ret = cp_tail__init(&o->tail, spec->tail_max ? spec->tail_max :
			    CP_RUN_TAIL_DEFAULT);
	if (ret)
		return cp_error_set(err, ret, "out of memory");
	return open_files(o, spec, err);
}

static void note_failure(struct cp_output *o, const char *path, int e)
{
	if (!o->failure[0])
		snprintf(o->failure, sizeof(o->failure),
			 "saving output to '%s': %s", path, strerror(e));
}

/* Stops saving to *file (shared by both streams or not). */
static void stop_saving(struct cp_output *o, int *file)
{
	int fd = *file;

	if (o->out_file == fd)
		o->out_file = -1;
	if (o->err_file == fd)
		o->err_file = -1;
	close(fd);
}

static int write_all(int fd, const char *data, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, data, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		data += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Appends to the stream's file, up to file_max bytes a file; past that the
 * file ends with a note and the rest only feeds the counters and the tail.
 */
static void save(struct cp_output *o, bool is_err, const char *data, size_t n)
{
	int *file = is_err ? &o->err_file : &o->out_file;
	const char *path = is_err ? o->err_path : o->out_path;
	bool shared = o->err_file == o->out_file;
	uint64_t *saved = is_err && !shared ? &o->err_saved : &o->out_saved;
	bool cut = false;
	char note[96];
	int len;

	if (*file < 0)
		return;
	if (o->file_max && *saved + n > o->file_max) {
		n = (size_t)(o->file_max - *saved);
		cut = true;
	}
	if (write_all(*file, data, n) < 0) {
		note_failure(o, path, errno);
		stop_saving(o, file);
		return;
	}
	*saved += n;
	if (cut) {
		len = snprintf(note, sizeof(note),
			       "\n[culprit: output cut after %llu bytes]\n",
			       (unsigned long long)o->file_max);
		if (write_all(*file, note, (size_t)len) < 0)
			note_failure(o, path, errno);
		o->cut = true;
		stop_saving(o, file);
	}
}

void cp_output__take(struct cp_output *o, bool is_err, const char *data,
		     size_t n)
{
	if (is_err)
		o->err_bytes += n;
	else
		o->out_bytes += n;
	save(o, is_err, data, n);
	cp_tail__push(&o->tail, data, n);
}

int cp_output__result(const struct cp_output *o, struct cp_run_result *res)
{
	int ret = cp_tail__take(&o->tail, &res->tail, &res->tail_len);

	if (ret)
		return ret;
	res->stdout_bytes = o->out_bytes;
	res->stderr_bytes = o->err_bytes;
	res->tail_truncated = o->tail.dropped;
	res->output_cut = o->cut;
	return 0;
}

void cp_output__dispose(struct cp_output *o)
{
	if (o->err_file >= 0 && o->err_file != o->out_file)
		close(o->err_file);
	if (o->out_file >= 0)
		close(o->out_file);
	free(o->out_path);
	free(o->err_path);
	cp_tail__dispose(&o->tail);
	memset(o, 0, sizeof(*o));
	o->out_file = o->err_file = -1;
}
