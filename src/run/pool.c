/*
 * The pool: up to N children at once, one poll() loop over their output
 * pipes, their pidfds (exit) and a wake pipe (cancel), with per-child
 * deadlines for the timeout, the SIGTERM->SIGKILL grace and the final drain.
 *
 * A child's life: RUNNING --timeout/cancel--> TERMINATING (SIGTERM sent)
 * --grace--> SIGKILL.  When the leader exits, the rest of its group gets
 * SIGKILL (before the leader is reaped, so the pgid cannot be reused) and
 * the child DRAINS its pipes until EOF or a short drain limit, then is DONE
 * and returned by cp_run_wait().  What the pipes carry goes to the child's
 * struct cp_output (output.c).
 */
#include "run/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DRAIN_NS (1000ULL * 1000 * 1000)	/* after the leader exited */
#define NO_PIDFD_TICK_MS 20			/* fallback without pidfds */
#define READ_CHUNK (64 * 1024)
#define READS_PER_WAKE 16

enum slot_state {
	SLOT_FREE,
	SLOT_RUNNING,
	SLOT_DRAINING,
	SLOT_DONE,
};

struct slot {
	enum slot_state state;
	int id;
	pid_t pid;		/* also the process group id */
	int pidfd;		/* -1 when unavailable or reaped */
	int out_r, err_r;	/* pipe read ends, -1 after EOF */
	struct cp_output output;
	uint64_t start_ns, end_ns;
	uint64_t deadline_ns;	/* timeout, 0 when none */
	uint64_t kill_ns;	/* SIGKILL after SIGTERM, 0 when not armed */
	uint64_t drain_ns;	/* give up on the pipes, when DRAINING */
	uint64_t grace_ns;
	bool terminated;	/* SIGTERM already sent */
	struct cp_run_status st;
};

struct cp_run_pool {
	unsigned max;
	unsigned running;
	int next_id;
	struct slot *slots;
	struct pollfd *pfds;
	int wake[2];
	volatile sig_atomic_t cancel;
	bool use_pidfd;		/* else poll waitid() every NO_PIDFD_TICK_MS */
	struct cp_watchdog watchdog;
	char buf[READ_CHUNK];
};

uint64_t cp_run__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void slot_clear(struct slot *s)
{
	close_fd(&s->pidfd);
	close_fd(&s->out_r);
	close_fd(&s->err_r);
	cp_output__dispose(&s->output);
	memset(s, 0, sizeof(*s));
	s->state = SLOT_FREE;
	s->pidfd = s->out_r = s->err_r = -1;
	s->output.out_file = s->output.err_file = -1;
}

int cp_run_pool_new(struct cp_run_pool **out, unsigned max_jobs,
		    struct cp_error *err)
{
	struct cp_run_pool *pool;
	unsigned i;
	int ret;

	*out = NULL;
	if (max_jobs == 0 || max_jobs > 4096)
		return cp_error_set(err, CP_ERR_USAGE,
				    "jobs must be between 1 and 4096, not %u",
				    max_jobs);
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	pool->wake[0] = pool->wake[1] = -1;
	pool->watchdog.pid = -1;
	pool->watchdog.fd = -1;
	pool->max = max_jobs;
	pool->next_id = 1;
	/* For tests of the fallback for kernels without pidfds (< 5.3). */
	pool->use_pidfd = !getenv("CULPRIT_NO_PIDFD");
	pool->slots = calloc(max_jobs, sizeof(*pool->slots));
	pool->pfds = calloc(1 + 3 * (size_t)max_jobs, sizeof(*pool->pfds));
	if (!pool->slots || !pool->pfds) {
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < max_jobs; i++) {
		struct slot *s = &pool->slots[i];

		s->pidfd = s->out_r = s->err_r = -1;
		s->output.out_file = s->output.err_file = -1;
	}
	if (pipe2(pool->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		ret = cp_error_set(err, CP_ERR_CHILD, "pipe: %s", strerror(errno));
		goto fail;
	}
	ret = cp_watchdog__start(&pool->watchdog, max_jobs, err);
	if (ret)
		goto fail;
	*out = pool;
	return 0;
fail:
	close_fd(&pool->wake[0]);
	close_fd(&pool->wake[1]);
	free(pool->slots);
	free(pool->pfds);
	free(pool);
	return ret;
}

unsigned cp_run_running(const struct cp_run_pool *pool)
{
	return pool ? pool->running : 0;
}

void cp_run_pool_cancel(struct cp_run_pool *pool)
{
	int saved = errno;
	ssize_t r;

	if (!pool)
		return;
	pool->cancel = 1;
	r = write(pool->wake[1], "c", 1);
	(void)r;	/* a full pipe already wakes the loop */
	errno = saved;
}

bool cp_run_pool_cancelled(const struct cp_run_pool *pool)
{
	return pool && pool->cancel;
}


/*
 * Signals the child's process group, and the child itself in case it left
 * the group.  Only called before the child is reaped, so the pid is ours.
 */
static void send_group(struct slot *s, int sig)
{
	kill(-s->pid, sig);
	kill(s->pid, sig);
}

/* SIGTERM now, SIGKILL after the grace. */
static void slot_terminate(struct slot *s, uint64_t now)
{
	if (s->state != SLOT_RUNNING || s->terminated)
		return;
	s->terminated = true;
	send_group(s, SIGTERM);
	s->kill_ns = now + s->grace_ns;
}

int cp_run_start(struct cp_run_pool *pool, const struct cp_run_spec *spec,
		 int *id_out, struct cp_error *err)
{
	struct slot *s = NULL;
	int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
	bool merged;
	unsigned i;
	pid_t pid;
	int ret;

	if (!spec || (!spec->shell && (!spec->argv || !spec->argv[0])))
		return cp_error_set(err, CP_ERR_USAGE,
				    "nothing to run: empty command");
	for (i = 0; i < pool->max && !s; i++)
		if (pool->slots[i].state == SLOT_FREE)
			s = &pool->slots[i];
	if (!s)
		return cp_error_set(err, CP_ERR_USAGE,
				    "all %u job slots are busy", pool->max);

	ret = cp_output__open(&s->output, spec, err);
	if (ret)
		goto fail;
	/* Both streams to one file: one pipe, so the file keeps the child's
	 * order, as 2>&1 would. */
	merged = s->output.out_file >= 0 &&
		 s->output.out_file == s->output.err_file;
	if (pipe2(out_pipe, O_CLOEXEC) < 0 ||
	    (!merged && pipe2(err_pipe, O_CLOEXEC) < 0)) {
		ret = cp_error_set(err, CP_ERR_CHILD, "pipe: %s",
				   strerror(errno));
		goto fail;
	}
	s->start_ns = cp_run__now_ns();
	ret = cp_run__spawn(spec, out_pipe[1],
			    merged ? out_pipe[1] : err_pipe[1], &pool->watchdog,
			    &pid, err);
	if (ret)
		goto fail;
	close_fd(&out_pipe[1]);
	close_fd(&err_pipe[1]);
	fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
	if (err_pipe[0] >= 0)
		fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
	s->out_r = out_pipe[0];
	s->err_r = err_pipe[0];
	s->pid = pid;
	/* -1 (no pidfds here): the wait loop polls waitid() instead. */
	s->pidfd = pool->use_pidfd ? pidfd_open(pid, 0) : -1;
	s->id = pool->next_id++;
	s->state = SLOT_RUNNING;
	s->grace_ns = (spec->grace_ms ? spec->grace_ms :
		       CP_RUN_GRACE_MS_DEFAULT) * 1000000ULL;
	s->deadline_ns = spec->timeout_ms ?
		s->start_ns + spec->timeout_ms * 1000000ULL : 0;
	s->st.exit_code = -1;
	pool->running++;
	if (id_out)
		*id_out = s->id;
	return 0;
fail:
	close_fd(&out_pipe[0]);
	close_fd(&out_pipe[1]);
	close_fd(&err_pipe[0]);
	close_fd(&err_pipe[1]);
	slot_clear(s);
	return ret;
}

static void note_failure(struct slot *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Keeps the first runner failure of a child. */
static void note_failure(struct slot *s, const char *fmt, ...)
{
	va_list ap;

	if (s->st.failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->st.failure, sizeof(s->st.failure), fmt, ap);
	va_end(ap);
}

/* Reads what is there; closes the pipe on EOF. */
static void slot_read(struct cp_run_pool *pool, struct slot *s, bool is_err)
{
	int *fd = is_err ? &s->err_r : &s->out_r;
	ssize_t r;
	int i;

	for (i = 0; i < READS_PER_WAKE && *fd >= 0; i++) {
		r = read(*fd, pool->buf, sizeof(pool->buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			if (r < 0)
				note_failure(s, "reading the output: %s",
					     strerror(errno));
			close_fd(fd);
			return;
		}
		cp_output__take(&s->output, is_err, pool->buf, (size_t)r);
	}
}

/*
 * Returns true when the leader exited (and now is reaped).  The rest of
 * its group is SIGKILLed first, while the zombie still holds the pgid.
 */
static bool slot_try_reap(struct cp_run_pool *pool, struct slot *s)
{
	siginfo_t si;
	int status;
	pid_t r;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)s->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0) {
		if (errno != ECHILD)
			return false;
		/* Someone else's waitpid(-1) took it: the pid is no longer
		 * ours to signal. */
		s->end_ns = cp_run__now_ns();
		cp_watchdog__remove(&pool->watchdog, s->pid);
		note_failure(s, "the child was reaped elsewhere");
		close_fd(&s->pidfd);
		s->state = SLOT_DRAINING;
		s->drain_ns = s->end_ns + DRAIN_NS;
		return true;
	}
	if (si.si_pid != s->pid)
		return false;
	s->end_ns = cp_run__now_ns();
	send_group(s, SIGKILL);
	cp_watchdog__remove(&pool->watchdog, s->pid);
	do
		r = waitpid(s->pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r == s->pid) {
		if (WIFEXITED(status)) {
			s->st.exit_code = WEXITSTATUS(status);
			s->st.signal = 0;
		} else if (WIFSIGNALED(status)) {
			s->st.exit_code = -1;
			s->st.signal = WTERMSIG(status);
		}
	} else {
		note_failure(s, "waiting for the child: %s", strerror(errno));
	}
	close_fd(&s->pidfd);
	s->state = SLOT_DRAINING;
	s->drain_ns = s->end_ns + DRAIN_NS;
	return true;
}

/* Applies deadlines; returns the nearest future one (0 when none). */
static uint64_t slot_timers(struct slot *s, uint64_t now)
{
	uint64_t next = 0;

	if (s->state == SLOT_RUNNING) {
		if (s->deadline_ns && now >= s->deadline_ns && !s->terminated) {
			s->st.timed_out = true;
			slot_terminate(s, now);
		}
		if (s->kill_ns && now >= s->kill_ns) {
			send_group(s, SIGKILL);
			s->kill_ns = 0;
		}
		if (s->deadline_ns && !s->terminated)
			next = s->deadline_ns;
		if (s->kill_ns && (!next || s->kill_ns < next))
			next = s->kill_ns;
	}
	if (s->state == SLOT_DRAINING) {
		if (s->out_r < 0 && s->err_r < 0) {
			s->state = SLOT_DONE;
		} else if (now >= s->drain_ns) {
			/* Something outside the group holds the pipes. */
			close_fd(&s->out_r);
			close_fd(&s->err_r);
			s->state = SLOT_DONE;
		} else {
			next = s->drain_ns;
		}
	}
	return next;
}

static int slot_finish(struct slot *s, struct cp_run_result *res,
		       struct cp_error *err)
{
	int ret;

	memset(res, 0, sizeof(*res));
	ret = cp_output__result(&s->output, res);
	if (ret)
		return cp_error_set(err, ret, "out of memory");
	res->id = s->id;
	res->pid = s->pid;
	res->status = s->st;
	if (!res->status.failure[0] && s->output.failure[0])
		memcpy(res->status.failure, s->output.failure,
		       sizeof(res->status.failure));
	res->duration_ns = s->end_ns - s->start_ns;
	slot_clear(s);
	return 0;
}

static void apply_cancel(struct cp_run_pool *pool, uint64_t now)
{
	unsigned i;

	for (i = 0; i < pool->max; i++) {
		struct slot *s = &pool->slots[i];

		if (s->state == SLOT_RUNNING && !s->st.cancelled) {
			s->st.cancelled = true;
			slot_terminate(s, now);
		}
	}
}

static void drain_wake(struct cp_run_pool *pool)
{
	char b[64];

	while (read(pool->wake[0], b, sizeof(b)) > 0)
		;
}

static int poll_timeout(uint64_t next, uint64_t now, bool tick)
{
	uint64_t ms;
	int t = -1;

	if (next) {
		ms = next > now ? (next - now + 999999) / 1000000 : 0;
		t = ms > 60000 ? 60000 : (int)ms;
	}
	if (tick && (t < 0 || t > NO_PIDFD_TICK_MS))
		t = NO_PIDFD_TICK_MS;
	return t;
}

int cp_run_wait(struct cp_run_pool *pool, struct cp_run_result *res,
		struct cp_error *err)
{
	unsigned i, n;
	uint64_t now, next, t;
	bool tick;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!pool || pool->running == 0)
		return cp_error_set(err, CP_ERR_USAGE, "no child is running");
	for (;;) {
		now = cp_run__now_ns();
		if (pool->cancel)
			apply_cancel(pool, now);
		next = 0;
		tick = false;
		for (i = 0; i < pool->max; i++) {
			struct slot *s = &pool->slots[i];

			if (s->state == SLOT_RUNNING && s->pidfd < 0)
				slot_try_reap(pool, s);
			t = slot_timers(s, now);
			if (t && (!next || t < next))
				next = t;
			if (s->state == SLOT_RUNNING && s->pidfd < 0)
				tick = true;
		}
		for (i = 0; i < pool->max; i++)
			if (pool->slots[i].state == SLOT_DONE) {
				/* On failure the slot stays DONE for a retry. */
				ret = slot_finish(&pool->slots[i], res, err);
				if (!ret)
					pool->running--;
				return ret;
			}

		n = 0;
		pool->pfds[n++] = (struct pollfd){ pool->wake[0], POLLIN, 0 };
		for (i = 0; i < pool->max; i++) {
			struct slot *s = &pool->slots[i];

			if (s->state == SLOT_FREE)
				continue;
			if (s->state == SLOT_RUNNING && s->pidfd >= 0)
				pool->pfds[n++] = (struct pollfd){ s->pidfd, POLLIN, 0 };
			if (s->out_r >= 0)
				pool->pfds[n++] = (struct pollfd){ s->out_r, POLLIN, 0 };
			if (s->err_r >= 0)
				pool->pfds[n++] = (struct pollfd){ s->err_r, POLLIN, 0 };
		}
		if (poll(pool->pfds, n, poll_timeout(next, now, tick)) < 0) {
			if (errno == EINTR)
				continue;
			return cp_error_set(err, CP_ERR_CHILD, "poll: %s",
					    strerror(errno));
		}
		if (pool->pfds[0].revents)
			drain_wake(pool);
		/* Output first, so a child's last words precede its exit. */
		for (i = 0; i < pool->max; i++) {
			struct slot *s = &pool->slots[i];

			if (s->state == SLOT_FREE)
				continue;
			if (s->out_r >= 0)
				slot_read(pool, s, false);
			if (s->err_r >= 0)
				slot_read(pool, s, true);
		}
		for (i = 0; i < pool->max; i++) {
			struct slot *s = &pool->slots[i];

			if (s->state == SLOT_RUNNING && s->pidfd >= 0)
				slot_try_reap(pool, s);
		}
	}
}

void cp_run_result_dispose(struct cp_run_result *res)
{
	if (!res)
		return;
	free(res->tail);
	res->tail = NULL;
	res->tail_len = 0;
}

/* Last resort when waiting fails: SIGKILL and reap, blocking. */
static void hard_reap(struct cp_run_pool *pool)
{
	unsigned i;

	for (i = 0; i < pool->max; i++) {
		struct slot *s = &pool->slots[i];

		if (s->state == SLOT_FREE)
			continue;
		if (s->state == SLOT_RUNNING) {
			send_group(s, SIGKILL);
			while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
				;
			cp_watchdog__remove(&pool->watchdog, s->pid);
		}
		slot_clear(s);
	}
	pool->running = 0;
}

void cp_run_kill_all(struct cp_run_pool *pool)
{
	struct cp_run_result res;
	uint64_t now;
	unsigned i;

	if (!pool)
		return;
	now = cp_run__now_ns();
	for (i = 0; i < pool->max; i++)
		slot_terminate(&pool->slots[i], now);
	while (pool->running > 0) {
		if (cp_run_wait(pool, &res, NULL)) {
			hard_reap(pool);
			break;
		}
		cp_run_result_dispose(&res);
	}
}

void cp_run_pool_free(struct cp_run_pool *pool)
{
	if (!pool)
		return;
	cp_run_kill_all(pool);
	cp_watchdog__stop(&pool->watchdog);
	close_fd(&pool->wake[0]);
	close_fd(&pool->wake[1]);
	free(pool->slots);
	free(pool->pfds);
	free(pool);
}

int cp_run_one(const struct cp_run_spec *spec, struct cp_run_result *res,
	       struct cp_error *err)
{
	struct cp_run_pool *pool;
	int ret;

	memset(res, 0, sizeof(*res));
	ret = cp_run_pool_new(&pool, 1, err);
	if (ret)
		return ret;
	ret = cp_run_start(pool, spec, NULL, err);
	if (!ret)
		ret = cp_run_wait(pool, res, err);
	cp_run_pool_free(pool);
	return ret;
}
