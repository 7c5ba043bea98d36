/*
 * Judging a finished child: the `git bisect run` verdict for tests that
 * report through their exit status, and the outcome line of the log.
 * Pure functions: no I/O, no clock.
 */
#include "run/exec.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool crash_signal(int sig)
{
	switch (sig) {
	case SIGSEGV:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGILL:
	case SIGTRAP:
	case SIGSYS:
		return true;
	default:
		return false;
	}
}

/* The crash signal a child died of, directly or as a shell's 128+n. */
static int crashed_with(const struct cp_run_status *st)
{
	if (st->exit_code < 0 && crash_signal(st->signal))
		return st->signal;
	if (st->exit_code > 128 && crash_signal(st->exit_code - 128))
		return st->exit_code - 128;
	return 0;
}

static bool runner_trouble(const struct cp_run_status *st)
{
	return st->failure[0] || st->cancelled || st->timed_out;
}

enum cp_run_verdict cp_run_exit_verdict(const struct cp_run_status *st)
{
	if (runner_trouble(st))
		return CP_VERDICT_ABORT;
	if (crashed_with(st))
		return CP_VERDICT_BAD;
	if (st->exit_code == 0)
		return CP_VERDICT_GOOD;
	if (st->exit_code == 125)
		return CP_VERDICT_SKIP;
	if (st->exit_code > 0 && st->exit_code < 128)
		return CP_VERDICT_BAD;
	return CP_VERDICT_ABORT;
}

const char *cp_run_verdict_name(enum cp_run_verdict v)
{
	switch (v) {
	case CP_VERDICT_GOOD:
		return "good";
	case CP_VERDICT_BAD:
		return "bad";
	case CP_VERDICT_SKIP:
		return "skip";
	case CP_VERDICT_ABORT:
		break;
	}
	return "abort";
}

static const char *signal_name(int sig)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {
		{ SIGSEGV, "SIGSEGV" }, { SIGABRT, "SIGABRT" },
		{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" },
		{ SIGILL, "SIGILL" }, { SIGTRAP, "SIGTRAP" },
		{ SIGSYS, "SIGSYS" }, { SIGKILL, "SIGKILL" },
		{ SIGTERM, "SIGTERM" }, { SIGINT, "SIGINT" },
		{ SIGHUP, "SIGHUP" }, { SIGPIPE, "SIGPIPE" },
		{ SIGQUIT, "SIGQUIT" }, { SIGALRM, "SIGALRM" },
		{ SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" },
		{ SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return NULL;
}

static void put(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (size == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

/* "infra problem: <why>" for a runner failure, cancel or timeout. */
static enum cp_run_outcome infra(const char *step, const struct cp_run_status *st,
				 char *buf, size_t size)
{
	if (st->failure[0])
		put(buf, size, "infra problem: %s", st->failure);
	else if (st->cancelled)
		put(buf, size, "infra problem: %s cancelled", step);
	else
		put(buf, size, "infra problem: %s timed out", step);
	return CP_OUTCOME_INFRA;
}

void cp_run_status_from_error(struct cp_run_status *st,
			      const struct cp_error *err)
{
	memset(st, 0, sizeof(*st));
	st->exit_code = -1;
	snprintf(st->failure, sizeof(st->failure), "%.*s",
		 (int)sizeof(st->failure) - 1,
		 err && err->msg[0] ? err->msg : "the runner failed");
}

enum cp_run_outcome cp_run_classify(enum cp_run_step step,
				    const struct cp_run_status *st,
				    const char *crash_title,
				    char *buf, size_t size)
{
	const char *name;
	int sig;

	if (step == CP_STEP_BUILD) {
		if (runner_trouble(st))
			return infra("build", st, buf, size);
		if (st->exit_code == 0) {
			put(buf, size, "OK");
			return CP_OUTCOME_OK;
		}
		put(buf, size, "build failed");
		return CP_OUTCOME_BUILD_FAILED;
	}
	if (crash_title && *crash_title) {
		put(buf, size, "crashed: %s", crash_title);
		return CP_OUTCOME_CRASHED;
	}
	if (runner_trouble(st))
		return infra("test", st, buf, size);
	sig = crashed_with(st);
	if (sig) {
		name = signal_name(sig);
		if (name)
			put(buf, size, "crashed: fatal signal %s", name);
		else
			put(buf, size, "crashed: fatal signal %d", sig);
		return CP_OUTCOME_CRASHED;
	}
	if (st->exit_code == 126 || st->exit_code == 127) {
		put(buf, size,
		    "infra problem: test command could not run (exit status %d)",
		    st->exit_code);
		return CP_OUTCOME_INFRA;
	}
	put(buf, size, "OK");
	return CP_OUTCOME_OK;
}
