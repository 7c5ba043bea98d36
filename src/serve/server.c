/*
 * The daemon: one libmicrohttpd polling thread (so the store connection is
 * used from one thread only), routes, security headers, and POST
 * /api/jobs, which queues a job into the jobs directory the farm reads.
 */
#include "serve/serve.h"
#include "serve/internal.h"
#include "driver/job.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct server {
	const struct cp_serve_config *cfg;
	struct cp_store *st;
	unsigned long seq;
	char *jobs_dir;		/* cfg->jobs_dir resolved: the row's dir is the one bisect resolves */
	char *farm_out;		/* cfg->farm_out resolved, or NULL */
	struct srv_runner *runner;	/* --run-jobs, or NULL */
};

struct upload {
	char *buf;
	size_t len;
	int too_big;
};

static const char *get_arg(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* Digits only, no leading zero, fits: anything else is not an id (404). */
static int parse_id(const char *s, size_t n, long long *id)
{
	size_t i;

	if (!n || n > 15 || s[0] == '0')
		return -1;
	*id = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*id = *id * 10 + (s[i] - '0');
	}
	return 0;
}

/* "<40 hex>/run-<digits>.log" or "<40 hex>/build.log": the logs a bisection writes per commit. */
static int commit_log_name(const char *s)
{
	size_t i, n;

	if (strlen(s) < 50 || s[40] != '/')
		return 0;
	for (i = 0; i < 40; i++)
		if (!s[i] || !strchr("0123456789abcdef", s[i]))
			return 0;
	if (!strcmp(s + 41, "build.log"))
		return 1;
	if (strncmp(s + 41, "run-", 4))
		return 0;
	n = strspn(s + 45, "0123456789");
	return n >= 1 && n <= 6 && !strcmp(s + 45 + n, ".log");
}

static int route_get(struct server *sv, struct MHD_Connection *c, const char *url,
		     struct srv_reply *r)
{
	int api = 0;
	const char *rest, *slash;
	long long id;

	if (!strcmp(url, "/") || !strcmp(url, "/bisections"))
		return pages_list(sv->st, 0, get_arg, c, r);
	if (!strcmp(url, "/api/bisections"))
		return pages_list(sv->st, 1, get_arg, c, r);
	if (!strncmp(url, "/api/bisections/", 16)) {
		api = 1;
		rest = url + 16;
	} else if (!strncmp(url, "/bisection/", 11)) {
		rest = url + 11;
	} else {
		return srv_error(r, 404, "not found");
	}
	slash = strchr(rest, '/');
	if (parse_id(rest, slash ? (size_t)(slash - rest) : strlen(rest), &id))
		return srv_error(r, 404, "not found");
	if (!slash)
		return pages_bisection(sv->st, id, api, r);
	rest = slash + 1;
	if (!strcmp(rest, "log") || !strcmp(rest, "report.txt"))
		return pages_file(sv->st, id, rest, api, r);
	/* the directory's own layout, each name checked: commits/<sha>/{build,run-N}.log */
	if (!strncmp(rest, "commits/", 8) && commit_log_name(rest + 8))
		return pages_file(sv->st, id, rest, api, r);
	return srv_error(r, 404, "not found");
}

/* Compares in time independent of where the first difference is. */
static int token_ok(const char *want, const char *got)
{
	size_t n = strlen(want), m, i;
	unsigned char d = 0;

	if (!got)
		return 0;
	m = strlen(got);
	for (i = 0; i < n; i++)
		d |= (unsigned char)want[i] ^ (unsigned char)(i < m ? got[i] : 0);
	return !d && n == m;
}

/* The checks `culprit bisect --job` makes, so a bad job is refused now, not in the farm. */
static int check_job(json_t *obj, struct cp_error *err)
{
	struct cp_job job;
	int ret;

	cp_job_init(&job);
	ret = cp_job_from_json(obj, &job, err);
	if (!ret)
		ret = cp_job_validate(&job, err);
	cp_job_free(&job);
	return ret;
}

static int queue_job(struct server *sv, struct MHD_Connection *c, struct upload *u,
		     struct srv_reply *r)
{
	const struct cp_serve_config *cfg = sv->cfg;
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	char name[96], *path = NULL, *tmp = NULL, *out = NULL, *text = NULL;
	struct cp_error err;
	json_error_t jerr;
	long long id = 0;
	json_t *job;
	FILE *f;
	int fd;

	cp_error_clear(&err);
	if (!cfg->token)
		return srv_error(r, 403, "read-only server: start it with --token-file to accept jobs");
	if (!auth || strncmp(auth, "Bearer ", 7) || !token_ok(cfg->token, auth + 7))
		return srv_error(r, 401, "missing or wrong token");
	if (u->too_big)
		return srv_error(r, 413, "body too large");
	if (!sv->jobs_dir)
		return srv_error(r, 503, "no jobs directory: start it with --jobs-dir to queue jobs");
	job = json_loadb(u->buf ? u->buf : "", u->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(job)) {
		json_decref(job);
		return srv_error(r, 400, "the body must be a job: a JSON object (docs/job.md)");
	}
	snprintf(name, sizeof(name), "job-%lld-%d-%lu", (long long)time(NULL), (int)getpid(), ++sv->seq);
	if (asprintf(&path, "%s/%s.json", sv->jobs_dir, name) < 0 ||
	    asprintf(&tmp, "%s/.%s.json.tmp", sv->jobs_dir, name) < 0 ||
	    (sv->farm_out ? asprintf(&out, "%s/%s", sv->farm_out, name)
	     : asprintf(&out, "%s/%s.out", sv->jobs_dir, name)) < 0) {
		json_decref(job);
		free(path); free(tmp); free(out);
		return srv_error(r, 500, "out of memory");
	}
	/* the server says where results go: a posted "out" could name any directory */
	if (json_object_set_new(job, "out", json_string(out)) || check_job(job, &err)) {
		json_decref(job);
		free(path); free(tmp); free(out);
		return err.msg[0] ? srv_error(r, 400, err.msg) : srv_error(r, 500, "out of memory");
	}
	if (!(text = json_dumps(job, JSON_INDENT(2)))) {
		json_decref(job);
		free(path); free(tmp); free(out);
		return srv_error(r, 500, "out of memory");
	}
	/* tmp + rename: the farm never reads half a job */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0 || fclose(f) || rename(tmp, path)) {
		if (fd >= 0 && !f)
			close(fd);
		unlink(tmp);
		srv_error(r, 500, "cannot write the job file");
	} else if (cp_store_queue(sv->st, out, job, &id, &err)) {
		unlink(path);
		srv_error(r, 500, err.msg);
	} else if (sv->runner && srv_runner_add(sv->runner, path, out)) {
		srv_error(r, 500, "out of memory");
	} else {
		json_t *v = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "state", "queued",
				      "job_file", path, "dir", out);

		if (v)
			srv_json(r, 201, v);
		else
			srv_error(r, 500, "out of memory");
	}
	json_decref(job);
	free(text); free(path); free(tmp); free(out);
	return 0;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct srv_reply *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (!r->body)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(r->body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", r->type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	/* No script anywhere; styles inline; forms and links only to this server. */
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *data,
			      size_t *data_size, void **con_cls)
{
	struct server *sv = cls;
	struct srv_reply r = { 0 };
	struct upload *u = *con_cls;
	const char *cl;

	if (!strcmp(method, "POST")) {
		if (!u) {
			u = calloc(1, sizeof(*u));
			if (!u)
				return MHD_NO;
			*con_cls = u;
			cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
			if (cl && strtoull(cl, NULL, 10) > CP_SERVE_MAX_BODY)
				u->too_big = 1;
			return MHD_YES;
		}
		if (*data_size) {
			if (!u->too_big && u->len + *data_size <= CP_SERVE_MAX_BODY) {
				char *nb = realloc(u->buf, u->len + *data_size + 1);

				if (!nb)
					return MHD_NO;
				memcpy(nb + u->len, data, *data_size);
				u->buf = nb;
				u->len += *data_size;
			} else {
				u->too_big = 1;
			}
			*data_size = 0;
			return MHD_YES;
		}
		if (strcmp(url, "/api/jobs"))
			srv_error(&r, 404, "not found");
		else
			queue_job(sv, c, u, &r);
		return send_reply(c, &r);
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		srv_error(&r, 405, "method not allowed");
		return send_reply(c, &r);
	}
	route_get(sv, c, url, &r);
	return send_reply(c, &r);
}

static void done(void *cls, struct MHD_Connection *c, void **con_cls,
		 enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *con_cls;

	if (u) {
		free(u->buf);
		free(u);
		*con_cls = NULL;
	}
}

static int write_port(const char *path, unsigned port, struct cp_error *err)
{
	char *tmp = NULL;
	FILE *f;
	int bad;

	/* tmp + rename: a test polling the file never reads half a number */
	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return cp_error_set(err, CP_ERR_NOMEM, "serve: out of memory");
	f = fopen(tmp, "w");
	bad = !f || fprintf(f, "%u\n", port) < 0;
	if (f && fclose(f))
		bad = 1;
	if (bad || rename(tmp, path)) {
		unlink(tmp);
		free(tmp);
		return cp_error_set(err, CP_ERR_IO, "serve: cannot write %s", path);
	}
	free(tmp);
	return 0;
}

static void server_free(struct server *sv)
{
	srv_runner_free(sv->runner);
	cp_store_close(sv->st);
	free(sv->jobs_dir);
	free(sv->farm_out);
}

int cp_serve_run(const struct cp_serve_config *cfg, struct cp_error *err)
{
	struct server sv = { .cfg = cfg };
	struct sockaddr_in addr = { 0 };
	struct timespec second = { 1, 0 };
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t set, old;
	unsigned port;
	int ret;

	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)cfg->port);
	if (inet_pton(AF_INET, cfg->listen ? cfg->listen : "127.0.0.1", &addr.sin_addr) != 1)
		return cp_error_set(err, CP_ERR_USAGE, "serve: --listen takes an IPv4 address");
	if (cfg->run_jobs && !cfg->jobs_dir)
		return cp_error_set(err, CP_ERR_USAGE, "serve: --run-jobs needs --jobs-dir");
	if (cfg->farm_out && (!cfg->jobs_dir || cfg->run_jobs))
		return cp_error_set(err, CP_ERR_USAGE, "serve: --farm-out needs --jobs-dir, without --run-jobs");
	if (cfg->jobs_dir && !(sv.jobs_dir = realpath(cfg->jobs_dir, NULL)))
		return cp_error_set(err, CP_ERR_IO, "serve: --jobs-dir %s: %s", cfg->jobs_dir, strerror(errno));
	/*
	 * The farm makes its --out when it starts, maybe after the first post;
	 * made here so the queued row's dir is the absolute path its bisection
	 * will resolve, and so that row is the one the bisection updates.
	 */
	if (cfg->farm_out && ((mkdir(cfg->farm_out, 0755) && errno != EEXIST) ||
			      !(sv.farm_out = realpath(cfg->farm_out, NULL)))) {
		ret = cp_error_set(err, CP_ERR_IO, "serve: --farm-out %s: %s", cfg->farm_out, strerror(errno));
		server_free(&sv);
		return ret;
	}
	ret = cp_store_open(cfg->store, &sv.st, err);
	if (!ret && cfg->run_jobs && srv_runner_new(cfg->store, cfg->job_timeout ? cfg->job_timeout : 86400,
						    &sv.runner))
		ret = cp_error_set(err, CP_ERR_NOMEM, "serve: out of memory");
	if (ret) {
		server_free(&sv);
		return ret;
	}
	/* The daemon's thread inherits the mask, so only sigtimedwait() below sees the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, (uint16_t)cfg->port,
			     NULL, NULL, handle, &sv,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
			     MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
			     MHD_OPTION_END);
	if (!d) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		server_free(&sv);
		return cp_error_set(err, CP_ERR_IO, "serve: cannot listen on %s:%u",
				    cfg->listen ? cfg->listen : "127.0.0.1", cfg->port);
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = info ? info->port : cfg->port;
	fprintf(stderr, "culprit serve: http://%s:%u/ (store %s, %s)\n",
		cfg->listen ? cfg->listen : "127.0.0.1", port, cfg->store,
		!cfg->token ? "read-only" : sv.runner ? "jobs accepted with the token and run here"
		: "jobs accepted with the token");
	if (cfg->port_file && (ret = write_port(cfg->port_file, port, err))) {
		MHD_stop_daemon(d);
		server_free(&sv);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return ret;
	}
	/* a tick a second runs the job runner; a signal ends the loop */
	for (;;) {
		if (sigtimedwait(&set, NULL, &second) >= 0)
			break;
		if (errno != EAGAIN && errno != EINTR)
			break;
		if (sv.runner)
			srv_runner_tick(sv.runner);
	}
	MHD_stop_daemon(d);
	server_free(&sv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}
