/*
 * Fixtures for the vcs unit tests: a temporary directory, git commands run
 * through the shell in it, and their output captured for comparisons.
 * Call fx_init() first (sets a clean git environment), fx_cleanup() last.
 */
#ifndef CULPRIT_TESTS_GITFIX_H
#define CULPRIT_TESTS_GITFIX_H

#include <stddef.h>

/* Creates the temporary directory, returns its path (owned by gitfix). */
const char *fx_init(void);
void fx_cleanup(void);
const char *fx_dir(void);

/* Runs a shell command (printf-style) in fx_dir(); returns its exit status. */
int fx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs a command and returns its whole stdout (malloc'd), NULL on failure. */
char *fx_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Like fx_out, without the trailing newline. */
char *fx_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
