#include "bisect/gitstep.h"

#include <stdlib.h>
#include <string.h>

static int contains(const struct cp_oid *set, size_t n, const struct cp_oid *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cp_oid_equal(&set[i], id))
			return 1;
	return 0;
}

void cp_git_step_free(struct cp_git_step *step)
{
	if (!step)
		return;
	free(step->candidates);
	free(step->skipped_bases);
	step->candidates = NULL;
	step->skipped_bases = NULL;
}

/* git's check_good_are_ancestors_of_bad(); returns 1 when it decided. */
static int merge_base_step(const struct cp_commit_source *src, const struct cp_git_state *st,
			   struct cp_git_step *out, int *ret, struct cp_error *err)
{
	struct cp_oid *bases = NULL;
	size_t nbases = 0, i;
	int outside = 0, decided = 0;
	char hex[CP_OID_HEXSZ + 1];

	*ret = cp_revwalk_goods_outside(src, &st->bad, st->goods, st->ngoods, &outside, err);
	if (*ret || !outside)
		return *ret ? 1 : 0;
	*ret = cp_revwalk_merge_bases(src, &st->bad, st->goods, st->ngoods, &bases, &nbases, err);
	if (*ret)
		return 1;
	for (i = 0; i < nbases && !decided; i++) {
		if (cp_oid_equal(&bases[i], &st->bad)) {
			cp_oid_to_hex(&bases[i], hex);
			*ret = cp_error_set(err, CP_ERR_MERGE_BASE_BAD,
				"the merge base %s is bad: a good commit descends from the bad one (the bug was fixed in between, or good and bad are swapped)",
				hex);
			decided = 1;
		} else if (contains(st->goods, st->ngoods, &bases[i])) {
			continue;
		} else if (contains(st->skips, st->nskips, &bases[i])) {
			struct cp_oid *p = realloc(out->skipped_bases,
						   (out->nskipped_bases + 1) * sizeof(*p));

			if (!p) {
				*ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
				decided = 1;
				break;
			}
			p[out->nskipped_bases++] = bases[i];
			out->skipped_bases = p;
		} else {
			out->action = CP_GIT_TEST_MERGE_BASE;
			out->commit = bases[i];
			decided = 1;
		}
	}
	free(bases);
	return decided;
}

int cp_git_next(const struct cp_commit_source *src, const struct cp_git_state *st,
		struct cp_git_step *out, struct cp_error *err)
{
	struct cp_graph graph = { 0 };
	struct cp_bisect_step step = { 0 };
	struct cp_bisect_query query = { 0 };
	unsigned char *skipped = NULL;
	size_t i;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (st->ancestors_ok)
		ret = cp_revwalk_candidates(src, &st->bad, st->goods, st->ngoods,
					    st->first_parent, &graph, err);
	else if (merge_base_step(src, st, out, &ret, err))
		goto out;
	else
		ret = cp_revwalk_candidates_after_check(src, &st->bad, st->goods, st->ngoods,
							st->first_parent, &graph, err);
	/* git writes the file when the check passed, never without goods */
	out->ancestors_ok = st->ancestors_ok || st->ngoods > 0;
	if (ret)
		goto out;
	skipped = calloc(graph.n ? graph.n : 1, 1);
	if (!skipped) {
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < st->nskips; i++) {
		int64_t k = cp_graph_find(&graph, &st->skips[i]);

		if (k >= 0)
			skipped[k] = 1;
	}
	query.graph = &graph;
	query.skipped = skipped;
	query.have_skips = st->nskips > 0;
	query.first_parent = st->first_parent;
	ret = cp_bisect_next(&query, &step, err);
	if (ret)
		goto out;
	out->left = step.left;
	out->steps = step.steps;
	out->all = step.all;
	switch (step.kind) {
	case CP_BISECT_EMPTY:
		out->action = CP_GIT_BOTH;
		out->commit = st->bad;
		break;
	case CP_BISECT_FOUND:
		out->action = CP_GIT_FOUND;
		out->commit = graph.oids[step.commit];
		break;
	case CP_BISECT_TEST:
		out->action = CP_GIT_TEST;
		out->commit = graph.oids[step.commit];
		break;
	case CP_BISECT_ONLY_SKIPPED:
		out->action = CP_GIT_ONLY_SKIPPED;
		out->candidates = malloc((step.ncandidates ? step.ncandidates : 1) *
					 sizeof(*out->candidates));
		if (!out->candidates) {
			ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			break;
		}
		for (i = 0; i < step.ncandidates; i++)
			out->candidates[i] = graph.oids[step.candidates[i]];
		out->ncandidates = step.ncandidates;
		break;
	}
out:
	cp_bisect_step_free(&step);
	cp_graph_free(&graph);
	free(skipped);
	if (ret)
		cp_git_step_free(out);
	return ret;
}
