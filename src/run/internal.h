/*
 * Internals of the executor, shared between its files; not for callers.
 * Names carry a double underscore (cp_run__x) to keep them apart from the
 * API in exec.h.
 */
#ifndef CULPRIT_RUN_INTERNAL_H
#define CULPRIT_RUN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "run/exec.h"

/*
 * A bounded ring buffer keeping the last cap bytes pushed into it.
 * Invariant: len <= cap; the bytes start at buf[start] and wrap at cap.
 */
struct cp_tail {
	char *buf;
	size_t cap;
	size_t start;
	size_t len;
	bool dropped;	/* older bytes were overwritten */
};

int cp_tail__init(struct cp_tail *t, size_t cap);
void cp_tail__push(struct cp_tail *t, const char *data, size_t n);
/* Copies the tail out as a NUL-terminated string the caller frees. */
int cp_tail__take(const struct cp_tail *t, char **out, size_t *len_out);
void cp_tail__dispose(struct cp_tail *t);

/*
 * Where one child's output goes: its files (up to file_max bytes each), the
 * byte counts and the tail.  Invariant: out_file == err_file when both
 * streams share one file; -1 when a stream is not saved.
 */
struct cp_output {
	int out_file, err_file;
	char *out_path, *err_path;
	uint64_t out_bytes, err_bytes;	/* all bytes the child wrote */
	uint64_t out_saved, err_saved;	/* bytes written to the files */
	uint64_t file_max;		/* 0: no limit */
	bool cut;			/* a file reached file_max */
	struct cp_tail tail;
	char failure[256];		/* the first write error, "" when none */
};

/* Creates the files of spec and the tail. */
int cp_output__open(struct cp_output *o, const struct cp_run_spec *spec,
		    struct cp_error *err);
/* Takes n bytes the child wrote on stdout, or stderr when is_err. */
void cp_output__take(struct cp_output *o, bool is_err, const char *data,
		     size_t n);
/* Fills the output fields of res (the tail is copied; caller frees). */
int cp_output__result(const struct cp_output *o, struct cp_run_result *res);
/* Closes the files and frees; the struct is zeroed with fds at -1. */
void cp_output__dispose(struct cp_output *o);

/* Nanoseconds on the monotonic clock. */
uint64_t cp_run__now_ns(void);

/*
 * The watchdog: a small process that outlives culprit and kills the
 * registered process groups when culprit is gone (the socket closes), so a
 * SIGKILL of culprit leaves no grandchildren behind.
 */
struct cp_watchdog {
	pid_t pid;	/* -1 when not running */
	int fd;		/* our end of the socket, -1 when not running */
};

/*
 * Forks and execs spec's program in a new process group, stdin from
 * /dev/null, stdout to out_fd and stderr to err_fd (pipe write ends the
 * caller still closes).  The group is registered with the watchdog w (may
 * be NULL) right after fork(), before the program can start anything.  On
 * success *pid_out is the child, which is also its process group id; on
 * failure nothing is left running or registered.
 */
int cp_run__spawn(const struct cp_run_spec *spec, int out_fd, int err_fd,
		  struct cp_watchdog *w, pid_t *pid_out, struct cp_error *err);

int cp_watchdog__start(struct cp_watchdog *w, unsigned max_groups,
		       struct cp_error *err);
/* Best effort: a dead watchdog only loses the SIGKILL safety net. */
void cp_watchdog__add(struct cp_watchdog *w, pid_t pgid);
void cp_watchdog__remove(struct cp_watchdog *w, pid_t pgid);
void cp_watchdog__stop(struct cp_watchdog *w);

#endif
