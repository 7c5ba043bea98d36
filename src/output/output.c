/*
 * cp_output_write(): result.json to report.txt and index.html.
 */
#include "output/output.h"

#include "output/html.h"
#include "output/report.h"
#include "output/summary.h"
#include "vcs/vcs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes text to out_dir/name through a temporary file and a rename. */
static int write_file(const char *out_dir, const char *name, const char *text,
		      struct cp_error *err)
{
	char path[4200], tmp[4300];
	size_t len = strlen(text);
	FILE *f;
	int bad;

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f)
		return cp_error_set(err, CP_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
	bad = fwrite(text, 1, len, f) != len;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path)) {
		unlink(tmp);
		return cp_error_set(err, CP_ERR_IO, "cannot write %s", path);
	}
	return 0;
}

int cp_output_write(const char *out_dir, struct cp_repo *repo, FILE *print,
		    struct cp_error *err)
{
	struct cp_summary s;
	struct cp_output_facts f;
	char *text = NULL, *html = NULL;
	int ret;

	ret = cp_summary_load(out_dir, &s, err);
	if (ret)
		return ret;
	ret = cp_output_facts_gather(&s, repo, out_dir, &f, err);
	if (ret) {
		cp_summary_dispose(&s);
		return ret;
	}
	ret = cp_output_report_text(&s, &f, &text, err);
	if (!ret)
		ret = cp_output_html(&s, &f, repo, text, &html, err);
	if (!ret)
		ret = write_file(out_dir, "report.txt", text, err);
	if (!ret)
		ret = write_file(out_dir, "index.html", html, err);
	if (!ret && print) {
		fputs(text, print);
		if (fflush(print) || ferror(print))
			ret = cp_error_set(err, CP_ERR_IO, "writing the report failed");
	}
	free(text);
	free(html);
	cp_output_facts_dispose(&f);
	cp_summary_dispose(&s);
	return ret;
}

int cp_output_write_auto(const char *out_dir, FILE *print, struct cp_error *err)
{
	struct cp_summary s;
	struct cp_repo *repo = NULL;
	struct cp_error ignored;
	int ret;

	ret = cp_summary_load(out_dir, &s, err);
	if (ret)
		return ret;
	if (s.repo && cp_repo_open(&repo, s.repo, &ignored))
		repo = NULL;
	cp_summary_dispose(&s);
	ret = cp_output_write(out_dir, repo, print, err);
	cp_repo_free(repo);
	return ret;
}
