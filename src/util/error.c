#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cp_error_clear(struct cp_error *err)
{
	if (!err)
		return;
	err->code = CP_OK;
	err->msg[0] = '\0';
}

static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

int cp_error_set(struct cp_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	one_line(err->msg);
	return code;
}

int cp_error_prefix(struct cp_error *err, const char *fmt, ...)
{
	char prefix[512];
	char old[sizeof(err->msg)];
	size_t room, len;
	va_list ap;
	int n;

	if (!err)
		return CP_ERR_INTERNAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Truncation is fine: the message is for people. */
	n = snprintf(err->msg, sizeof(err->msg), "%s: ", prefix);
	if (n > 0 && (size_t)n < sizeof(err->msg)) {
		room = sizeof(err->msg) - (size_t)n - 1;
		len = strlen(old);
		if (len > room)
			len = room;
		memcpy(err->msg + n, old, len);
		err->msg[(size_t)n + len] = '\0';
	}
	one_line(err->msg);
	return err->code;
}

static const struct {
	int status;
	int exit_code;
	const char *name;
} status_table[] = {
	{ CP_OK, 0, "ok" },
	{ CP_ERR_INTERNAL, 1, "internal" },
	{ CP_ERR_NOMEM, 1, "out-of-memory" },
	{ CP_ERR_USAGE, 2, "usage" },
	{ CP_ERR_NOT_REPO, 3, "not-a-repository" },
	{ CP_ERR_BAD_REV, 4, "unknown-revision" },
	{ CP_ERR_NOT_COMMIT, 5, "not-a-commit" },
	{ CP_ERR_RANGE, 6, "bad-range" },
	{ CP_ERR_REPO_CORRUPT, 7, "repository-corrupt" },
	{ CP_ERR_MERGE_BASE_BAD, 8, "merge-base-bad" },
	{ CP_ERR_IO, 9, "io" },
	{ CP_ERR_JOB, 10, "bad-job" },
	{ CP_ERR_CHILD, 11, "child-failed" },
	{ CP_ERR_NO_REPRO, 12, "does-not-reproduce" },
	{ CP_ERR_LOCKED, 13, "locked" },
	{ CP_ERR_INTERRUPTED, 14, "interrupted" },
	{ CP_ERR_INPUT, 15, "bad-input" },
	{ CP_ERR_UNCERTAIN, 16, "uncertain" },
	{ CP_ERR_STORE, 17, "store" },
	{ CP_ERR_FARM, 18, "farm" },
	{ CP_ERR_EXECUTOR, 19, "executor" },
};

int cp_exit_code(int status)
{
	size_t i;

	for (i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
		if (status_table[i].status == status)
			return status_table[i].exit_code;
	return 1;
}

const char *cp_status_name(int status)
{
	size_t i;

	for (i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
		if (status_table[i].status == status)
			return status_table[i].name;
	return "unknown";
}
