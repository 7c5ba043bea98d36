/*
 * Running posted jobs when no farm takes them (culprit serve --run-jobs):
 * one `culprit bisect --job FILE --store STORE` at a time, in its own
 * process group with the job timeout, in the order they were posted.  The
 * child keeps its row current itself (--store); the runner only marks a
 * job failed that could not start or that it had to kill, and on shutdown
 * stops the running one (SIGTERM, so it journals and ends "interrupted").
 */
#include "serve/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct pending {
	char *job_file, *out, *log;
	struct pending *next;
};

struct srv_runner {
	const char *store;
	unsigned timeout_s;
	pthread_mutex_t lock;
	struct pending *head, **tail;
	pid_t pid;		/* the running child, or 0 */
	struct pending *cur;
	time_t started;
	int term_sent;
};

int srv_runner_new(const char *store, unsigned timeout_s, struct srv_runner **out)
{
	struct srv_runner *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return CP_ERR_NOMEM;
	r->store = store;
	r->timeout_s = timeout_s;
	r->tail = &r->head;
	pthread_mutex_init(&r->lock, NULL);
	*out = r;
	return 0;
}

static void pending_free(struct pending *p)
{
	if (!p)
		return;
	free(p->job_file);
	free(p->out);
	free(p->log);
	free(p);
}

int srv_runner_add(struct srv_runner *r, const char *job_file, const char *out)
{
	struct pending *p = calloc(1, sizeof(*p));

	if (!p || !(p->job_file = strdup(job_file)) || !(p->out = strdup(out)) ||
	    asprintf(&p->log, "%s.log", out) < 0) {
		if (p)
			p->log = NULL;
		pending_free(p);
		return CP_ERR_NOMEM;
	}
	pthread_mutex_lock(&r->lock);
	*r->tail = p;
	r->tail = &p->next;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

static void mark_failed(struct srv_runner *r, const char *dir, const char *why)
{
	struct cp_store *st;
	struct cp_error err;

	fprintf(stderr, "culprit serve: job %s: %s\n", dir, why);
	if (cp_store_open(r->store, &st, &err))
		return;
	cp_store_set_state(st, dir, "failed", &err);
	cp_store_close(st);
}

static void start_next(struct srv_runner *r)
{
	char self[4096];
	struct pending *p;
	ssize_t n;
	int fd;

	pthread_mutex_lock(&r->lock);
	p = r->head;
	if (p) {
		r->head = p->next;
		if (!r->head)
			r->tail = &r->head;
	}
	pthread_mutex_unlock(&r->lock);
	if (!p)
		return;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		mark_failed(r, p->out, "cannot find the culprit program");
		pending_free(p);
		return;
	}
	self[n] = '\0';
	r->pid = fork();
	if (r->pid == 0) {
		const char *argv[] = { self, "bisect", "--job", p->job_file, "--store", r->store, NULL };
		sigset_t none;

		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			dup2(fd, 0);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	if (r->pid < 0) {
		r->pid = 0;
		mark_failed(r, p->out, "cannot fork");
		pending_free(p);
		return;
	}
	setpgid(r->pid, r->pid);
	r->cur = p;
	r->started = time(NULL);
	r->term_sent = 0;
}

void srv_runner_tick(struct srv_runner *r)
{
	int status;

	if (r->pid) {
		pid_t w = waitpid(r->pid, &status, WNOHANG);

		if (w == r->pid) {
			/* exit 127: exec failed, so the child never wrote its row */
			if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
				mark_failed(r, r->cur->out, "culprit bisect could not be started");
			else if (r->term_sent)
				mark_failed(r, r->cur->out, "killed after the job timeout");
			pending_free(r->cur);
			r->cur = NULL;
			r->pid = 0;
		} else if (!r->term_sent && time(NULL) - r->started >= (time_t)r->timeout_s) {
			kill(-r->pid, SIGTERM);
			r->term_sent = 1;
			r->started = time(NULL);
		} else if (r->term_sent && time(NULL) - r->started >= 10) {
			kill(-r->pid, SIGKILL);
		}
	}
	if (!r->pid)
		start_next(r);
}

void srv_runner_free(struct srv_runner *r)
{
	struct pending *p, *next;
	int status, i;

	if (!r)
		return;
	if (r->pid) {
		/* SIGTERM first: bisect journals what it has and ends its row "interrupted" */
		kill(-r->pid, SIGTERM);
		for (i = 0; i < 100 && waitpid(r->pid, &status, WNOHANG) == 0; i++)
			usleep(100000);
		if (i == 100) {
			kill(-r->pid, SIGKILL);
			waitpid(r->pid, &status, 0);
		}
		pending_free(r->cur);
	}
	for (p = r->head; p; p = next) {
		next = p->next;
		pending_free(p);
	}
	pthread_mutex_destroy(&r->lock);
	free(r);
}
