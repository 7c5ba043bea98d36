/*
 * The mail of a finished bisection, in the style of syzbot's ("syzbot has
 * bisected this issue to: commit ..."): an RFC 5322 message addressed to
 * the recipients output/recipients.h computes (To and Cc), with the
 * culprit, the crash title, confidence and flags, links, the crash report
 * and the bisection log.  Mail whose confidence is below a threshold, that
 * has no culprit or no recipient is held (not written, the reason said).
 *
 * compose.c builds the message; deliver.c appends it to an mbox file
 * (mboxrd quoting, under a lock) or pipes it to a sendmail-compatible
 * program (argv, timeout, killed with its process group).
 */
#ifndef CULPRIT_MAIL_MAIL_H
#define CULPRIT_MAIL_MAIL_H

#include <stddef.h>
#include <time.h>

#include "util/error.h"

struct cp_mail_options {
	const char *from;	/* NULL: "culprit <culprit@localhost>" */
	const char *url;	/* base URL of `culprit serve` for links, or NULL */
	long long store_id;	/* the bisection's id there, or 0 */
	double hold_below;	/* 0..1: hold when the confidence is lower */
	time_t date;		/* 0: now */
};

/*
 * The message for out_dir in *msg (malloc'd, CRLF-free text with LF line
 * ends, headers first), or *msg NULL and *held a reason (static or in
 * held_buf) when it is held.  CP_ERR_IO / CP_ERR_INPUT from reading the
 * directory.
 */
int cp_mail_compose(const char *out_dir, const struct cp_mail_options *o, char **msg,
		    char *held, size_t held_size, struct cp_error *err);

/* Appends msg to the mbox file path (created 0600), "From " lines quoted. */
int cp_mail_to_mbox(const char *path, const char *msg, time_t date, struct cp_error *err);

/*
 * Pipes msg to argv (argv[0] looked up in PATH; e.g. sendmail -t -oi),
 * killing its process group after timeout_s.  CP_ERR_CHILD when it cannot
 * run, times out or exits non-zero.
 */
int cp_mail_to_command(const char *const *argv, unsigned timeout_s, const char *msg,
		       struct cp_error *err);

#endif
