/*
 * Building the message.  Header values come from commits and crash text,
 * so they are untrusted: control characters are dropped (no header
 * injection) and non-ASCII text is RFC 2047 encoded.
 */
#include "mail/mail.h"
#include "output/report.h"
#include "output/summary.h"
#include "vcs/vcs.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LOG = 256 * 1024 };

/* One header line's value: no CR/LF or other controls; RFC 2047 when non-ASCII. */
static void header_text(FILE *o, const char *s)
{
	size_t n = strlen(s), i, k = 0;
	int ascii = 1;
	char *clean = malloc(n + 1);

	if (!clean)
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (c >= 0x80)
			ascii = 0;
		clean[k++] = (char)c;
	}
	clean[k] = '\0';
	if (ascii) {
		fputs(clean, o);
	} else {
		/*
		 * One encoded word per at most 45 input bytes keeps lines short;
		 * RFC 2047 wants whole characters in each word, so a word never
		 * ends before a UTF-8 continuation byte.
		 */
		for (i = 0; i < k; ) {
			unsigned char out[64];
			size_t m = k - i > 45 ? 45 : k - i;

			while (m > 4 && i + m < k && ((unsigned char)clean[i + m] & 0xc0) == 0x80)
				m--;
			EVP_EncodeBlock(out, (const unsigned char *)clean + i, (int)m);
			fprintf(o, "%s=?UTF-8?B?%s?=", i ? "\n " : "", out);
			i += m;
		}
	}
	free(clean);
}

static void address_list(FILE *o, const char *name, char **a, size_t n)
{
	size_t i;

	if (!n)
		return;
	fprintf(o, "%s: ", name);
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n    " : "", o);
		header_text(o, a[i]);
	}
	fputc('\n', o);
}

static char *read_file(const char *path, size_t max)
{
	FILE *f = fopen(path, "r");
	char *b;
	size_t n;

	if (!f)
		return NULL;
	b = malloc(max + 1);
	if (!b) {
		fclose(f);
		return NULL;
	}
	n = fread(b, 1, max, f);
	fclose(f);
	b[n] = '\0';
	return b;
}

/* The report's confidence and flags block, as `culprit show` prints it. */
static void confidence_block(FILE *o, const char *report)
{
	const char *a = report ? strstr(report, "\nconfidence: ") : NULL;
	const char *b = a ? strstr(a, "\nruns per tested commit") : NULL;

	if (!a)
		return;
	if (!b)
		b = a + strlen(a);
	fwrite(a + 1, 1, (size_t)(b - a), o);
}

static int hold(char *held, size_t size, const char *fmt, double a, double b)
{
	snprintf(held, size, fmt, a, b);
	return 0;
}

int cp_mail_compose(const char *out_dir, const struct cp_mail_options *opt, char **msg,
		    char *held, size_t held_size, struct cp_error *err)
{
	struct cp_summary s;
	struct cp_output_facts f;
	struct cp_repo *repo = NULL;
	struct cp_error ignored;
	char *report = NULL, *log = NULL, *path = NULL, *buf = NULL, *abs = NULL, date[64];
	size_t len = 0;
	time_t t = opt->date ? opt->date : time(NULL);
	struct tm tm;
	int fix, ret;
	FILE *o;

	*msg = NULL;
	held[0] = '\0';
	ret = cp_summary_load(out_dir, &s, err);
	if (ret)
		return cp_error_prefix(err, "mail: %s", out_dir);
	/* an uncertain result names candidates, never a culprit to mail */
	if (!s.from_journal && s.status && !strcmp(s.status, "uncertain")) {
		hold(held, held_size, "uncertain: no commit reached the confidence target", 0, 0);
		cp_summary_dispose(&s);
		return 0;
	}
	if (s.from_journal || !s.culprit) {
		hold(held, held_size, "no culprit (unfinished or inconclusive)", 0, 0);
		cp_summary_dispose(&s);
		return 0;
	}
	if (s.confidence < opt->hold_below) {
		hold(held, held_size, "confidence %.1f%% is below %g%%", 100 * s.confidence,
		     100 * opt->hold_below);
		cp_summary_dispose(&s);
		return 0;
	}
	if (s.repo && cp_repo_open(&repo, s.repo, &ignored))
		repo = NULL;
	ret = cp_output_facts_gather(&s, repo, out_dir, &f, err);
	if (ret)
		goto out_summary;
	if (!f.have_recipients || !f.recipients.nto) {
		hold(held, held_size, "no recipients (the repository is needed for them)", 0, 0);
		goto out_facts;
	}
	ret = cp_output_report_text(&s, &f, &report, err);
	if (ret)
		goto out_facts;
	if (asprintf(&path, "%s/log", out_dir) < 0) {
		path = NULL;
		ret = cp_error_set(err, CP_ERR_NOMEM, "mail: out of memory");
		goto out_facts;
	}
	log = read_file(path, MAX_LOG);
	/* the links name the directory wherever the mail is read */
	abs = realpath(out_dir, NULL);
	if (abs)
		out_dir = abs;
	o = open_memstream(&buf, &len);
	if (!o) {
		ret = cp_error_set(err, CP_ERR_NOMEM, "mail: out of memory");
		goto out_facts;
	}
	fix = s.mode && !strcmp(s.mode, "fix");
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	fputs("From: ", o);
	header_text(o, opt->from ? opt->from : "culprit <culprit@localhost>");
	fputc('\n', o);
	address_list(o, "To", f.recipients.to, f.recipients.nto);
	address_list(o, "Cc", f.recipients.cc, f.recipients.ncc);
	fputs("Subject: ", o);
	header_text(o, s.target ? s.target : "a crash");
	fprintf(o, "\nDate: %s\nMessage-ID: <culprit.%.12s.%lld@localhost>\nMIME-Version: 1.0\n"
		"Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
		"X-Culprit-Confidence: %.3f\n\n", date, s.culprit, (long long)t, s.confidence);
	fprintf(o, fix ? "culprit suspects this issue was fixed by commit:\n\n"
		       : "culprit has bisected this issue to:\n\n");
	if (f.show)
		fprintf(o, "%s%s", f.show, f.show[0] && f.show[strlen(f.show) - 1] == '\n' ? "" : "\n");
	else
		fprintf(o, "commit %s\nAuthor: %s\n\n    %s\n", s.culprit, f.author ? f.author : "?",
			s.culprit_subject ? s.culprit_subject : "");
	fputc('\n', o);
	if (opt->url && opt->store_id > 0) {
		fprintf(o, "bisection log:  %s/bisection/%lld/log\n", opt->url, opt->store_id);
		fprintf(o, "bisection page: %s/bisection/%lld\n", opt->url, opt->store_id);
	} else {
		fprintf(o, "bisection log:  %s/log\n", out_dir);
		fprintf(o, "bisection page: %s/index.html\n", out_dir);
	}
	if (s.bad)
		fprintf(o, "start commit:   %s\n", s.bad);
	if (s.repo)
		fprintf(o, "git tree:       %s\n", s.repo);
	if (f.crash_source)
		fprintf(o, "crash log:      %s/%s\n", out_dir, f.crash_source);
	fputc('\n', o);
	confidence_block(o, report);
	fprintf(o, "\nIf the result looks correct, please mark the issue as %s by committing%s:\n\n"
		"%s: %.12s (\"%s\")\n\n", fix ? "fixed" : "caused", fix ? " (or adding a tag)" : " a fix with",
		fix ? "Fixed-by" : "Fixes", s.culprit, s.culprit_subject ? s.culprit_subject : "");
	if (f.crash_text)
		fprintf(o, "crash report (%s):\n\n%s\n", f.crash_title ? f.crash_title : "", f.crash_text);
	if (log)
		fprintf(o, "\nbisection log:\n\n%s%s", log, log[0] && log[strlen(log) - 1] == '\n' ? "" : "\n");
	if (fclose(o) || !buf) {
		free(buf);
		ret = cp_error_set(err, CP_ERR_NOMEM, "mail: out of memory");
		goto out_facts;
	}
	*msg = buf;
out_facts:
	cp_output_facts_dispose(&f);
out_summary:
	free(report);
	free(log);
	free(path);
	free(abs);
	cp_repo_free(repo);
	cp_summary_dispose(&s);
	return ret;
}
