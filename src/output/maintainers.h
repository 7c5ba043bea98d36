/*
 * The MAINTAINERS file, read the way the kernel's scripts/get_maintainer.pl
 * reads it: who looks after which files.
 *
 * A section is a name line followed by "X: value" lines:
 *   M: maintainer, R: reviewer, L: mailing list ("(moderated ...)" or
 *   "(subscribers-only)" after the address), S: status, F: file pattern,
 *   X: excluded pattern, N: regex on file names, K: regex on patch content;
 *   other letters (T:, W:, Q:, B:, C:, P:) are kept but unused.
 * F:/X: patterns are turned into regexes as get_maintainer.pl does ('.' is
 * literal, '*' is ".*" and '?' is "."; a pattern naming a directory without
 * its trailing '/' gets one) and anchored at the start of the path.  A
 * pattern ending in '/' matches everything below; any other pattern only
 * paths with as many '/' as itself.  A file matches a section when one F:
 * or N: matches and no X: does; matches are ordered by F: depth, deepest
 * first (N: counts as depth 0), then by file order.
 *
 * Caller's steps: cp_maintainers_parse() the file's text, then
 * cp_maintainers_match() per file (or cp_maintainers_addresses() for the
 * address list get_maintainer.pl --no-git prints), cp_maintainers_free().
 * K: (patch content) is matched by cp_maintainers_match_keywords().
 */
#ifndef CULPRIT_OUTPUT_MAINTAINERS_H
#define CULPRIT_OUTPUT_MAINTAINERS_H

#include <stddef.h>

#include "util/error.h"

struct cp_maint_line {
	char type;		/* 'M', 'R', 'L', 'S', 'F', 'X', 'N', 'K', ... */
	char *value;		/* as written, trailing blanks cut */
};

/* Invariant: name is never NULL; lines[0..nlines) are in file order. */
struct cp_maint_section {
	char *name;
	struct cp_maint_line *lines;
	size_t nlines;
};

struct cp_maintainers;

/*
 * Says whether path (relative to the top of the tree, a converted pattern
 * as get_maintainer.pl tests it with -d) is a directory.  May be NULL.
 */
typedef int (*cp_maint_is_dir_fn)(void *ctx, const char *path);

/*
 * Parses the text of a MAINTAINERS file.  Invalid regexes in F:/X:/N:/K:
 * lines never match (get_maintainer.pl would die on some of them).
 */
int cp_maintainers_parse(struct cp_maintainers **out, const char *text, size_t len,
			 cp_maint_is_dir_fn is_dir, void *ctx, struct cp_error *err);
void cp_maintainers_free(struct cp_maintainers *m);

size_t cp_maintainers_count(const struct cp_maintainers *m);
const struct cp_maint_section *cp_maintainers_section(const struct cp_maintainers *m,
						      size_t i);

/*
 * The sections matching file (a path relative to the top of the tree), in
 * get_maintainer.pl's order.  *out is malloc'd (free() it) and holds
 * section indexes; *count may be 0.
 */
int cp_maintainers_match(const struct cp_maintainers *m, const char *file,
			 size_t **out, size_t *count, struct cp_error *err);

/*
 * Appends to *out (indexes, deduplicated, malloc'd) the sections whose K:
 * regex matches text (say, a patch).
 */
int cp_maintainers_match_keywords(const struct cp_maintainers *m, const char *text,
				  size_t **out, size_t *count, struct cp_error *err);

/* One address as get_maintainer.pl lists it. */
struct cp_maint_address {
	char *address;		/* lowercased e-mail address */
	char *display;		/* "Name <addr>" or the list address */
	char role;		/* 'M' maintainer, 'R' reviewer, 'L' list */
	size_t section;		/* the section that named it first */
};

/*
 * The addresses `get_maintainer.pl --no-git --no-rolestats -f FILE...`
 * prints for the matched sections: maintainers and reviewers in section
 * order, then the lists (subscribers-only lists left out), duplicates (same
 * address, or same name for people) dropped.  sections is the concatenation
 * of cp_maintainers_match() results.  Penguin chiefs are left out.  Free with cp_maint_addresses_free().
 */
int cp_maintainers_addresses(const struct cp_maintainers *m, const size_t *sections,
			     size_t nsections, struct cp_maint_address **out,
			     size_t *count, struct cp_error *err);
void cp_maint_addresses_free(struct cp_maint_address *a, size_t count);

/*
 * 1 for the "penguin chiefs" get_maintainer.pl leaves out of its list
 * (Linus Torvalds, maintainer of THE REST) unless asked.
 */
int cp_maint_penguin_chief(const char *addr);

/*
 * Splits "Name <addr>" (or a bare address) into a malloc'd lowercased
 * address and, when name is not NULL, the malloc'd name ("" when none).
 * Returns NULL in *addr when there is no '@'.
 */
int cp_parse_email(const char *s, char **addr, char **name, struct cp_error *err);

#endif
