/*
 * Internals of the report module: patterns, the table of crash formats
 * (one table per family: linux.c for kernels, user.c for user-space
 * sanitizers and signals), frame extraction and title helpers.
 *
 * A pattern is written in the familiar Perl/Go subset (non-capturing
 * "(?:", "\d") and compiled to a POSIX extended regex in which every line
 * is matched separately ("." never matches a newline).  Only groups written
 * as "(" count as captures, in order.
 */
#ifndef CULPRIT_REPORT_INTERNAL_H
#define CULPRIT_REPORT_INTERNAL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "report/report.h"

#define PAT_MAX_CAPS 6

struct pat {
	const char *src;
	regex_t re;
	int ncaps;			/* capturing groups */
	unsigned char caps[PAT_MAX_CAPS];	/* their POSIX group numbers */
	int ngroups;			/* all groups in the POSIX regex */
	bool compiled;
	bool failed;
};

/* A capture: offsets into the searched text; so < 0 when unset. */
struct cap {
	long so, eo;
};

int pat_compile(struct pat *p, struct cp_error *err);

/*
 * Finds the leftmost match in text[from..len) (one regexec on the whole
 * range; with "." not crossing lines).  Fills m[0] with the whole match and
 * m[1..ncaps] with captures.  Returns true on a match.
 */
bool pat_search(const struct pat *p, const char *text, size_t from,
		size_t len, struct cap *m);

#define PAT_LINE_MAX (64u << 10)

/*
 * Same, on exactly one line (no newline inside), which need not be
 * NUL-terminated; pat_search needs text to be NUL-terminated at or after
 * len (the module's own buffers are).
 */
bool pat_match_line(const struct pat *p, const char *line, size_t len,
		    struct cap *m);

#define SEQ_MAX 4
#define PARTS_MAX 4
#define SKIP_MAX 24
#define ALT_MAX 2

/*
 * A sequence of patterns: the first is searched anywhere, each next one on
 * a later line (like "A(?:.*\n)+?.*B").  Captures of all, in order.
 */
struct seq {
	struct pat *p[SEQ_MAX];
};

enum extractor {
	EXTRACT_FIRST = 0,	/* the first frame not skipped */
	EXTRACT_STALL,		/* the frame before an anchor (entry point) */
	EXTRACT_HANG,		/* task hung: rtnl_lock/synchronize_rcu buckets */
};

/* PART_STACK in a parts list means "parse a stack trace here". */
extern struct pat part_stack;
#define PART_STACK (&part_stack)

struct stack_spec {
	struct pat *parts[PARTS_MAX];
	struct pat *parts2[PARTS_MAX];
	const char *skip[SKIP_MAX];
	enum extractor extractor;
	struct pat skip_re;	/* built on first use from skip */
	bool skip_ready;
};

#define FMT_NO_STACK 1u	/* no stack trace expected (no corruption check) */
#define FMT_CORRUPTED 2u	/* a title from this format is corrupted */

struct fmt_spec {
	struct seq title;
	struct seq report;	/* optional; gives the captures when set */
	const char *fmt;	/* "$1".."$9": captures, then frames */
	const char *alt[ALT_MAX];
	struct stack_spec *stack;
	unsigned flags;
};

#define OOPS_SUPP_MAX 12

struct oops {
	const char *header;		/* plain substring that starts a report */
	struct fmt_spec *formats;	/* terminated by fmt == NULL */
	struct pat *supp[OOPS_SUPP_MAX]; /* lines that do not count */
	bool no_console;		/* only lines without a console prefix */
};

/* Family parameters shared by all formats of a table. */
struct family {
	struct pat *stack_start[12];	/* lines that start a stack trace */
	struct pat *frame_res[3];	/* lines that are frames; cap = name */
	struct pat *corrupted_lines[2];
	const char *const *skip;	/* NULL-terminated */
	const char *const *strip_prefixes;	/* NULL-terminated */
	struct pat *stall_anchors;	/* one alternation */
	struct pat skip_all;		/* built on first use from skip */
	bool skip_ready;
};

/* The tables (linux.c, user.c).  Terminated by header == NULL. */
extern struct oops linux_oopses[];
extern struct family linux_family;
extern struct oops user_oopses[];
extern struct oops user_signal_oopses[];
extern struct family user_family;

/* Patterns used by the engine (linux.c). */
extern struct pat linux_frame_re;	/* "func+0x../0x.." in a line */
extern struct pat linux_corrupted_title;

/* Builds the table index once; returns 0 or a negative status. */
int report_tables_init(struct cp_error *err);

/* False when some marker has no anchor and lines are checked bytewise. */
bool report_prefilter_fast(void);

/* Compiles every pattern now (tests); returns 0 or a negative status. */
int report_tables_compile_all(struct cp_error *err);

/* Makes fam->skip_all and st->skip_re ready (pattern.c). */
int stack_skip_ready(const struct family *fam, struct stack_spec *st);

/* Result of describing a report body. */
struct desc {
	char *title;
	char **alts;
	size_t n_alts;
	const char *corrupted;		/* static reason or NULL */
	const struct fmt_spec *format;	/* matched format or NULL */
};

/* Tries the formats of oops on text[0..len); fills d (title NULL if none). */
int describe(const struct oops *oops, const struct family *fam,
	     const char *text, size_t len, struct desc *d);
void desc_dispose(struct desc *d);

/* The corruption rules that look at the whole report text. */
const char *check_corrupted(const char *title, const char *text, size_t len,
			    const struct fmt_spec *format,
			    const struct family *fam);

/* True when line (one line) contains oops's header and no suppression. */
bool oops_match_line(const struct oops *o, const char *line, size_t len);

/* Small growable byte buffer. */
struct buf {
	char *p;
	size_t len, cap;
};

int buf_add(struct buf *b, const void *data, size_t n);
int buf_addc(struct buf *b, char c);
int buf_adds(struct buf *b, const char *s);
/* NUL-terminates and hands the string over (never NULL on success). */
char *buf_steal(struct buf *b);
void buf_dispose(struct buf *b);

const char *mem_find(const char *hay, size_t hlen, const char *needle);

/* The guilty source file of a (symbolized) report text, or NULL. */
char *report_guilty_file(const char *title, const char *text, size_t len);

/* Parses frames ("func+0xoff/0xsize [mod]") out of report text. */
int frames_parse(const char *text, size_t len, struct cp_frame **out,
		 size_t *n);
void frames_free(struct cp_frame *f, size_t n);

#endif
