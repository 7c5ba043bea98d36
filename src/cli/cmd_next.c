/*
 * culprit next: one bisection step, printed exactly as git bisect prints it.
 * Plumbing for scripts and for checking culprit against git.
 */
#include "cli/cli.h"
#include "bisect/gitstep.h"
#include "bisect/revwalk.h"
#include "util/error.h"
#include "vcs/source.h"
#include "vcs/vcs.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct next_args {
	const char *repo;
	const char *bad;
	const char **goods;
	size_t ngoods;
	const char **skips;
	size_t nskips;
	int first_parent;
	int ancestors_ok;
};

static void next_usage(FILE *out)
{
	fprintf(out,
		"usage: culprit next --repo DIR --bad REV [--good REV]... [--skip REV]... [--first-parent]\n"
		"                    [--ancestors-ok]\n"
		"\n"
		"Prints what 'git bisect' prints at this point: the next commit to test,\n"
		"the first bad commit, or the candidates when only skipped commits are\n"
		"left.  Without --good, every ancestor of --bad is a candidate (as\n"
		"'git rev-list --bisect').  --skip accepts A..B ranges.\n"
		"\n"
		"By default culprit answers as a fresh 'git bisect' with these refs does:\n"
		"it first checks that the good commits are ancestors of bad.  A running\n"
		"git bisect makes that check once and then records BISECT_ANCESTORS_OK;\n"
		"--ancestors-ok answers as git does from then on (no check).\n");
}

static int push(const char ***arr, size_t *n, const char *v)
{
	const char **p = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!p)
		return -1;
	p[(*n)++] = v;
	*arr = p;
	return 0;
}

static int parse_args(int argc, char **argv, struct next_args *a)
{
	static const struct option opts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "bad", required_argument, NULL, 'b' },
		{ "good", required_argument, NULL, 'g' },
		{ "skip", required_argument, NULL, 's' },
		{ "first-parent", no_argument, NULL, 'f' },
		{ "ancestors-ok", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': a->repo = optarg; break;
		case 'b': a->bad = optarg; break;
		case 'g':
			if (push(&a->goods, &a->ngoods, optarg))
				return CP_ERR_NOMEM;
			break;
		case 's':
			if (push(&a->skips, &a->nskips, optarg))
				return CP_ERR_NOMEM;
			break;
		case 'f': a->first_parent = 1; break;
		case 'a': a->ancestors_ok = 1; break;
		case 'h': next_usage(stdout); return 1;
		default:
			fprintf(stderr, "culprit: next: unknown or incomplete option '%s' (see culprit next --help)\n",
				argv[optind - 1]);
			return CP_ERR_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "culprit: next: unexpected argument '%s' (see culprit next --help)\n",
			argv[optind]);
		return CP_ERR_USAGE;
	}
	if (!a->repo || !a->bad) {
		fprintf(stderr, "culprit: next: --repo and --bad are required (see culprit next --help)\n");
		return CP_ERR_USAGE;
	}
	return 0;
}

static int resolve_skip(struct cp_repo *repo, const struct cp_commit_source *src,
			const char *rev, struct cp_oid **set, size_t *n,
			struct cp_error *err)
{
	const char *dots = strstr(rev, "..");
	struct cp_oid id, lo;
	struct cp_graph g = { 0 };
	struct cp_oid *p;
	char *left = NULL;
	uint32_t i;
	int ret;

	if (!dots) {
		ret = cp_repo_resolve(repo, rev, &id, err);
		if (ret)
			return ret;
		p = realloc(*set, (*n + 1) * sizeof(**set));
		if (!p)
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		p[(*n)++] = id;
		*set = p;
		return 0;
	}
	left = strndup(rev, (size_t)(dots - rev));
	if (!left)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	ret = cp_repo_resolve(repo, *left ? left : "HEAD", &lo, err);
	if (!ret)
		ret = cp_repo_resolve(repo, dots[2] ? dots + 2 : "HEAD", &id, err);
	if (!ret)
		ret = cp_revwalk_candidates(src, &id, &lo, 1, 0, &g, err);
	if (!ret) {
		p = realloc(*set, (*n + g.n + 1) * sizeof(**set));
		if (!p) {
			ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		} else {
			for (i = 0; i < g.n; i++)
				p[(*n)++] = g.oids[i];
			*set = p;
		}
	}
	cp_graph_free(&g);
	free(left);
	return ret;
}

static int print_commit_line(struct cp_repo *repo, const struct cp_oid *id,
			     struct cp_error *err)
{
	struct cp_commit_info *info = NULL;
	char hex[CP_OID_HEXSZ + 1];
	int ret;

	ret = cp_commit_info_load(repo, id, 0, &info, err);
	if (ret)
		return ret;
	cp_oid_to_hex(id, hex);
	printf("[%s] %s\n", hex, info->subject);
	cp_commit_info_free(info);
	return 0;
}

static int cmp_oid(const void *a, const void *b)
{
	return cp_oid_cmp(a, b);
}

/* git's warning for a skipped merge base, goods in ref (id) order. */
static void warn_skipped_base(const struct cp_oid *bad, const struct cp_oid *goods,
			      size_t ngoods, const struct cp_oid *base)
{
	char hex[CP_OID_HEXSZ + 1], badhex[CP_OID_HEXSZ + 1];
	struct cp_oid *sorted = malloc((ngoods ? ngoods : 1) * sizeof(*sorted));
	size_t k;

	cp_oid_to_hex(bad, badhex);
	fprintf(stderr, "warning: the merge base between %s and [", badhex);
	if (sorted) {
		memcpy(sorted, goods, ngoods * sizeof(*goods));
		qsort(sorted, ngoods, sizeof(*sorted), cmp_oid);
		for (k = 0; k < ngoods; k++) {
			cp_oid_to_hex(&sorted[k], hex);
			fprintf(stderr, "%s%s", k ? " " : "", hex);
		}
		free(sorted);
	}
	cp_oid_to_hex(base, hex);
	fprintf(stderr, "] must be skipped.\n"
		"So we cannot be sure the first bad commit is between %s and %s.\n"
		"We continue anyway.\n", hex, badhex);
}

static int run_next(const struct next_args *a, struct cp_error *err)
{
	struct cp_repo *repo = NULL;
	struct cp_commit_source src;
	struct cp_oid *goods = NULL, *skips = NULL;
	struct cp_git_state st = { 0 };
	struct cp_git_step step = { 0 };
	size_t nskips = 0, i;
	char hex[CP_OID_HEXSZ + 1];
	char *show = NULL;
	int ret;

	ret = cp_repo_open(&repo, a->repo, err);
	if (ret)
		return ret;
	cp_repo_commit_source(repo, &src);
	ret = cp_repo_resolve(repo, a->bad, &st.bad, err);
	if (ret)
		goto shallow_hint;
	goods = malloc((a->ngoods ? a->ngoods : 1) * sizeof(*goods));
	if (!goods) {
		ret = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < a->ngoods; i++) {
		ret = cp_repo_resolve(repo, a->goods[i], &goods[i], err);
		if (ret)
			goto shallow_hint;
	}
	for (i = 0; i < a->nskips; i++) {
		ret = resolve_skip(repo, &src, a->skips[i], &skips, &nskips, err);
		if (ret)
			goto out;
	}
	st.goods = goods;
	st.ngoods = a->ngoods;
	st.skips = skips;
	st.nskips = nskips;
	st.first_parent = a->first_parent;
	st.ancestors_ok = a->ancestors_ok;
	ret = cp_git_next(&src, &st, &step, err);
	if (ret == CP_ERR_MERGE_BASE_BAD)
		fprintf(stderr, "Some good revs are not ancestors of the bad rev.\n"
			"git bisect cannot work properly in this case.\n"
			"Maybe you mistook good and bad revs?\n");
	if (ret)
		goto out;
	for (i = 0; i < step.nskipped_bases; i++)
		warn_skipped_base(&st.bad, goods, a->ngoods, &step.skipped_bases[i]);

	switch (step.action) {
	case CP_GIT_BOTH:
		cp_oid_to_hex(&st.bad, hex);
		printf("%s was both bad and good\n", hex);
		ret = cp_error_set(err, CP_ERR_RANGE,
				   "nothing to bisect: the bad commit %s is also good", hex);
		break;
	case CP_GIT_FOUND:
		cp_oid_to_hex(&step.commit, hex);
		printf("%s is the first bad commit\n", hex);
		ret = cp_commit_format_bisect(repo, &step.commit, &show, err);
		if (!ret)
			fputs(show, stdout);
		break;
	case CP_GIT_ONLY_SKIPPED:
		printf("There are only 'skip'ped commits left to test.\n"
		       "The first bad commit could be any of:\n");
		for (i = 0; i < step.ncandidates; i++) {
			cp_oid_to_hex(&step.candidates[i], hex);
			printf("%s\n", hex);
		}
		printf("We cannot bisect more!\n");
		break;
	case CP_GIT_TEST_MERGE_BASE:
		printf("Bisecting: a merge base must be tested\n");
		ret = print_commit_line(repo, &step.commit, err);
		break;
	case CP_GIT_TEST:
		printf("Bisecting: %d revision%s left to test after this (roughly %d step%s)\n",
		       step.left, step.left == 1 ? "" : "s",
		       step.steps, step.steps == 1 ? "" : "s");
		ret = print_commit_line(repo, &step.commit, err);
		break;
	}
shallow_hint:
	if (ret == CP_ERR_BAD_REV && cp_repo_is_shallow(repo)) {
		cp_error_prefix(err, "shallow clone, history may be cut off (git fetch --unshallow)");
		err->code = ret = CP_ERR_REPO_CORRUPT;
	}
out:
	free(show);
	cp_git_step_free(&step);
	free(goods);
	free(skips);
	cp_repo_free(repo);
	return ret;
}

int cmd_next(int argc, char **argv)
{
	struct next_args a = { 0 };
	struct cp_error err;
	int ret;

	cp_error_clear(&err);
	ret = parse_args(argc, argv, &a);
	if (ret == 0) {
		ret = run_next(&a, &err);
		fflush(stdout);
		if (ret)
			ret = cli_fail(ret, err.msg);
	} else if (ret == 1) {
		ret = 0;
	} else {
		ret = cp_exit_code(ret);
	}
	free(a.goods);
	free(a.skips);
	return ret;
}
