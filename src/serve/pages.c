/*
 * The pages of `culprit serve`: the list of bisections (HTML with a filter
 * form, or JSON), one bisection (today's index.html page and picture with
 * a bar of links on top, refreshing itself while the bisection runs), and
 * its logs as text.
 */
#include "serve/internal.h"
#include "output/html.h"
#include "output/report.h"
#include "output/summary.h"
#include "vcs/vcs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Logs larger than this are cut (the tail of a log is in the file itself). */
enum { MAX_LOG = 16 * 1024 * 1024, REFRESH_S = 5 };

static const char list_style[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222}"
	"table{border-collapse:collapse}td,th{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:left}"
	"tr.running td{background:#fff8e0}tr.failed td,tr.interrupted td{background:#fdecec}"
	"code{font-size:90%}form{margin-bottom:1em}";

static void esc(FILE *o, const char *s)
{
	if (s)
		cp_html_escape(o, s, strlen(s));
}

static int take_memstream(FILE *o, char **buf, size_t *len, struct srv_reply *r,
			  const char *type)
{
	if (fclose(o) || !*buf) {
		free(*buf);
		return srv_error(r, 500, "out of memory");
	}
	r->status = 200;
	r->type = type;
	r->body = *buf;
	r->len = *len;
	return 0;
}

static void when(FILE *o, json_t *t)
{
	char buf[64];
	time_t s;
	struct tm tm;

	if (!json_is_number(t)) {
		fputs("-", o);
		return;
	}
	s = (time_t)json_number_value(t);
	gmtime_r(&s, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fputs(buf, o);
}

static int parse_size(const char *s, size_t max, size_t *out)
{
	char *end;
	unsigned long long v;

	if (!s)
		return 0;
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > max)
		return -1;
	*out = (size_t)v;
	return 0;
}

static void option(FILE *o, const char *value, const char *current)
{
	fprintf(o, "<option value=\"%s\"%s>%s</option>", value,
		current && !strcmp(current, value) ? " selected" : "", *value ? value : "any state");
}

/* s percent-encoded for a query string (then safe in an attribute too). */
static void url_encode(FILE *o, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-_.~", c))
			fputc(c, o);
		else
			fprintf(o, "%%%02X", c);
	}
}

/* A link to another page of the same filtered list. */
static void page_link(FILE *o, const struct cp_store_filter *f, size_t offset, const char *rel,
		      const char *text)
{
	fprintf(o, "<a rel=\"%s\" href=\"/?offset=%zu&amp;limit=%zu", rel, offset, f->limit);
	if (f->state) {
		fputs("&amp;state=", o);
		url_encode(o, f->state);
	}
	if (f->title) {
		fputs("&amp;title=", o);
		url_encode(o, f->title);
	}
	if (f->repo) {
		fputs("&amp;repo=", o);
		url_encode(o, f->repo);
	}
	fprintf(o, "%s\">%s</a> ", f->oldest_first ? "&amp;sort=oldest" : "", text);
}

int pages_list(struct cp_store *st, int api, srv_arg_fn arg, void *ctx, struct srv_reply *r)
{
	struct cp_store_filter f = { 0 };
	struct cp_error err;
	const char *sort = arg(ctx, "sort");
	json_t *rows = NULL, *row;
	size_t total = 0, i;
	char *buf = NULL;
	size_t len = 0;
	int running = 0;
	FILE *o;

	cp_error_clear(&err);
	f.state = arg(ctx, "state");
	f.title = arg(ctx, "title");
	f.repo = arg(ctx, "repo");
	if (f.state && !*f.state)
		f.state = NULL;
	if (f.title && !*f.title)
		f.title = NULL;
	if (f.repo && !*f.repo)
		f.repo = NULL;
	if (f.state && !cp_store_state_valid(f.state))
		return srv_error(r, 400, "state: one of queued, running, done, failed, interrupted");
	if (sort && *sort && strcmp(sort, "newest") && strcmp(sort, "oldest"))
		return srv_error(r, 400, "sort: newest or oldest");
	f.oldest_first = sort && !strcmp(sort, "oldest");
	f.limit = 100;
	if (parse_size(arg(ctx, "limit"), 1000, &f.limit) || !f.limit)
		return srv_error(r, 400, "limit: a number from 1 to 1000");
	if (parse_size(arg(ctx, "offset"), 100000000, &f.offset))
		return srv_error(r, 400, "offset: a number");
	if (cp_store_list(st, &f, &rows, &total, &err))
		return srv_error(r, 500, err.msg);
	if (api) {
		json_t *v = json_pack("{s:I,s:o}", "total", (json_int_t)total, "bisections", rows);

		return v ? srv_json(r, 200, v) : srv_error(r, 500, "out of memory");
	}
	o = open_memstream(&buf, &len);
	if (!o) {
		json_decref(rows);
		return srv_error(r, 500, "out of memory");
	}
	json_array_foreach(rows, i, row)
		if (!strcmp(json_string_value(json_object_get(row, "state")) ?: "", "running"))
			running = 1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n", o);
	if (running)
		fprintf(o, "<meta http-equiv=\"refresh\" content=\"%d\">\n", REFRESH_S);
	fprintf(o, "<title>culprit: bisections</title>\n<style>%s</style></head>\n<body>\n"
		"<h1>Bisections</h1>\n<form id=\"filter\" method=\"get\" action=\"/\">"
		"<select name=\"state\">", list_style);
	option(o, "", f.state ? f.state : "");
	option(o, "queued", f.state);
	option(o, "running", f.state);
	option(o, "done", f.state);
	option(o, "failed", f.state);
	option(o, "interrupted", f.state);
	fputs("</select> crash title <input name=\"title\" value=\"", o);
	esc(o, f.title);
	fputs("\"> repository <input name=\"repo\" value=\"", o);
	esc(o, f.repo);
	fprintf(o, "\"> <select name=\"sort\"><option value=\"newest\">newest first</option>"
		"<option value=\"oldest\"%s>oldest first</option></select> <button>show</button></form>\n",
		f.oldest_first ? " selected" : "");
	fprintf(o, "<p id=\"count\">%zu bisection%s</p>\n<table id=\"bisections\">\n"
		"<tr><th>#</th><th>state</th><th>updated</th><th>crash</th><th>repository</th>"
		"<th>culprit</th><th>confidence</th><th>flags</th></tr>\n", total, total == 1 ? "" : "s");
	json_array_foreach(rows, i, row) {
		json_int_t id = json_integer_value(json_object_get(row, "id"));
		const char *state = json_string_value(json_object_get(row, "state"));
		const char *culprit = json_string_value(json_object_get(row, "culprit"));
		const char *status = json_string_value(json_object_get(row, "status")) ?: "";
		/* finished without one commit: say so where the culprit would be */
		int open_end = !strcmp(status, "uncertain") || !strcmp(status, "inconclusive");
		json_t *conf = json_object_get(row, "confidence"), *flag;
		size_t k;

		if (open_end)
			culprit = NULL;
		fprintf(o, "<tr class=\"bisection ");
		esc(o, state);
		if (open_end)
			fprintf(o, " %s", status);
		fprintf(o, "\" id=\"b%lld\"><td><a href=\"/bisection/%lld\">%lld</a></td><td class=\"state\">",
			(long long)id, (long long)id, (long long)id);
		esc(o, state);
		fputs("</td><td>", o);
		when(o, json_object_get(row, "updated"));
		fputs("</td><td class=\"title\">", o);
		esc(o, json_string_value(json_object_get(row, "title")));
		fputs("</td><td class=\"repo\">", o);
		esc(o, json_string_value(json_object_get(row, "repo")));
		fputs("</td><td class=\"culprit\">", o);
		if (culprit) {
			fputs("<code>", o);
			cp_html_escape(o, culprit, strlen(culprit) > 12 ? 12 : strlen(culprit));
			fputs("</code> ", o);
			esc(o, json_string_value(json_object_get(row, "subject")));
		} else if (open_end) {
			fprintf(o, "<span class=\"%s\">%s: no culprit</span>", status,
				!strcmp(status, "uncertain") ? "uncertain" : "inconclusive");
		}
		fputs("</td><td class=\"confidence\">", o);
		if (json_is_number(conf) && culprit)
			fprintf(o, "%.1f%%", 100 * json_number_value(conf));
		fputs("</td><td class=\"flags\">", o);
		json_array_foreach(json_object_get(row, "flags"), k, flag) {
			if (k)
				fputs("; ", o);
			esc(o, json_string_value(flag));
		}
		fputs("</td></tr>\n", o);
	}
	fputs("</table>\n<p id=\"pages\">", o);
	if (f.offset)
		page_link(o, &f, f.offset > f.limit ? f.offset - f.limit : 0, "prev", "newer");
	if (f.offset + json_array_size(rows) < total)
		page_link(o, &f, f.offset + f.limit, "next", "older");
	fputs(" <a href=\"/api/bisections\">JSON</a></p>\n</body></html>\n", o);
	json_decref(rows);
	return take_memstream(o, &buf, &len, r, "text/html; charset=utf-8");
}

static int load_row(struct cp_store *st, long long id, json_t **row, struct srv_reply *r)
{
	struct cp_error err;

	cp_error_clear(&err);
	if (cp_store_get(st, id, row, &err))
		return srv_error(r, 500, err.msg), -1;
	if (!*row)
		return srv_error(r, 404, "no such bisection"), -1;
	return 0;
}

/* The output-directory page, with links and a refresh while it runs. */
static int render_page(json_t *row, long long id, char **html, struct srv_reply *r)
{
	json_t *result = json_object_get(row, "result");
	const char *dir = json_string_value(json_object_get(row, "dir"));
	const char *state = json_string_value(json_object_get(row, "state")) ?: "";
	struct cp_summary s;
	struct cp_output_facts f;
	struct cp_repo *repo = NULL;
	struct cp_error err, ignored;
	char *report = NULL, *page = NULL, *out = NULL, *head, *body;
	size_t len = 0;
	FILE *o;
	int ret;

	cp_error_clear(&err);
	if (!json_is_object(result)) {
		/* queued: nothing ran yet; a page of its own */
		o = open_memstream(&out, &len);
		if (!o)
			return srv_error(r, 500, "out of memory");
		fprintf(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			"<meta http-equiv=\"refresh\" content=\"%d\"><title>culprit: bisection %lld</title>"
			"</head><body><p id=\"nav\"><a href=\"/\">all bisections</a></p><h1>bisection %lld: ",
			REFRESH_S, id, id);
		esc(o, state);
		fputs("</h1><p>Not started yet.</p></body></html>\n", o);
		if (fclose(o) || !out)
			return free(out), srv_error(r, 500, "out of memory");
		*html = out;
		return 0;
	}
	/* the journal's rebuilt result says "interrupted"; this one is still going */
	if (!strcmp(state, "running") &&
	    !strcmp(json_string_value(json_object_get(result, "status")) ?: "", "interrupted"))
		json_object_set_new(result, "status", json_string("running"));
	if (cp_summary_from_json(result, &s, &err))
		return srv_error(r, 500, err.msg);
	if (s.repo && cp_repo_open(&repo, s.repo, &ignored))
		repo = NULL;
	ret = cp_output_facts_gather(&s, repo, dir, &f, &err);
	if (!ret) {
		ret = cp_output_report_text(&s, &f, &report, &err);
		if (!ret)
			ret = cp_output_html(&s, &f, repo, report, &page, &err);
		cp_output_facts_dispose(&f);
	}
	cp_repo_free(repo);
	cp_summary_dispose(&s);
	free(report);
	if (ret)
		return srv_error(r, 500, err.msg);
	head = strstr(page, "<meta charset=\"utf-8\">");
	body = strstr(page, "<body>\n");
	o = head && body ? open_memstream(&out, &len) : NULL;
	if (!o) {
		*html = page;
		return 0;
	}
	head += strlen("<meta charset=\"utf-8\">");
	body += strlen("<body>\n");
	fwrite(page, 1, (size_t)(head - page), o);
	if (!strcmp(state, "running") || !strcmp(state, "queued"))
		fprintf(o, "\n<meta http-equiv=\"refresh\" content=\"%d\">", REFRESH_S);
	fwrite(head, 1, (size_t)(body - head), o);
	fprintf(o, "<p id=\"nav\"><a href=\"/\">all bisections</a> · state: <span id=\"state\">");
	esc(o, state);
	fprintf(o, "</span> · <a href=\"/bisection/%lld/log\">bisection log</a> · "
		"<a href=\"/bisection/%lld/report.txt\">report</a> · <a href=\"/api/bisections/%lld\">JSON</a></p>\n",
		id, id, id);
	fputs(body, o);
	free(page);
	if (fclose(o) || !out)
		return free(out), srv_error(r, 500, "out of memory");
	*html = out;
	return 0;
}

int pages_bisection(struct cp_store *st, long long id, int api, struct srv_reply *r)
{
	json_t *row = NULL;
	char *html = NULL;

	if (load_row(st, id, &row, r))
		return 0;
	if (api)
		return srv_json(r, 200, row);
	if (render_page(row, id, &html, r)) {
		json_decref(row);
		return 0;
	}
	json_decref(row);
	if (!html)
		return 0;
	r->status = 200;
	r->type = "text/html; charset=utf-8";
	r->body = html;
	r->len = strlen(html);
	return 0;
}

/*
 * Opens dir/rel one component at a time, none of them a symlink: a link
 * planted in an output directory (commits/<sha> -> /etc) leads nowhere.
 */
static int open_under(const char *dir, const char *rel)
{
	char part[128];
	const char *p = rel, *slash;
	int fd, next;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (fd >= 0 && (slash = strchr(p, '/'))) {
		if ((size_t)(slash - p) >= sizeof(part)) {
			close(fd);
			return -1;
		}
		memcpy(part, p, (size_t)(slash - p));
		part[slash - p] = '\0';
		next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		p = slash + 1;
	}
	if (fd < 0)
		return -1;
	next = openat(fd, p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	close(fd);
	return next;
}

static int read_capped(const char *dir, const char *rel, char **out, size_t *len)
{
	struct stat sb;
	size_t n = 0;
	ssize_t k;
	char *b;
	int fd;

	fd = open_under(dir, rel);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -1;
	}
	n = sb.st_size > MAX_LOG ? MAX_LOG : (size_t)sb.st_size;
	b = malloc(n + 1);
	if (!b) {
		close(fd);
		return -2;
	}
	*len = 0;
	while (*len < n && (k = read(fd, b + *len, n - *len)) > 0)
		*len += (size_t)k;
	close(fd);
	b[*len] = '\0';
	*out = b;
	return 0;
}

int pages_file(struct cp_store *st, long long id, const char *rel, int api, struct srv_reply *r)
{
	json_t *row = NULL;
	const char *dir;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (load_row(st, id, &row, r))
		return 0;
	dir = json_string_value(json_object_get(row, "dir"));
	rc = dir ? read_capped(dir, rel, &text, &len) : -1;
	json_decref(row);
	if (rc == -2)
		return srv_error(r, 500, "out of memory");
	if (rc)
		return srv_error(r, 404, "no such log");
	if (api) {
		json_t *v = json_pack("{s:s%}", "text", text, len);

		free(text);
		return v ? srv_json(r, 200, v) : srv_error(r, 500, "log is not UTF-8 text");
	}
	r->status = 200;
	r->type = "text/plain; charset=utf-8";
	r->body = text;
	r->len = len;
	return 0;
}
