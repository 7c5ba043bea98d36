/* result.json and the summary lines of the log. */
#include "driver/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void format_duration(double s, char *buf, size_t size)
{
	long h = (long)(s / 3600), m = (long)((s - h * 3600.0) / 60);
	double sec = s - h * 3600.0 - m * 60.0;

	if (h)
		snprintf(buf, size, "%ldh%ldm%.1fs", h, m, sec);
	else if (m)
		snprintf(buf, size, "%ldm%.1fs", m, sec);
	else
		snprintf(buf, size, "%.1fs", sec);
}

/* The three kinds of evidence of a tested commit: target, clean, other (with the other titles). */
static json_t *evidence_json(struct driver *d, const struct tested *t)
{
	json_t *others = json_array(), *obj;
	unsigned k, target = 0, clean = 0, other = 0;

	for (k = 0; k < t->nruns; k++) {
		const char *o = t->outcomes[k];
		size_t j;
		json_t *e;
		int seen = 0;

		if (!o)
			continue;
		if (drv_is_target(d, o)) {
			target++;
			continue;
		}
		if (!strcmp(o, "OK")) {
			clean++;
			continue;
		}
		other++;
		json_array_foreach(others, j, e)
			seen |= !strcmp(json_string_value(e), o);
		if (!seen && others)
			json_array_append_new(others, json_string(o));
	}
	obj = json_pack("{s:i, s:i, s:i, s:o}", "target", (int)target, "clean", (int)clean,
			"other", (int)other, "other_outcomes", others ? others : json_array());
	return obj ? obj : json_null();
}

int drv_write_result(struct driver *d, const char *status, const struct cp_oid *culprit,
		     const struct cp_oid *cands, size_t ncands)
{
	json_t *root, *tested = json_array(), *candidates = json_array();
	char hex[CP_OID_HEXSZ + 1], path[4200];
	struct cp_commit_info *info = NULL;
	size_t i, k;
	int ret = 0;

	if (!tested || !candidates) {
		json_decref(tested);
		json_decref(candidates);
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < d->ntested; i++) {
		struct tested *t = &d->tested[i];
		json_t *runs = json_array(), *entry;

		for (k = 0; k < t->nruns && runs; k++)
			if (t->outcomes[k])
				json_array_append_new(runs, json_pack("{s:i, s:s, s:f}",
					"index", (int)k, "outcome", t->outcomes[k],
					"duration_s", t->run_s[k]));
		cp_oid_to_hex(&t->id, hex);
		entry = json_pack("{s:s, s:s, s:{s:b, s:f, s:s?}, s:o, s:s, s:o}",
			"commit", hex, "label", t->label,
			"build", "ok", t->built, "duration_s", t->build_s,
			"signature", t->sig[0] ? t->sig : NULL,
			"runs", runs ? runs : json_null(), "verdict", drv_verdict_name(t->verdict),
			"evidence", evidence_json(d, t));
		if (entry && t->boot != DRV_BOOT_NONE)
			json_object_set_new(entry, "boot", drv_boot_json(t));
		if (entry && t->same_as >= 0) {
			cp_oid_to_hex(&d->tested[t->same_as].id, hex);
			json_object_set_new(entry, "same_signature_as", json_string(hex));
		}
		if (entry)
			json_array_append_new(tested, entry);
	}
	for (i = 0; i < ncands; i++) {
		cp_oid_to_hex(&cands[i], hex);
		json_array_append_new(candidates, json_string(hex));
	}
	root = json_pack("{s:i, s:s, s:s, s:s?, s:o, s:o, s:o, s:{s:i, s:f, s:f, s:f}}",
			 "version", 1, "mode", d->job->fix ? "fix" : "cause",
			 "status", status, "target", d->target,
			 "job", cp_job_to_json(d->job),
			 "candidates", candidates, "tested", tested,
			 "totals", "revisions_tested", (int)d->ntested,
			 "build_s", d->build_s, "test_s", d->test_s,
			 "total_s", d->build_s + d->test_s);
	if (!root)
		return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
	json_object_set_new(root, "policy", json_string(d->bayes ? "culprit" : "git"));
	if (d->releases_skipped)
		json_object_set(root, "releases_skipped", d->releases_skipped);
	if (d->bayes_result)
		json_object_set(root, "bayes", d->bayes_result);
	if (d->bayes && d->graph) {
		/* the leading candidates, as the page draws them */
		struct cp_oid ids[DRV_CANDIDATES_MAX];
		double post[DRV_CANDIDATES_MAX];
		size_t n = drv_bayes_candidates(d, ids, post, DRV_CANDIDATES_MAX);
		json_t *list = json_array();

		for (i = 0; i < n && list; i++) {
			cp_oid_to_hex(&ids[i], hex);
			json_array_append_new(list, json_pack("{s:s, s:f}", "commit", hex, "p", post[i]));
		}
		if (list)
			json_object_set_new(root, "posterior", list);
	}
	if (culprit) {
		cp_oid_to_hex(culprit, hex);
		if (cp_commit_info_load(d->repo, culprit, 0, &info, d->err) == 0) {
			json_object_set_new(root, "culprit", json_pack("{s:s, s:s, s:s, s:s}",
				"commit", hex, "subject", info->subject,
				"author", info->author.name, "email", info->author.email));
			cp_commit_info_free(info);
		}
	}
	snprintf(path, sizeof(path), "%s/result.json", d->job->out);
	if (json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS) < 0)
		ret = cp_error_set(d->err, CP_ERR_IO, "cannot write %s", path);
	json_decref(root);
	return ret;
}

/* The answer: result.json "found", then the summary lines of the log. */
int drv_found(struct driver *d, const struct cp_oid *c)
{
	struct cp_commit_info *info = NULL;
	char hex[CP_OID_HEXSZ + 1], tot[64], b[64], t[64];
	int ret = drv_write_result(d, "found", c, NULL, 0);

	if (ret || cp_commit_info_load(d->repo, c, 0, &info, d->err) != 0)
		return ret;
	cp_oid_to_hex(c, hex);
	format_duration(d->build_s + d->test_s, tot, sizeof(tot));
	format_duration(d->build_s, b, sizeof(b));
	format_duration(d->test_s, t, sizeof(t));
	drv_log(d, "revisions tested: %zu, total time: %s (build: %s, test: %s)\n",
	      d->ntested, tot, b, t);
	drv_log(d, "%s commit: %s %s\n", d->job->fix ? "fix" : "first bad", hex, info->subject);
	if (d->target)
		drv_log(d, "crash: %s\n", d->target);
	cp_commit_info_free(info);
	return 0;
}
