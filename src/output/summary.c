/*
 * cp_summary: result.json (or the journal) turned into counts, flags and
 * an estimated confidence for the outputs.
 */
#include "output/summary.h"

#include "util/fs.h"

#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cp_format_duration(double s, char *buf, size_t size)
{
	long h, m;
	double sec;

	if (!(s >= 0))
		s = 0;
	h = (long)(s / 3600);
	m = (long)((s - h * 3600.0) / 60);
	sec = s - h * 3600.0 - m * 60.0;
	if (h)
		snprintf(buf, size, "%ldh%ldm%.1fs", h, m, sec);
	else if (m)
		snprintf(buf, size, "%ldm%.1fs", m, sec);
	else
		snprintf(buf, size, "%.1fs", sec);
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static double num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : 0;
}

void cp_summary_dispose(struct cp_summary *s)
{
	size_t i;

	for (i = 0; i < s->nothers; i++)
		free(s->others[i].tested);
	free(s->others);
	free(s->tested);
	free(s->candidates);
	free(s->posterior);
	free(s->flags);
	json_decref(s->root);
	memset(s, 0, sizeof(*s));
}

int cp_summary_flaky(const struct cp_summary *s)
{
	return s->bad_runs && s->bad_hits < s->bad_runs;
}

static int is_target(const struct cp_summary *s, int any_crash, const char *outcome)
{
	/* the crash bisected at boot (the boot test's, in a run's place) */
	if (!strncmp(outcome, "boot failed: ", 13))
		return s->target && cp_report_same_title(outcome + 13, s->target);
	if (!strncmp(outcome, "basic kernel testing failed: ", 29))
		return s->target && cp_report_same_title(outcome + 29, s->target);
	if (strncmp(outcome, "crashed: ", 9))
		return 0;
	return any_crash || !s->target || cp_report_same_title(outcome + 9, s->target);
}

static int add_other(struct cp_summary *s, const char *title, size_t tested)
{
	struct cp_summary_other *o = NULL;
	size_t i;

	for (i = 0; i < s->nothers; i++)
		if (!strcmp(s->others[i].title, title))
			o = &s->others[i];
	if (!o) {
		struct cp_summary_other *p = realloc(s->others, (s->nothers + 1) * sizeof(*p));

		if (!p)
			return -1;
		s->others = p;
		o = &s->others[s->nothers++];
		memset(o, 0, sizeof(*o));
		o->title = title;
	}
	o->runs++;
	if (!o->ntested || o->tested[o->ntested - 1] != tested) {
		size_t *p = realloc(o->tested, (o->ntested + 1) * sizeof(*p));

		if (!p)
			return -1;
		o->tested = p;
		o->tested[o->ntested++] = tested;
	}
	return 0;
}

static int load_tested(struct cp_summary *s, int any_crash)
{
	json_t *arr = json_object_get(s->root, "tested"), *t;
	size_t i, k;

	if (!json_is_array(arr) || !json_array_size(arr))
		return 0;
	s->tested = calloc(json_array_size(arr), sizeof(*s->tested));
	if (!s->tested)
		return -1;
	json_array_foreach(arr, i, t) {
		struct cp_summary_tested *x = &s->tested[s->ntested];
		json_t *build = json_object_get(t, "build"), *runs = json_object_get(t, "runs"), *r;

		if (!json_is_object(t) || !str(t, "commit"))
			continue;
		s->ntested++;
		x->commit = str(t, "commit");
		x->label = str(t, "label") ? str(t, "label") : "";
		x->verdict = str(t, "verdict") ? str(t, "verdict") : "";
		x->built = json_is_object(build) ? json_is_true(json_object_get(build, "ok")) : -1;
		x->build_s = num(build, "duration_s");
		x->run_list = json_is_array(runs) ? runs : NULL;
		x->boot_verdict = str(json_object_get(t, "boot"), "verdict") ?: "";
		x->boot_outcome = str(json_object_get(t, "boot"), "outcome") ?: "";
		json_array_foreach(x->run_list, k, r) {
			const char *o = str(r, "outcome");

			x->nruns++;
			x->test_s += num(r, "duration_s");
			if (!o)
				x->runs.infra++;
			else if (!strcmp(o, "OK"))
				x->runs.clean++;
			else if (is_target(s, any_crash, o))
				x->runs.target++;
			else if (!strncmp(o, "crashed: ", 9)) {
				x->runs.other++;
				if (add_other(s, o + 9, s->ntested - 1))
					return -1;
			} else
				x->runs.infra++;
		}
		if (!strcmp(x->verdict, "crashed")) {
			s->bad_hits += x->runs.target;
			s->bad_runs += x->runs.target + x->runs.clean;
		}
	}
	return 0;
}

/*
 * Without a confidence in result.json: the chance that no "clean" verdict
 * was a crashing commit whose runs all missed, with the crash rate seen on
 * the crashing commits: the product over clean commits of 1 - (1-p)^n.
 */
static double estimate_confidence(const struct cp_summary *s)
{
	double p = s->bad_runs ? (double)s->bad_hits / s->bad_runs : 1.0, c = 1.0;
	size_t i;

	if (!strcmp(s->status ? s->status : "", "inconclusive") ||
	    !strcmp(s->status ? s->status : "", "uncertain"))
		return 0;
	for (i = 0; i < s->ntested; i++)
		if (!strcmp(s->tested[i].verdict, "clean"))
			c *= 1.0 - pow(1.0 - p, s->tested[i].runs.clean);
	return c;
}

size_t cp_summary_model_lines(const struct cp_summary *s, char *buf, size_t size,
			      const char **lines, size_t max)
{
	json_t *model = json_object_get(json_object_get(s->root, "bayes"), "model");
	json_t *e;
	size_t i, n = 0;
	int used;

	if (!json_array_size(json_object_get(model, "prior_p")) || !max || !size)
		return 0;
	used = snprintf(buf, size, "the chance of reproducing has the prior");
	json_array_foreach(json_object_get(model, "prior_p"), i, e) {
		int w;

		if (used < 0 || (size_t)used >= size)
			break;
		w = snprintf(buf + used, size - (size_t)used, "%s %s Beta(%g, %g) %.0f%%",
			     i ? "," : "", str(e, "component") ? str(e, "component") : "?",
			     num(e, "a"), num(e, "b"), 100 * num(e, "weight"));
		used = w < 0 ? w : used + w;
	}
	lines[n++] = buf;
	json_array_foreach(json_object_get(model, "assumptions"), i, e)
		if (json_string_value(e) && n < max)
			lines[n++] = json_string_value(e);
	return n;
}

double cp_summary_posterior_of(const struct cp_summary *s, const char *hex)
{
	size_t i;

	for (i = 0; i < s->nposterior; i++)
		if (!strcmp(s->posterior[i].commit, hex))
			return s->posterior[i].p;
	return -1;
}

int cp_summary_from_json(json_t *root, struct cp_summary *s, struct cp_error *err)
{
	json_t *job, *culprit, *v, *totals;
	size_t i;
	int any_crash;

	memset(s, 0, sizeof(*s));
	if (!json_is_object(root))
		return cp_error_set(err, CP_ERR_INPUT, "result: not a JSON object");
	s->root = json_incref(root);
	job = json_object_get(root, "job");
	culprit = json_object_get(root, "culprit");
	s->mode = str(root, "mode") ? str(root, "mode") :
		json_is_true(json_object_get(job, "fix")) ? "fix" : "cause";
	s->status = str(root, "status") ? str(root, "status") : "unknown";
	s->target = str(root, "target");
	s->culprit = str(culprit, "commit");
	s->culprit_subject = str(culprit, "subject");
	s->culprit_signature = str(culprit, "signature");
	s->parent_signature = str(culprit, "parent_signature");
	v = json_object_get(root, "signatures");
	if (!s->culprit_signature)
		s->culprit_signature = str(v, "culprit");
	if (!s->parent_signature)
		s->parent_signature = str(v, "parent");
	s->repo = str(job, "repo");
	s->bad = str(job, "bad");
	any_crash = json_is_true(json_object_get(job, "any_crash"));
	v = json_object_get(root, "candidates");
	if (json_array_size(v)) {
		s->candidates = calloc(json_array_size(v), sizeof(*s->candidates));
		if (!s->candidates)
			goto nomem;
		for (i = 0; i < json_array_size(v); i++)
			if (json_string_value(json_array_get(v, i)))
				s->candidates[s->ncandidates++] = json_string_value(json_array_get(v, i));
	}
	v = json_object_get(root, "flags");
	if (json_array_size(v)) {
		s->flags = calloc(json_array_size(v), sizeof(*s->flags));
		if (!s->flags)
			goto nomem;
		for (i = 0; i < json_array_size(v); i++)
			if (json_string_value(json_array_get(v, i)))
				s->flags[s->nflags++] = json_string_value(json_array_get(v, i));
	}
	v = json_object_get(root, "posterior");
	if (json_array_size(v)) {
		s->posterior = calloc(json_array_size(v), sizeof(*s->posterior));
		if (!s->posterior)
			goto nomem;
		for (i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);

			if (!str(e, "commit"))
				continue;
			s->posterior[s->nposterior].commit = str(e, "commit");
			s->posterior[s->nposterior++].p = num(e, "p");
		}
	}
	if (load_tested(s, any_crash))
		goto nomem;
	totals = json_object_get(root, "totals");
	for (i = 0; i < s->ntested; i++) {
		s->build_s += s->tested[i].build_s;
		s->test_s += s->tested[i].test_s;
	}
	if (json_is_object(totals)) {
		s->build_s = num(totals, "build_s");
		s->test_s = num(totals, "test_s");
	}
	s->total_s = json_is_number(json_object_get(totals, "total_s")) ?
		num(totals, "total_s") : s->build_s + s->test_s;
	s->revisions = json_is_integer(json_object_get(totals, "revisions_tested")) ?
		(size_t)json_integer_value(json_object_get(totals, "revisions_tested")) :
		s->ntested;
	v = json_object_get(root, "confidence");
	/* the culprit policy's own answer: the culprit's posterior */
	if (!json_is_number(v))
		v = json_object_get(json_object_get(root, "bayes"), "posterior");
	s->confidence_given = json_is_number(v);
	s->confidence = s->confidence_given ? json_number_value(v) : estimate_confidence(s);
	return 0;
nomem:
	cp_summary_dispose(s);
	return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
}

/* The entry of tested for commit, created (in first-seen order) if needed. */
static json_t *tested_entry(json_t *tested, const char *commit)
{
	size_t i;
	json_t *t;

	json_array_foreach(tested, i, t)
		if (!strcmp(str(t, "commit"), commit))
			return t;
	t = json_pack("{s:s, s:s, s:[], s:s}", "commit", commit, "label", "", "runs",
		      "verdict", "");
	if (!t || json_array_append_new(tested, t))
		return NULL;
	return t;
}

static int run_index_cmp(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "index"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "index"));

	return x < y ? -1 : x > y;
}

/* Most frequent crash among the first tested commit's runs. */
static const char *first_crash(json_t *tested)
{
	json_t *runs = json_object_get(json_array_get(tested, 0), "runs"), *r, *q;
	const char *best = NULL;
	size_t i, k, nbest = 0;

	json_array_foreach(runs, i, r) {
		const char *o = str(r, "outcome");
		size_t n = 0;

		if (!o || strncmp(o, "crashed: ", 9))
			continue;
		json_array_foreach(runs, k, q)
			n += str(q, "outcome") && !strcmp(str(q, "outcome"), o);
		if (n > nbest) {
			nbest = n;
			best = o + 9;
		}
	}
	return best;
}

static int finish_journal_result(json_t *root, json_t *tested, json_t *job)
{
	json_int_t want = json_integer_value(json_object_get(job, "runs"));
	const char *target = str(job, "crash");
	int any = json_is_true(json_object_get(job, "any_crash"));
	double build_s = 0, test_s = 0;
	size_t i, k, nrev = 0;
	json_t *t, *r;

	if (!target && !any)
		target = first_crash(tested);
	if (target && json_object_set_new(root, "target", json_string(target)))
		return -1;
	json_array_foreach(tested, i, t) {
		json_t *runs = json_object_get(t, "runs"), *build = json_object_get(t, "build");
		size_t n = json_array_size(runs), ntarget = 0, nclean = 0;
		const char *verdict = "";
		json_t **v = n ? malloc(n * sizeof(*v)) : NULL;

		if (n && !v)
			return -1;
		for (k = 0; k < n; k++)
			v[k] = json_incref(json_array_get(runs, k));
		if (n)
			qsort(v, n, sizeof(*v), run_index_cmp);
		json_array_clear(runs);
		for (k = 0; k < n; k++) {
			json_array_append_new(runs, v[k]);
			r = v[k];
			test_s += num(r, "duration_s");
			if (str(r, "outcome") && !strcmp(str(r, "outcome"), "OK"))
				nclean++;
			else if (str(r, "outcome") && !strncmp(str(r, "outcome"), "crashed: ", 9) &&
				 (any || !target || cp_report_same_title(str(r, "outcome") + 9, target)))
				ntarget++;
		}
		free(v);
		build_s += num(build, "duration_s");
		if (json_is_object(build) && !json_is_true(json_object_get(build, "ok")))
			verdict = "skip";
		else if (ntarget)
			verdict = "crashed";
		else if (want > 0 && n >= (size_t)want)
			verdict = nclean == n ? "clean" : "skip";
		if (json_is_true(json_object_get(build, "ok")))
			nrev++;
		if (json_object_set_new(t, "verdict", json_string(verdict)))
			return -1;
	}
	return json_object_set_new(root, "totals",
				   json_pack("{s:i, s:f, s:f, s:f}", "revisions_tested", (int)nrev,
					     "build_s", build_s, "test_s", test_s,
					     "total_s", build_s + test_s));
}

int cp_summary_journal_to_result(const char *text, size_t len, json_t **out,
				 struct cp_error *err)
{
	json_t *root = NULL, *tested = NULL, *job = NULL;
	const char *p = text, *end = text + len;
	size_t line = 0;
	int ret = 0;

	*out = NULL;
	tested = json_array();
	if (!tested)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_t *rec = json_loadb(p, n, 0, NULL), *t;
		const char *type, *commit;

		p += n + (nl != NULL);
		line++;
		if (!rec) {
			if (nl && p < end)
				ret = cp_error_set(err, CP_ERR_INPUT, "journal line %zu is not JSON", line);
			break;	/* a torn last line */
		}
		if (line == 1) {
			if (!json_is_object(json_object_get(rec, "header"))) {
				json_decref(rec);
				ret = cp_error_set(err, CP_ERR_INPUT, "not a culprit journal");
				break;
			}
			job = json_incref(json_object_get(rec, "header"));
			json_decref(rec);
			continue;
		}
		type = str(rec, "type");
		commit = str(rec, "commit");
		if (!type || !commit) {
			json_decref(rec);
			continue;
		}
		t = tested_entry(tested, commit);
		if (!t)
			ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		else if (!strcmp(type, "build"))
			ret = json_object_set_new(t, "build", json_pack("{s:b, s:f}", "ok",
				json_is_true(json_object_get(rec, "ok")), "duration_s",
				num(rec, "duration_s"))) ?
				cp_error_set(err, CP_ERR_NOMEM, "out of memory") : 0;
		else if (!strcmp(type, "boot"))
			ret = json_object_set_new(t, "boot", json_pack("{s:s, s:f}", "outcome",
				str(rec, "outcome") ? str(rec, "outcome") : "", "duration_s",
				num(rec, "duration_s"))) ?
				cp_error_set(err, CP_ERR_NOMEM, "out of memory") : 0;
		else if (!strcmp(type, "run"))
			ret = json_array_append_new(json_object_get(t, "runs"),
				json_pack("{s:I, s:s, s:f}", "index",
					  json_integer_value(json_object_get(rec, "index")),
					  "outcome", str(rec, "outcome") ? str(rec, "outcome") : "",
					  "duration_s", num(rec, "duration_s"))) ?
				cp_error_set(err, CP_ERR_NOMEM, "out of memory") : 0;
		json_decref(rec);
	}
	if (!ret && !job)
		ret = cp_error_set(err, CP_ERR_INPUT, "empty journal");
	if (!ret) {
		root = json_pack("{s:i, s:s, s:s, s:O, s:[], s:O}", "version", 1, "mode",
				 json_is_true(json_object_get(job, "fix")) ? "fix" : "cause",
				 "status", "interrupted", "job", job, "candidates",
				 "tested", tested);
		if (!root || finish_journal_result(root, json_object_get(root, "tested"), job))
			ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	json_decref(job);
	json_decref(tested);
	if (ret) {
		json_decref(root);
		return ret;
	}
	*out = root;
	return 0;
}

/*
 * The journal does not keep labels: the log says "testing release vX.Y"
 * right before "testing commit <sha> with ...".
 */
static void labels_from_log(json_t *root, const char *log)
{
	static const char rel[] = "testing release ", com[] = "testing commit ";
	json_t *tested = json_object_get(root, "tested"), *t;
	const char *p = log;
	size_t i;

	while ((p = strstr(p, rel)) != NULL) {
		const char *name = p + sizeof(rel) - 1, *nl = strchr(name, '\n');
		char label[96], hex[41];

		if (!nl || (p != log && p[-1] != '\n') || strncmp(nl + 1, com, sizeof(com) - 1))
			break;
		snprintf(label, sizeof(label), "release %.*s", (int)(nl - name < 80 ? nl - name : 80),
			 name);
		snprintf(hex, sizeof(hex), "%.40s", nl + sizeof(com));
		json_array_foreach(tested, i, t)
			if (!strcmp(str(t, "commit"), hex))
				json_object_set_new(t, "label", json_string(label));
		p = nl + 1;
	}
}

int cp_summary_load(const char *out_dir, struct cp_summary *s, struct cp_error *err)
{
	char path[4200];
	json_error_t jerr;
	json_t *root = NULL;
	char *buf = NULL;
	size_t len;
	int ret;

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "%s/result.json", out_dir);
	if (access(path, F_OK) == 0) {
		root = json_load_file(path, 0, &jerr);
		if (!root)
			return cp_error_set(err, CP_ERR_INPUT, "%s:%d: %s", path, jerr.line,
					    jerr.text);
	} else {
		snprintf(path, sizeof(path), "%s/journal.jsonl", out_dir);
		if (access(path, F_OK) != 0)
			return cp_error_set(err, CP_ERR_IO,
					    "%s holds no result.json and no journal.jsonl", out_dir);
		ret = cp_read_file(path, &buf, &len, err);
		if (!ret)
			ret = cp_summary_journal_to_result(buf, len, &root, err);
		free(buf);
		if (ret)
			return cp_error_prefix(err, "%s", path);
		snprintf(path, sizeof(path), "%s/log", out_dir);
		if (cp_read_file(path, &buf, &len, err) == 0) {
			labels_from_log(root, buf);
			free(buf);
		}
		cp_error_clear(err);
	}
	ret = cp_summary_from_json(root, s, err);
	json_decref(root);
	if (!ret && !strcmp(s->status, "interrupted"))
		s->from_journal = 1;
	return ret;
}
