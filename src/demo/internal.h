/*
 * Inside the demo: the model of the example program (which operations,
 * documents and fixes exist at one point of its history), the renderer that
 * turns a model into file contents, and a growable text buffer.  Nothing here
 * touches git; demo.c drives the history and writes it with libgit2.
 */
#ifndef CULPRIT_DEMO_INTERNAL_H
#define CULPRIT_DEMO_INTERNAL_H

#include <stddef.h>

/* A growable string.  Invariant: after any append, s is NUL-terminated or
 * nomem is set (and stays set); callers check nomem once at the end. */
struct demo_buf {
	char *s;
	size_t len, cap;
	int nomem;
};

void demo_buf_puts(struct demo_buf *b, const char *s);
void demo_buf_printf(struct demo_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void demo_buf_free(struct demo_buf *b);

/* Limits of the catalogues in program.c (checked there at compile time). */
#define DEMO_MAX_OPS 96
#define DEMO_MAX_DOCS 32
#define DEMO_MAX_MAIN 16
#define DEMO_MAX_MAKE 8
#define DEMO_MAX_REL 24

/* Catalogue sizes and names, for commit messages. */
size_t demo_nops(void);
const char *demo_op_name(size_t i);
size_t demo_ndocs(void);
const char *demo_doc_title(size_t i);
size_t demo_nmain(void);
const char *demo_main_subject(size_t i);
size_t demo_nmake(void);
const char *demo_make_subject(size_t i);
/* 1 when operation i is a single return, which can be refactored to name
 * its result (op_named). */
int demo_op_can_name(size_t i);
/* "0.1" ... "0.9", "1.0", "1.1", ... for release index r. */
void demo_version(unsigned r, char *out, size_t size);

/*
 * The state of the example program at one commit.  Every field only grows
 * along a branch (flags go 0 -> 1), except the two *_broken flags, which a
 * "fix build" commit clears right after the commit that set them; so a merge
 * is the field-wise union of its parents (demo_model_merge).
 */
struct demo_model {
	unsigned char op_on[DEMO_MAX_OPS];	/* operation exists */
	unsigned char op_doc[DEMO_MAX_OPS];	/* has a doc comment */
	unsigned char op_named[DEMO_MAX_OPS];	/* refactor: names its result */
	unsigned char op_test[DEMO_MAX_OPS];	/* has a line in tests/basic.txt */
	unsigned char op_broken[DEMO_MAX_OPS];	/* source has a syntax error */
	unsigned char doc_on[DEMO_MAX_DOCS];	/* README section present */
	unsigned char main_on[DEMO_MAX_MAIN];	/* main.c feature present */
	unsigned char make_on[DEMO_MAX_MAKE];	/* Makefile feature present */
	unsigned char line_doc;		/* read_line has a doc comment */
	unsigned char line_sized;	/* read_line counts in size_t */
	unsigned char line_broken;	/* line.c has a syntax error */
	unsigned char line_bug;		/* THE heap overflow (off by one) */
	unsigned char line_cr;		/* read_line strips '\r' */
	unsigned char nrel;		/* releases made so far */
	unsigned char rel_ops[DEMO_MAX_REL][DEMO_MAX_OPS]; /* op_on at each */
};

void demo_model_merge(struct demo_model *into, const struct demo_model *other);

/* One rendered file; data is NULL when the file does not exist yet. */
struct demo_file {
	const char *path;	/* "Makefile", "src/ops.c", ... (static) */
	char *data;
	size_t len;
};

#define DEMO_NFILES 12

/* Renders every file; returns 0 or -1 (out of memory, files freed). */
int demo_render(const struct demo_model *m, struct demo_file files[DEMO_NFILES]);
void demo_files_free(struct demo_file files[DEMO_NFILES]);

#endif
