/*
 * The resumable journal: an append-only file in the output directory where
 * culprit records every finished build and run, so a killed bisection can
 * continue without repeating anything.
 *
 * Format: <out>/journal.jsonl, one JSON object a line.  The first line is
 * the header {"journal":"culprit","format":1,"header":{...}}, the caller's
 * header object (say, the job) inside; every other line is a record object
 * whose meaning the driver defines (it gives each a "type").  A record counts
 * once cp_journal_append() returned 0: it was written with one write() and
 * fsync()ed.  A last line without its newline, or unparsable, is what a
 * SIGKILL or a crash mid-write leaves: reading drops it (and cuts it from the
 * file so the next record starts on a fresh line).  A corrupt line anywhere
 * else is an error.
 *
 * The journal owns the output directory while open: it holds a flock() on
 * <out>/lock (with culprit's pid inside, for the message), so a second
 * culprit on the same directory fails with CP_ERR_LOCKED.
 *
 * The caller's steps:
 *
 *   1. cp_journal_open(&j, out_dir, header, &err): creates the directory and
 *      a new journal, or reads the existing one (cp_journal_resumed() says
 *      which; then header is ignored and the caller compares its job with
 *      cp_journal_header(j)).
 *   2. cp_journal_count(j) and cp_journal_get(j, i): the records already
 *      there, oldest first, to skip what was done.
 *   3. cp_journal_append(j, record, &err) for every finished build and run.
 *   4. cp_journal_close(j) releases the lock.
 *
 * Not thread-safe: one thread appends.
 */
#ifndef CULPRIT_RUN_JOURNAL_H
#define CULPRIT_RUN_JOURNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define CP_JOURNAL_FORMAT 1
#define CP_JOURNAL_FILE "journal.jsonl"
#define CP_JOURNAL_LOCK "lock"

struct cp_journal;

/*
 * Locks dir (creating it and its parents when missing) and opens its
 * journal.  header (an
 * object, borrowed; NULL means {}) is written when the journal is new.
 * Errors: CP_ERR_LOCKED (another culprit holds dir), CP_ERR_IO, CP_ERR_INPUT
 * (not a culprit journal, a newer format, a corrupt line), CP_ERR_NOMEM.
 */
int cp_journal_open(struct cp_journal **out, const char *dir, json_t *header,
		    struct cp_error *err);

/* True when the journal existed before cp_journal_open(). */
bool cp_journal_resumed(const struct cp_journal *j);

/* The caller's header object; borrowed, valid until close.  Never NULL. */
json_t *cp_journal_header(const struct cp_journal *j);

/* Number of records (the header not counted). */
size_t cp_journal_count(const struct cp_journal *j);

/* Record i (0 = oldest); borrowed, valid until close.  NULL past the end. */
json_t *cp_journal_get(const struct cp_journal *j, size_t i);

/*
 * Appends record (an object, borrowed) and fsyncs; once this returns 0 the
 * record survives SIGKILL and power loss.  After a write or sync error the
 * journal refuses further appends (CP_ERR_IO): what the kernel kept is
 * unknown, so the caller stops and resumes later from what is on disk.
 */
int cp_journal_append(struct cp_journal *j, json_t *record,
		      struct cp_error *err);

/* Closes the file and releases the lock.  NULL is ok. */
void cp_journal_close(struct cp_journal *j);

/* For tests: replaces fsync() on the journal file (count calls, fail). */
void cp_journal__set_sync(struct cp_journal *j, int (*sync_fn)(int fd));

#endif
