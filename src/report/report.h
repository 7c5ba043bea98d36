/*
 * Crash reports: the report module owns turning console output (Linux
 * kernel serial consoles, sanitizer and assertion output of user programs)
 * into crash reports.  A report carries a title in syzkaller's style
 * ("KASAN: use-after-free Read in foo", "WARNING in kvm_wait"), which is the
 * crash's identity everywhere in culprit, plus alternative titles, a crash
 * type, a corrupted flag, the byte range of the report in the input, the
 * extracted report text and its stack frames.  It also owns symbolization
 * of frames with libdw and the rule that decides when two titles name the
 * same crash.
 *
 * Caller's steps for a log that is already in memory:
 *   cp_report_parse(buf, len, &rep, &err)   rep == NULL when no crash
 *   ... use rep ...
 *   cp_report_free(rep)
 *
 * For a log of any size (a console being read as it arrives):
 *   cp_report_stream_new(&st, &err)
 *   cp_report_stream_feed(st, chunk, n, &err)     as often as needed
 *   cp_report_stream_finish(st, &rep, &err)       the first report or NULL
 *   cp_report_stream_free(st)
 * The stream keeps a bounded amount of memory whatever the input size: the
 * lines before the crash are not retained beyond a short window, and the
 * report text kept after the crash is capped (CP_REPORT_MAX_TEXT).
 *
 * Parsing is pure: no files, no clock, no global mutable state except the
 * compiled pattern tables, which are built once (thread-safe) on first use.
 */
#ifndef CULPRIT_REPORT_REPORT_H
#define CULPRIT_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Bytes of report text kept after the first crash line. */
#define CP_REPORT_MAX_TEXT (1u << 20)

/* One stack frame of a report, in the order printed (innermost first). */
struct cp_frame {
	char *func;		/* never NULL */
	uint64_t offset;	/* func+offset/size as printed; 0 if absent */
	uint64_t size;
	char *module;		/* "[module]" suffix, or NULL */
	char *file;		/* "path/file.c", after symbolization, or NULL */
	int line;		/* 0 when unknown */
	bool inlined;		/* a frame inlined into the next one */
	bool questionable;	/* printed with " ? " (unreliable) */
};

struct cp_report {
	char *title;		/* normalized title, never NULL or empty */
	char **alt_titles;	/* normalized, sorted, without duplicates */
	size_t n_alt_titles;
	const char *type;	/* syzkaller's type name; "" means unknown */
	char *frame;		/* indicative function (after " in "), or NULL */
	bool corrupted;
	char *corrupted_reason;	/* NULL when not corrupted */
	bool suppressed;	/* matched a suppression (OOM kills, ...) */
	bool panicked;		/* "Kernel panic - not syncing" seen in the log */
	bool user_space;	/* a user-space sanitizer/assert/signal report */
	char *executor;		/* "proc=P, id=N" or NULL */
	char *guilty_file;	/* source file to blame ("fs/x/y.c"), or NULL */
	size_t prefix_len;	/* text[0..prefix_len) are lines before the crash */
	uint64_t start;		/* offset of the first report line in the input */
	uint64_t end;		/* offset just past the last crash line */
	char *text;		/* extracted report text (console prefixes cut) */
	size_t text_len;
	struct cp_frame *frames;	/* frames parsed from text */
	size_t n_frames;
};

/* Parses buf[0..len) and returns the first crash in *out (NULL if none). */
int cp_report_parse(const char *buf, size_t len, struct cp_report **out,
		    struct cp_error *err);

void cp_report_free(struct cp_report *rep);

/* True when buf contains a crash line (cheaper than cp_report_parse). */
bool cp_report_contains_crash(const char *buf, size_t len);

struct cp_report_stream;

int cp_report_stream_new(struct cp_report_stream **out, struct cp_error *err);

/* Feeds the next n bytes of the log. */
int cp_report_stream_feed(struct cp_report_stream *st, const char *buf,
			  size_t n, struct cp_error *err);

/* True once a crash line has been seen (the report may still grow). */
bool cp_report_stream_found(const struct cp_report_stream *st);

/*
 * Ends the input and returns the first report in *out (NULL if no crash).
 * The stream cannot be fed afterwards.
 */
int cp_report_stream_finish(struct cp_report_stream *st,
			    struct cp_report **out, struct cp_error *err);

void cp_report_stream_free(struct cp_report_stream *st);

/*
 * Title normalization as syzkaller does it: PIDs of syz-executor, addresses,
 * IPs, line numbers, func+off/size, CPU numbers and other numbers are
 * replaced by placeholders; control bytes dropped; at most 120 bytes.
 * Returns a new string or NULL when out of memory.
 */
char *cp_report_normalize_title(const char *title);

/*
 * True when two titles name the same crash: equal after normalization
 * (which also drops control bytes and leading/trailing space).
 */
bool cp_report_same_title(const char *a, const char *b);

/* True when title or one of rep's alternative titles matches other's. */
bool cp_report_same_crash(const struct cp_report *rep,
			  const struct cp_report *other);

/* syzkaller's crash type for a title ("" when unknown). Static string. */
const char *cp_report_title_type(const char *title);

/*
 * Adds file:line and inlined frames using the debug info of binary (an ELF
 * file: vmlinux or a user program).  Frames of rep->text are rewritten as
 * "func+off/size file:line" with " [inline]" lines for inlined callees, and
 * rep->frames is rebuilt.  Frames whose symbol is unknown stay unchanged.
 */
int cp_report_symbolize(struct cp_report *rep, const char *binary,
			struct cp_error *err);

/*
 * The report as one JSON object (title, alt_titles, type, corrupted, ...),
 * serialized without a trailing newline.  *out is malloc'ed.
 */
int cp_report_to_json(const struct cp_report *rep, char **out,
		      struct cp_error *err);

#endif
