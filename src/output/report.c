/*
 * The report text: facts from the repository and run logs, then the text.
 */
#include "output/report.h"

#include "report/report.h"
#include "vcs/vcs.h"

#include <ctype.h>
#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CRASH_TEXT_MAX (256u << 10)

void cp_output_facts_dispose(struct cp_output_facts *f)
{
	size_t i;

	free(f->show);
	free(f->author);
	free(f->release);
	if (f->have_recipients)
		cp_recipients_dispose(&f->recipients);
	free(f->crash_title);
	free(f->crash_text);
	free(f->crash_source);
	for (i = 0; i < f->nsubjects; i++)
		free(f->subjects[i]);
	free(f->subjects);
	free(f->candidate_subjects);
	memset(f, 0, sizeof(*f));
}

/* The crash report in a run log, streamed (the log may be large). */
static int parse_log(const char *path, struct cp_report **rep, struct cp_error *err)
{
	struct cp_report_stream *st = NULL;
	char *buf;
	FILE *f;
	size_t n;
	int ret;

	*rep = NULL;
	f = fopen(path, "rb");
	if (!f)
		return 0;
	buf = malloc(1 << 16);
	ret = buf ? cp_report_stream_new(&st, err) : cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	while (!ret && (n = fread(buf, 1, 1 << 16, f)) > 0)
		ret = cp_report_stream_feed(st, buf, n, err);
	if (!ret)
		ret = cp_report_stream_finish(st, rep, err);
	cp_report_stream_free(st);
	free(buf);
	fclose(f);
	return ret == CP_ERR_NOMEM ? ret : 0;
}

/* The first run of tested commit t whose outcome is the target crash. */
static int crash_from(const struct cp_summary *s, const struct cp_summary_tested *t,
		      const char *out_dir, struct cp_output_facts *f, struct cp_error *err)
{
	struct cp_oid id;
	size_t i;
	json_t *r;

	/* the commit names a directory: only a real object id */
	if (strlen(t->commit) != CP_OID_HEXSZ || cp_oid_from_hex(&id, t->commit))
		return 0;
	json_array_foreach(t->run_list, i, r) {
		const char *o = json_string_value(json_object_get(r, "outcome"));
		json_int_t idx = json_integer_value(json_object_get(r, "index"));
		struct cp_report *rep = NULL;
		char path[4400], rel[200];
		int ret;

		if (!o || strncmp(o, "crashed: ", 9) ||
		    (s->target && !cp_report_same_title(o + 9, s->target)))
			continue;
		snprintf(rel, sizeof(rel), "commits/%s/run-%lld.log", t->commit, (long long)idx);
		snprintf(path, sizeof(path), "%s/%s", out_dir, rel);
		ret = parse_log(path, &rep, err);
		if (ret)
			return ret;
		if (!rep)
			continue;
		f->crash_title = strdup(rep->title);
		f->crash_text = strndup(rep->text, rep->text_len < CRASH_TEXT_MAX ?
					rep->text_len : CRASH_TEXT_MAX);
		f->crash_source = strdup(rel);
		cp_report_free(rep);
		if (!f->crash_title || !f->crash_text || !f->crash_source)
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		return 1;
	}
	return 0;
}

static int gather_crash(const struct cp_summary *s, const char *out_dir,
			struct cp_output_facts *f, struct cp_error *err)
{
	size_t i;
	int ret = 0;

	if (!out_dir)
		return 0;
	/* the culprit's own crash first (cause), else the first crashing commit */
	for (i = 0; i < s->ntested && s->culprit && !strcmp(s->mode, "cause"); i++)
		if (!strcmp(s->tested[i].commit, s->culprit)) {
			ret = crash_from(s, &s->tested[i], out_dir, f, err);
			break;
		}
	for (i = 0; i < s->ntested && !ret; i++)
		if (s->tested[i].runs.target)
			ret = crash_from(s, &s->tested[i], out_dir, f, err);
	return ret < 0 ? ret : 0;
}

/* 1 when name is vX.Y or vX.Y.Z (digits only), as src/vcs counts releases. */
static int is_release_name(const char *name)
{
	const char *p = name;
	int dots = 0;

	if (*p++ != 'v' || !isdigit((unsigned char)*p))
		return 0;
	for (; *p; p++) {
		if (*p == '.' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[-1]))
			dots++;
		else if (!isdigit((unsigned char)*p))
			return 0;
	}
	return dots == 1 || dots == 2;
}

/*
 * A release tag naming commit id itself (*name malloc'd, or NULL).  Only
 * the tags are looked at, not the history: fast on any repository.
 * Returns -1 when out of memory.
 */
static int release_tag_on(struct cp_repo *repo, const struct cp_oid *id, char **name)
{
	git_repository *git = NULL;
	git_strarray tags = { 0 };
	size_t i;
	int ret = 0;

	*name = NULL;
	if (git_libgit2_init() < 0)
		return 0;
	if (git_repository_open(&git, cp_repo_git_dir(repo)) < 0)
		goto out;
	if (git_tag_list(&tags, git) < 0)
		goto out;
	for (i = 0; i < tags.count && !*name; i++) {
		char ref[1100];
		git_object *obj = NULL, *peeled = NULL;

		if (!is_release_name(tags.strings[i]))
			continue;
		snprintf(ref, sizeof(ref), "refs/tags/%s", tags.strings[i]);
		if (git_revparse_single(&obj, git, ref) == 0 &&
		    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0 &&
		    !memcmp(git_object_id(peeled)->id, id->id, CP_OID_RAWSZ)) {
			*name = strdup(tags.strings[i]);
			if (!*name)
				ret = -1;
		}
		git_object_free(peeled);
		git_object_free(obj);
	}
out:
	git_strarray_dispose(&tags);
	git_repository_free(git);
	git_libgit2_shutdown();
	return ret;
}

static int gather_repo(const struct cp_summary *s, struct cp_repo *repo,
		       struct cp_output_facts *f, struct cp_error *err)
{
	struct cp_commit_info *info = NULL;
	struct cp_error ignored;
	struct cp_oid id;
	size_t i;

	f->subjects = calloc(s->ntested + 1, sizeof(*f->subjects));
	f->candidate_subjects = calloc(s->ncandidates + 1, sizeof(*f->candidate_subjects));
	if (!f->subjects || !f->candidate_subjects)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	f->nsubjects = s->ntested;
	for (i = 0; i < s->ntested; i++) {
		if (cp_oid_from_hex(&id, s->tested[i].commit) ||
		    cp_commit_info_load(repo, &id, 0, &info, &ignored))
			continue;
		f->subjects[i] = strdup(info->subject);
		cp_commit_info_free(info);
		if (!f->subjects[i])
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < s->ncandidates; i++) {
		size_t k;

		/* borrowed from subjects when tested, else left NULL */
		for (k = 0; k < s->ntested; k++)
			if (!strcmp(s->tested[k].commit, s->candidates[i]))
				f->candidate_subjects[i] = f->subjects[k];
	}
	if (!s->culprit || cp_oid_from_hex(&id, s->culprit))
		return 0;
	if (cp_commit_info_load(repo, &id, 0, &info, &ignored) == 0) {
		f->nparents = (int)info->nparents;
		if (info->nparents)
			cp_oid_to_hex(&info->parents[0], f->parent);
		f->author = malloc(strlen(info->author.name) + strlen(info->author.email) + 4);
		if (f->author)
			sprintf(f->author, "%s <%s>", info->author.name, info->author.email);
		cp_commit_info_free(info);
		if (!f->author)
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	if (cp_commit_format_show(repo, &id, &f->show, &ignored) == CP_ERR_NOMEM)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	if (release_tag_on(repo, &id, &f->release))
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	if (cp_recipients_for_commit(repo, &id, &f->recipients, &ignored) == 0)
		f->have_recipients = 1;
	return 0;
}

int cp_output_facts_gather(const struct cp_summary *s, struct cp_repo *repo,
			   const char *out_dir, struct cp_output_facts *f,
			   struct cp_error *err)
{
	int ret = 0;

	memset(f, 0, sizeof(*f));
	f->nparents = -1;
	if (repo)
		ret = gather_repo(s, repo, f, err);
	if (!ret)
		ret = gather_crash(s, out_dir, f, err);
	if (ret)
		cp_output_facts_dispose(f);
	return ret;
}

/* ---- the text ---- */

static const char *subject_of(const struct cp_summary *s, const struct cp_output_facts *f,
			      size_t i)
{
	if (f->subjects && i < f->nsubjects && f->subjects[i])
		return f->subjects[i];
	if (s->culprit && !strcmp(s->tested[i].commit, s->culprit) && s->culprit_subject)
		return s->culprit_subject;
	return "";
}

static void print_list(FILE *o, const char *what, char **v, size_t n)
{
	size_t i;

	fprintf(o, "recipients (%s): [", what);
	for (i = 0; i < n; i++)
		fprintf(o, "%s\"%s\"", i ? " " : "", v[i]);
	fprintf(o, "]\n");
}

static size_t find_tested(const struct cp_summary *s, const char *hex)
{
	size_t i;

	for (i = 0; hex && hex[0] && i < s->ntested; i++)
		if (!strcmp(s->tested[i].commit, hex))
			return i;
	return (size_t)-1;
}

static void print_flags(FILE *o, const struct cp_summary *s, const struct cp_output_facts *f)
{
	size_t i, k;
	int any = 0;

	if (s->from_journal) {
		fprintf(o, "  - interrupted: no result yet (resume with culprit bisect --resume)\n");
		any = 1;
	}
	if (cp_summary_flaky(s)) {
		fprintf(o, "  - flaky reproducer: the crash was seen in %u of %u runs on crashing commits (estimated rate %.0f%%)\n",
			s->bad_hits, s->bad_runs, 100.0 * s->bad_hits / s->bad_runs);
		any = 1;
	}
	if (s->culprit_signature && s->parent_signature &&
	    !strcmp(s->culprit_signature, s->parent_signature)) {
		fprintf(o, "  - build unchanged from parent: the culprit builds the same binary as its parent\n");
		any = 1;
	}
	if (f->release) {
		fprintf(o, "  - culprit is a release tag: %s\n", f->release);
		any = 1;
	}
	if (f->nparents > 1) {
		fprintf(o, "  - culprit is a merge (%d parents)\n", f->nparents);
		any = 1;
	}
	for (i = 0; i < s->nothers; i++) {
		const struct cp_summary_other *x = &s->others[i];

		fprintf(o, "  - other crash in the range: \"%s\" in %u run%s on", x->title, x->runs,
			x->runs == 1 ? "" : "s");
		for (k = 0; k < x->ntested; k++)
			fprintf(o, " %.12s", s->tested[x->tested[k]].commit);
		fprintf(o, "\n");
		any = 1;
	}
	if (!strcmp(s->status, "inconclusive") || !strcmp(s->status, "uncertain")) {
		if (!strcmp(s->status, "uncertain"))
			fprintf(o, "  - uncertain: no %s reached the confidence target; "
				"the candidates and their posteriors:\n",
				strcmp(s->mode, "fix") ? "first bad commit" : "fix");
		else
			fprintf(o, "  - inconclusive: the %s could be any of %zu commits:\n",
				strcmp(s->mode, "fix") ? "first bad commit" : "fix", s->ncandidates);
		for (i = 0; i < s->ncandidates; i++) {
			double p = cp_summary_posterior_of(s, s->candidates[i]);

			fprintf(o, "      %s", s->candidates[i]);
			if (p >= 0)
				fprintf(o, " %.4f", p);
			fprintf(o, " %s\n", f->candidate_subjects && f->candidate_subjects[i] ?
				f->candidate_subjects[i] : "");
		}
		any = 1;
	}
	for (i = 0; i < s->nflags; i++) {
		fprintf(o, "  - %s\n", s->flags[i]);
		any = 1;
	}
	if (!any)
		fprintf(o, "  none\n");
}

/* What the reported confidence assumes (result.json bayes.model). */
static void print_model(FILE *o, const struct cp_summary *s)
{
	const char *lines[8];
	char prior[256];
	size_t n = cp_summary_model_lines(s, prior, sizeof(prior), lines, 8), i;

	if (n)
		fprintf(o, "the confidence assumes (docs/model.md):\n");
	for (i = 0; i < n; i++)
		fprintf(o, "  - %s\n", lines[i]);
}

static void print_runs_table(FILE *o, const struct cp_summary *s, const struct cp_output_facts *f)
{
	size_t i;

	fprintf(o, "runs per tested commit (target: the crash bisected; other: another crash; infra: could not run):\n");
	fprintf(o, "  %3s  %-12s  %-8s  %6s  %6s  %5s  %5s  %8s  %8s  %s\n", "#", "commit",
		"verdict", "target", "clean", "other", "infra", "build", "test", "subject");
	for (i = 0; i < s->ntested; i++) {
		const struct cp_summary_tested *t = &s->tested[i];
		char b[32], tt[32], label[200];

		cp_format_duration(t->build_s, b, sizeof(b));
		cp_format_duration(t->test_s, tt, sizeof(tt));
		if (t->built == 0)
			snprintf(b, sizeof(b), "failed");
		snprintf(label, sizeof(label), "%s%s%s", t->label[0] ? "[" : "", t->label,
			 t->label[0] ? "] " : "");
		fprintf(o, "  %3zu  %.12s  %-8s  %6u  %6u  %5u  %5u  %8s  %8s  %s%s%s\n", i + 1,
			t->commit, t->verdict[0] ? t->verdict : "-", t->runs.target, t->runs.clean,
			t->runs.other, t->runs.infra, b, tt, label, subject_of(s, f, i),
			s->culprit && !strcmp(t->commit, s->culprit) ? "  <= culprit" : "");
	}
}

/* Runs of tested commit t that ended with outcome (NULL: all). */
static unsigned count_outcome(const struct cp_summary_tested *t, const char *outcome)
{
	unsigned n = 0;
	struct cp_oid id;
	size_t i;
	json_t *r;

	/* the commit names a directory: only a real object id */
	if (strlen(t->commit) != CP_OID_HEXSZ || cp_oid_from_hex(&id, t->commit))
		return 0;
	json_array_foreach(t->run_list, i, r) {
		const char *x = json_string_value(json_object_get(r, "outcome"));

		n += !outcome || (x && !strcmp(x, outcome));
	}
	return n;
}

/* Intel 0-day style: parent against culprit, one row per outcome. */
static void print_parent_table(FILE *o, const struct cp_summary *s, const struct cp_output_facts *f)
{
	size_t ip = find_tested(s, f->parent), ic = find_tested(s, s->culprit), i, k;
	const struct cp_summary_tested *cols[2];
	const char *rows[64];
	size_t nrows = 0;
	char hp[16], hc[16];

	if (ic == (size_t)-1)
		return;
	cols[0] = ip == (size_t)-1 ? NULL : &s->tested[ip];
	cols[1] = &s->tested[ic];
	for (i = 0; i < 2; i++) {
		json_t *r;

		if (!cols[i])
			continue;
		json_array_foreach(cols[i]->run_list, k, r) {
			const char *x = json_string_value(json_object_get(r, "outcome"));
			size_t j;

			for (j = 0; x && j < nrows && strcmp(rows[j], x); j++)
				;
			if (x && j == nrows && nrows < 64)
				rows[nrows++] = x;
		}
	}
	snprintf(hp, sizeof(hp), "%.12s", f->parent[0] ? f->parent : "parent");
	snprintf(hc, sizeof(hc), "%.12s", s->culprit);
	fprintf(o, "\nparent against culprit (runs):\n");
	fprintf(o, "  +------------------------------------------------------+--------------+--------------+\n");
	fprintf(o, "  | %-52s | %-12s | %-12s |\n", "", hp, hc);
	fprintf(o, "  +------------------------------------------------------+--------------+--------------+\n");
	for (i = 0; i <= nrows; i++) {
		const char *row = i ? rows[i - 1] : NULL;
		char name[64], a[16];

		snprintf(name, sizeof(name), "%.52s", row ? row : "runs");
		if (cols[0])
			snprintf(a, sizeof(a), "%u", count_outcome(cols[0], row));
		else
			snprintf(a, sizeof(a), "not tested");
		fprintf(o, "  | %-52s | %-12s | %-12u |\n", name, a, count_outcome(cols[1], row));
	}
	fprintf(o, "  +------------------------------------------------------+--------------+--------------+\n");
}

int cp_output_report_text(const struct cp_summary *s, const struct cp_output_facts *f,
			  char **text, struct cp_error *err)
{
	const char *what = strcmp(s->mode, "fix") ? "first bad commit" : "fix commit";
	char *buf = NULL;
	size_t len = 0;
	char tot[32], b[32], t[32];
	FILE *o;

	*text = NULL;
	o = open_memstream(&buf, &len);
	if (!o)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	fprintf(o, "culprit bisection report (%s), status: %s\n", s->mode, s->status);
	if (s->target)
		fprintf(o, "crash: %s\n", s->target);
	if (s->repo)
		fprintf(o, "repository: %s%s%s\n", s->repo, s->bad ? ", bad: " : "",
			s->bad ? s->bad : "");
	fprintf(o, "\n");
	if (s->culprit) {
		fprintf(o, "%s is the %s\n", s->culprit, what);
		if (f->show)
			fprintf(o, "%s", f->show);
		else
			fprintf(o, "commit %s\n    %s\n", s->culprit,
				s->culprit_subject ? s->culprit_subject : "");
		fprintf(o, "\n");
	}
	if (s->culprit_signature)
		fprintf(o, "culprit signature: %s\n", s->culprit_signature);
	if (s->parent_signature)
		fprintf(o, "parent  signature: %s\n", s->parent_signature);
	if (s->culprit && strcmp(s->status, "interrupted"))
		fprintf(o, "confidence: %.1f%%%s\n", 100.0 * s->confidence,
			s->confidence_given ? " (the culprit's posterior)" :
			" (estimated: every clean verdict right at the crash rate seen)");
	print_model(o, s);
	fprintf(o, "flags:\n");
	print_flags(o, s, f);
	fprintf(o, "\n");
	print_runs_table(o, s, f);
	if (s->culprit)
		print_parent_table(o, s, f);
	cp_format_duration(s->total_s, tot, sizeof(tot));
	cp_format_duration(s->build_s, b, sizeof(b));
	cp_format_duration(s->test_s, t, sizeof(t));
	fprintf(o, "\nrevisions tested: %zu, total time: %s (build: %s, test: %s)\n",
		s->revisions, tot, b, t);
	if (s->culprit)
		fprintf(o, "%s: %s %s\n", what, s->culprit, s->culprit_subject ? s->culprit_subject :
			"");
	else if (!strcmp(s->status, "inconclusive") || !strcmp(s->status, "uncertain"))
		fprintf(o, "%s: %s, %zu candidates\n", what, s->status, s->ncandidates);
	else
		fprintf(o, "%s: not found yet\n", what);
	if (f->have_recipients) {
		print_list(o, "to", f->recipients.to, f->recipients.nto);
		print_list(o, "cc", f->recipients.cc, f->recipients.ncc);
	}
	if (f->crash_text) {
		fprintf(o, "crash: %s (%s)\n", f->crash_title, f->crash_source);
		fprintf(o, "%s", f->crash_text);
		if (f->crash_text[0] && f->crash_text[strlen(f->crash_text) - 1] != '\n')
			fprintf(o, "\n");
	} else if (s->target) {
		fprintf(o, "crash: %s\n", s->target);
	}
	if (fclose(o) || !buf) {
		free(buf);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	*text = buf;
	return 0;
}
