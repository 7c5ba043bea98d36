/*
 * index.html: the report page with an SVG picture of the bisection.
 * The commit range and the narrowing come from a libgit2 revision walk on
 * the repository src/vcs opened.
 */
#include "output/html.h"

#include "vcs/vcs.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

#define RANGE_MAX 500000	/* longer ranges are not drawn commit by commit */
#define MERGE_TICKS_MAX 4000

#define W 1000			/* SVG width */
#define X0 70.0			/* the range line */
#define X1 960.0
#define XOUT 30.0		/* tested commits outside the range (good ends) */

void cp_html_escape(FILE *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': fputs("&amp;", o); break;
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '"': fputs("&quot;", o); break;
		case '\'': fputs("&#39;", o); break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t')
				fputs("&#xFFFD;", o);
			else if (c == 0x7f)
				fputs("&#xFFFD;", o);
			else
				fputc(c, o);
		}
	}
}

static void esc(FILE *o, const char *s)
{
	if (s)
		cp_html_escape(o, s, strlen(s));
}

/* ---- the range and its narrowing ---- */

struct pos {
	struct cp_oid id;
	size_t index;
};

struct range {
	struct cp_oid *ids;	/* oldest first */
	unsigned char *merge;
	size_t n;
	struct pos *sorted;	/* by id, for lookups */
};

struct step {
	size_t tested;		/* the tested commit this step follows */
	size_t left, lo, hi;	/* commits still in question, their positions */
};

static int pos_cmp(const void *a, const void *b)
{
	return cp_oid_cmp(&((const struct pos *)a)->id, &((const struct pos *)b)->id);
}

static long position(const struct range *r, const char *hex)
{
	struct pos key, *p;

	if (!r->n || cp_oid_from_hex(&key.id, hex))
		return -1;
	p = bsearch(&key, r->sorted, r->n, sizeof(*p), pos_cmp);
	return p ? (long)p->index : -1;
}

static void range_free(struct range *r)
{
	free(r->ids);
	free(r->merge);
	free(r->sorted);
	memset(r, 0, sizeof(*r));
}

/*
 * Walks bad minus goods.  With r, records the commits (oldest first) and
 * their merge flags; with st, counts them and their positions in r0.
 */
static int walk(git_repository *git, const struct cp_oid *bad, const struct cp_oid *goods,
		size_t ngoods, int first_parent, struct range *r, const struct range *r0,
		struct step *st)
{
	git_revwalk *w = NULL;
	git_oid oid;
	size_t i, cap = 0;
	int ret = -1;

	if (git_revwalk_new(&w, git) < 0)
		return -1;
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (first_parent)
		git_revwalk_simplify_first_parent(w);
	if (git_revwalk_push(w, (const git_oid *)(const void *)bad) < 0)
		goto out;
	for (i = 0; i < ngoods; i++)
		git_revwalk_hide(w, (const git_oid *)(const void *)&goods[i]);
	if (st) {
		st->left = 0;
		st->lo = (size_t)-1;
		st->hi = 0;
	}
	while (git_revwalk_next(&oid, w) == 0) {
		struct cp_oid id;

		memcpy(id.id, oid.id, CP_OID_RAWSZ);
		if (st) {
			struct pos key = { id, 0 }, *p;

			p = bsearch(&key, r0->sorted, r0->n, sizeof(*p), pos_cmp);
			st->left++;
			if (p && p->index < st->lo)
				st->lo = p->index;
			if (p && p->index > st->hi)
				st->hi = p->index;
			continue;
		}
		if (r->n >= RANGE_MAX)
			goto out;
		if (r->n == cap) {
			size_t c = cap ? cap * 2 : 1024;
			struct cp_oid *ids = realloc(r->ids, c * sizeof(*ids));
			unsigned char *m;

			if (!ids)
				goto out;
			r->ids = ids;
			m = realloc(r->merge, c);
			if (!m)
				goto out;
			r->merge = m;
			cap = c;
		}
		{
			git_commit *c = NULL;

			r->merge[r->n] = git_commit_lookup(&c, git, &oid) == 0 &&
				git_commit_parentcount(c) > 1;
			git_commit_free(c);
		}
		r->ids[r->n++] = id;
	}
	if (r && r->n) {
		r->sorted = malloc(r->n * sizeof(*r->sorted));
		if (!r->sorted)
			goto out;
		for (i = 0; i < r->n; i++) {
			r->sorted[i].id = r->ids[i];
			r->sorted[i].index = i;
		}
		qsort(r->sorted, r->n, sizeof(*r->sorted), pos_cmp);
	}
	ret = 0;
out:
	git_revwalk_free(w);
	return ret;
}

static int push(struct cp_oid **v, size_t *n, const struct cp_oid *id)
{
	struct cp_oid *p = realloc(*v, (*n + 1) * sizeof(*p));

	if (!p)
		return -1;
	p[(*n)++] = *id;
	*v = p;
	return 0;
}

/*
 * The range and one step per tested commit after the range is known.  The
 * git terms: in a cause bisection crashed is bad, in a fix one clean is.
 * Returns -1 only when out of memory; an unreadable repository leaves the
 * range empty.
 */
static int compute_range(const struct cp_summary *s, struct cp_repo *repo, struct range *r,
			 struct step **steps, size_t *nsteps)
{
	json_t *job = json_object_get(s->root, "job"), *g;
	int fix = !strcmp(s->mode, "fix");
	int first_parent = json_is_true(json_object_get(job, "first_parent"));
	struct cp_oid bad, *goods = NULL, id;
	struct cp_error ignored;
	git_repository *git = NULL;
	size_t ngoods = 0, i, have_bad = 0;
	int ret = 0;

	*steps = NULL;
	*nsteps = 0;
	if (!repo || git_libgit2_init() < 0)
		return 0;
	if (git_repository_open(&git, cp_repo_git_dir(repo)) < 0) {
		git_libgit2_shutdown();
		return 0;
	}
	if (!fix) {
		json_array_foreach(json_object_get(job, "good"), i, g)
			if (json_string_value(g) &&
			    !cp_repo_resolve(repo, json_string_value(g), &id, &ignored) &&
			    push(&goods, &ngoods, &id))
				ret = -1;
	}
	*steps = calloc(s->ntested + 1, sizeof(**steps));
	if (!*steps)
		ret = -1;
	for (i = 0; i < s->ntested && !ret; i++) {
		const struct cp_summary_tested *t = &s->tested[i];
		int crashed = !strcmp(t->verdict, "crashed"), clean = !strcmp(t->verdict, "clean");
		int is_bad = fix ? clean : crashed, is_good = fix ? crashed : clean;

		if (cp_oid_from_hex(&id, t->commit))
			continue;
		if (is_bad && !(have_bad && !strncmp(t->label, "release", 7))) {
			bad = id;
			have_bad = 1;
		} else if (is_good && push(&goods, &ngoods, &id)) {
			ret = -1;
			break;
		}
		if (!have_bad || !ngoods || (!is_bad && !is_good))
			continue;
		if (!r->n) {
			if (walk(git, &bad, goods, ngoods, first_parent, r, NULL, NULL) || !r->n) {
				range_free(r);
				break;
			}
		}
		(*steps)[*nsteps].tested = i;
		if (walk(git, &bad, goods, ngoods, first_parent, NULL, r, &(*steps)[*nsteps]) == 0)
			(*nsteps)++;
	}
	free(goods);
	git_repository_free(git);
	git_libgit2_shutdown();
	return ret;
}

/* ---- drawing ---- */

static double xpos(const struct range *r, long p)
{
	if (p < 0)
		return XOUT;
	if (r->n <= 1)
		return X1;
	return X0 + (X1 - X0) * (double)p / (double)(r->n - 1);
}

static const char *verdict_color(const char *v)
{
	if (!strcmp(v, "crashed"))
		return "#d62728";
	if (!strcmp(v, "clean"))
		return "#2ca02c";
	return "#888888";
}

static void draw_runs_bar(FILE *o, double x, double ybase, const struct cp_summary_tested *t)
{
	const double h = 36.0;
	unsigned total = t->runs.target + t->runs.clean + t->runs.other + t->runs.infra;
	const unsigned parts[4] = { t->runs.target, t->runs.clean, t->runs.other, t->runs.infra };
	static const char *const cls[4] = { "target", "clean", "other", "infra" };
	double y = ybase;
	int k;

	if (!total) {
		fprintf(o, "<rect class=\"runs none\" x=\"%.1f\" y=\"%.1f\" width=\"6\" height=\"2\"/>\n",
			x - 3, ybase - 2);
		return;
	}
	for (k = 0; k < 4; k++) {
		double hh = h * parts[k] / total;

		if (!parts[k])
			continue;
		y -= hh;
		fprintf(o, "<rect class=\"runs %s\" x=\"%.1f\" y=\"%.1f\" width=\"6\" height=\"%.1f\">"
			"<title>%u %s</title></rect>\n", cls[k], x - 3, y, hh, parts[k], cls[k]);
	}
}

static void draw_svg(FILE *o, const struct cp_summary *s, const struct range *r,
		     const struct step *steps, size_t nsteps)
{
	const double yline = 90;
	double ysteps = yline + 60, ypost, height;
	size_t i;
	long culprit_pos = -2;

	ypost = ysteps + (nsteps ? 24.0 + 18.0 * nsteps : 0) + 20;
	height = ypost + (s->nposterior ? 30.0 + 18.0 * s->nposterior : 0) + 10;
	fprintf(o, "<svg id=\"bisection\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
		"viewBox=\"0 0 %d %.0f\" role=\"img\" aria-label=\"bisection picture\">\n",
		W, height, W, height);
	fprintf(o, "<text x=\"10\" y=\"16\" class=\"h\">commit range (%zu commit%s, oldest left%s)</text>\n",
		r->n, r->n == 1 ? "" : "s", r->n ? "; ticks: merges" : "; repository not available: tested commits in test order");
	fprintf(o, "<line id=\"range\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"range\"/>\n",
		X0, yline, X1, yline);
	/* merges */
	if (r->n) {
		size_t nm = 0;

		for (i = 0; i < r->n; i++)
			nm += r->merge[i];
		fprintf(o, "<g id=\"merges\" data-count=\"%zu\">\n", nm);
		if (nm <= MERGE_TICKS_MAX)
			for (i = 0; i < r->n; i++)
				if (r->merge[i])
					fprintf(o, "<line class=\"merge\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
						xpos(r, (long)i), yline - 6, xpos(r, (long)i), yline + 6);
		fprintf(o, "</g>\n");
	}
	/* tested commits: a dot and a stacked bar of runs */
	fprintf(o, "<g id=\"tested\">\n");
	for (i = 0; i < s->ntested; i++) {
		const struct cp_summary_tested *t = &s->tested[i];
		long p = r->n ? position(r, t->commit) : (long)i;
		struct range fake = { NULL, NULL, s->ntested, NULL };
		double x = r->n ? xpos(r, p) : xpos(&fake, p);
		int is_culprit = s->culprit && !strcmp(t->commit, s->culprit);

		if (is_culprit)
			culprit_pos = p;
		fprintf(o, "<g class=\"commit\" data-commit=\"");
		esc(o, t->commit);
		fprintf(o, "\"><title>#%zu ", i + 1);
		esc(o, t->commit);
		fprintf(o, " ");
		esc(o, t->label);
		fprintf(o, " %s: %u target, %u clean, %u other, %u infra</title>\n",
			t->verdict[0] ? t->verdict : "unfinished", t->runs.target, t->runs.clean,
			t->runs.other, t->runs.infra);
		draw_runs_bar(o, x, yline - 10, t);
		fprintf(o, "<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n",
			x, yline, verdict_color(t->verdict));
		fprintf(o, "<text class=\"n\" x=\"%.1f\" y=\"%.1f\">%zu</text>\n", x, yline + 18 + 10.0 * (i % 2), i + 1);
		fprintf(o, "</g>\n");
		if (is_culprit) {
			fprintf(o, "<g id=\"culprit\"><circle class=\"culprit\" cx=\"%.1f\" cy=\"%.1f\" r=\"8\"/>"
				"<text class=\"culprit\" x=\"%.1f\" y=\"%.1f\">culprit ", x, yline,
				x > W - 140 ? x - 130 : x + 10, yline - 52);
			cp_html_escape(o, t->commit, 12);
			fprintf(o, "</text></g>\n");
		}
	}
	fprintf(o, "</g>\n");
	/* a culprit never tested itself (git names it from its neighbours) */
	if (s->culprit && culprit_pos == -2 && r->n) {
		long p = position(r, s->culprit);

		if (p >= 0) {
			fprintf(o, "<g id=\"culprit\"><circle class=\"culprit\" cx=\"%.1f\" cy=\"%.1f\" r=\"8\"/>"
				"<text class=\"culprit\" x=\"%.1f\" y=\"%.1f\">culprit ", xpos(r, p), yline,
				xpos(r, p) > W - 140 ? xpos(r, p) - 130 : xpos(r, p) + 10, yline - 52);
			cp_html_escape(o, s->culprit, 12);
			fprintf(o, "</text></g>\n");
		}
	}
	/* narrowing */
	if (nsteps) {
		fprintf(o, "<g id=\"narrowing\">\n<text x=\"10\" y=\"%.1f\" class=\"h\">range left after each step</text>\n",
			ysteps + 4);
		for (i = 0; i < nsteps; i++) {
			const struct step *st = &steps[i];
			double y = ysteps + 16 + 18.0 * i;
			double xa = st->left ? xpos(r, (long)st->lo) : X0, xb = st->left ? xpos(r, (long)st->hi) : X0;

			fprintf(o, "<g class=\"step\"><rect class=\"left\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\"/>"
				"<text class=\"s\" x=\"10\" y=\"%.1f\">#%zu: %zu</text></g>\n",
				xa - 2, y, xb - xa + 4, y + 9, st->tested + 1, st->left);
		}
		fprintf(o, "</g>\n");
	}
	if (s->nposterior) {
		fprintf(o, "<g id=\"posterior\">\n<text x=\"10\" y=\"%.1f\" class=\"h\">posterior over the last candidates</text>\n",
			ypost + 4);
		for (i = 0; i < s->nposterior; i++) {
			double y = ypost + 16 + 18.0 * i, p = s->posterior[i].p;
			int is_c = s->culprit && !strcmp(s->posterior[i].commit, s->culprit);

			if (!(p >= 0))
				p = 0;
			if (p > 1)
				p = 1;
			fprintf(o, "<g class=\"cand\"><text class=\"s\" x=\"10\" y=\"%.1f\">", y + 9);
			cp_html_escape(o, s->posterior[i].commit, 12);
			fprintf(o, "</text><rect class=\"p%s\" x=\"120\" y=\"%.1f\" width=\"%.1f\" height=\"10\"/>"
				"<text class=\"s\" x=\"%.1f\" y=\"%.1f\">%.3f</text></g>\n",
				is_c ? " culprit" : "", y, 600 * p, 126 + 600 * p, y + 9, p);
		}
		fprintf(o, "</g>\n");
	}
	fprintf(o, "</svg>\n");
}

static const char *page_style =
	"body{font-family:sans-serif;margin:1.5em;color:#222}"
	"pre{background:#f6f6f6;padding:.8em;overflow-x:auto;font-size:12px}"
	"table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
	"td.n{text-align:right}tr.culprit{background:#fff3c4}"
	"svg text{font-size:11px;font-family:sans-serif}svg text.h{font-weight:bold}"
	"svg text.n{text-anchor:middle;font-size:9px;fill:#555}"
	".range{stroke:#444;stroke-width:2}.merge{stroke:#9467bd;stroke-width:1}"
	".runs.target{fill:#d62728}.runs.clean{fill:#2ca02c}.runs.other{fill:#ff7f0e}"
	".runs.infra,.runs.none{fill:#bbb}circle.culprit{fill:none;stroke:#e6a700;stroke-width:3}"
	"text.culprit{font-weight:bold;fill:#b07d00}.left{fill:#1f77b4;opacity:.6}"
	"rect.p{fill:#1f77b4}rect.p.culprit{fill:#e6a700}"
	".flag{color:#a00}";

static void row(FILE *o, const char *k, const char *v)
{
	fprintf(o, "<tr><th>");
	esc(o, k);
	fprintf(o, "</th><td>");
	esc(o, v);
	fprintf(o, "</td></tr>\n");
}

/* What the reported confidence assumes (result.json bayes.model). */
static void model_list(FILE *o, const struct cp_summary *s)
{
	const char *lines[8];
	char prior[256];
	size_t n = cp_summary_model_lines(s, prior, sizeof(prior), lines, 8), i;

	if (!n)
		return;
	fprintf(o, "<h2>What the confidence assumes</h2>\n<ul id=\"model\">\n");
	for (i = 0; i < n; i++) {
		fprintf(o, "<li>");
		esc(o, lines[i]);
		fprintf(o, "</li>\n");
	}
	fprintf(o, "</ul>\n");
}

static void tested_table(FILE *o, const struct cp_summary *s, const struct cp_output_facts *f)
{
	size_t i;

	fprintf(o, "<h2>Runs per tested commit</h2>\n<table id=\"runs\"><tr><th>#</th><th>commit</th>"
		"<th>label</th><th>verdict</th><th>target</th><th>clean</th><th>other</th><th>infra</th>"
		"<th>build</th><th>boot test</th><th>test</th><th>subject</th></tr>\n");
	for (i = 0; i < s->ntested; i++) {
		const struct cp_summary_tested *t = &s->tested[i];
		char b[32], tt[32];

		cp_format_duration(t->build_s, b, sizeof(b));
		cp_format_duration(t->test_s, tt, sizeof(tt));
		fprintf(o, "<tr%s><td class=\"n\">%zu</td><td><code>",
			s->culprit && !strcmp(t->commit, s->culprit) ? " class=\"culprit\"" : "", i + 1);
		cp_html_escape(o, t->commit, 12);
		fprintf(o, "</code></td><td>");
		esc(o, t->label);
		fprintf(o, "</td><td>");
		esc(o, t->verdict[0] ? t->verdict : "unfinished");
		fprintf(o, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
			"<td class=\"n\">%u</td><td>%s</td><td", t->runs.target,
			t->runs.clean, t->runs.other, t->runs.infra, t->built == 0 ? "failed" : b);
		if (t->boot_outcome && t->boot_outcome[0]) {
			fprintf(o, " title=\"");
			esc(o, t->boot_outcome);
			fprintf(o, "\">");
			esc(o, t->boot_verdict && t->boot_verdict[0] ? t->boot_verdict : t->boot_outcome);
		} else {
			fprintf(o, ">");
		}
		fprintf(o, "</td><td>%s</td><td>", tt);
		if (f->subjects && i < f->nsubjects)
			esc(o, f->subjects[i]);
		fprintf(o, "</td></tr>\n");
	}
	fprintf(o, "</table>\n");
}

int cp_output_html(const struct cp_summary *s, const struct cp_output_facts *f,
		   struct cp_repo *repo, const char *report_text, char **html,
		   struct cp_error *err)
{
	struct range r = { 0 };
	struct step *steps = NULL;
	size_t nsteps = 0, i;
	char *buf = NULL, conf[64], tot[32];
	size_t len = 0;
	FILE *o;

	*html = NULL;
	if (compute_range(s, repo, &r, &steps, &nsteps)) {
		range_free(&r);
		free(steps);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	o = open_memstream(&buf, &len);
	if (!o) {
		range_free(&r);
		free(steps);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	fprintf(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
		"<title>culprit: ");
	esc(o, s->culprit ? (s->culprit_subject ? s->culprit_subject : s->culprit) : s->status);
	fprintf(o, "</title>\n<style>%s</style></head>\n<body>\n<h1>culprit bisection: ", page_style);
	esc(o, s->status);
	fprintf(o, "</h1>\n<table id=\"summary\">\n");
	row(o, "mode", s->mode);
	if (s->target)
		row(o, "crash", s->target);
	if (s->culprit) {
		char line[200];

		snprintf(line, sizeof(line), "%s", s->culprit);
		row(o, strcmp(s->mode, "fix") ? "first bad commit" : "fix commit", line);
		if (s->culprit_subject)
			row(o, "subject", s->culprit_subject);
		if (f->author)
			row(o, "author", f->author);
		if (strcmp(s->status, "interrupted")) {
			snprintf(conf, sizeof(conf), "%.1f%%%s", 100 * s->confidence,
				 s->confidence_given ? "" : " (estimated)");
			row(o, "confidence", conf);
		}
	}
	cp_format_duration(s->total_s, tot, sizeof(tot));
	{
		char line[128];

		snprintf(line, sizeof(line), "%zu, total time %s", s->revisions, tot);
		row(o, "revisions tested", line);
	}
	if (cp_summary_flaky(s)) {
		snprintf(conf, sizeof(conf), "flaky reproducer (%.0f%% of runs crash)",
			 100.0 * s->bad_hits / s->bad_runs);
		row(o, "flag", conf);
	}
	if (s->culprit_signature && s->parent_signature &&
	    !strcmp(s->culprit_signature, s->parent_signature))
		row(o, "flag", "build unchanged from parent (same signature)");
	if (f->release)
		row(o, "flag", "culprit is a release tag");
	if (f->nparents > 1)
		row(o, "flag", "culprit is a merge");
	if (s->nothers)
		row(o, "flag", "other crashes seen in the range (see the report)");
	for (i = 0; i < s->nflags; i++)
		row(o, "flag", s->flags[i]);
	if (!strcmp(s->status, "uncertain") || !strcmp(s->status, "inconclusive")) {
		row(o, "result", !strcmp(s->status, "uncertain") ?
		    "uncertain: no commit reached the confidence target" :
		    "inconclusive: no single commit can be named");
		for (i = 0; i < s->ncandidates; i++) {
			char line[200];
			double p = cp_summary_posterior_of(s, s->candidates[i]);

			if (p >= 0)
				snprintf(line, sizeof(line), "%s (posterior %.1f%%)", s->candidates[i],
					 100 * p);
			else
				snprintf(line, sizeof(line), "%s", s->candidates[i]);
			row(o, "candidate", line);
		}
	}
	if (f->have_recipients) {
		for (i = 0; i < f->recipients.nto; i++)
			row(o, "to", f->recipients.to[i]);
		for (i = 0; i < f->recipients.ncc; i++)
			row(o, "cc", f->recipients.cc[i]);
	}
	fprintf(o, "</table>\n<h2>The bisection</h2>\n");
	draw_svg(o, s, &r, steps, nsteps);
	fprintf(o, "<p class=\"legend\">bars: runs of each tested commit, "
		"<span style=\"color:#d62728\">target crash</span> / <span style=\"color:#2ca02c\">clean</span> / "
		"<span style=\"color:#ff7f0e\">other crash</span> / <span style=\"color:#888\">infra</span>; "
		"numbers: test order.</p>\n");
	model_list(o, s);
	tested_table(o, s, f);
	if (f->show) {
		fprintf(o, "<h2>The commit</h2>\n<pre id=\"commit\">");
		esc(o, f->show);
		fprintf(o, "</pre>\n");
	}
	if (f->crash_text) {
		fprintf(o, "<h2>The crash</h2>\n<pre id=\"crash\">");
		esc(o, f->crash_title);
		fprintf(o, "\n\n");
		esc(o, f->crash_text);
		fprintf(o, "</pre>\n");
	}
	if (report_text) {
		fprintf(o, "<h2>Report</h2>\n<pre id=\"report\">");
		esc(o, report_text);
		fprintf(o, "</pre>\n");
	}
	fprintf(o, "</body></html>\n");
	range_free(&r);
	free(steps);
	if (fclose(o) || !buf) {
		free(buf);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	*html = buf;
	return 0;
}
