/*
 * culprit maintainers [--repo DIR] [--rev REV] [--addresses] FILE...
 *
 * Prints the MAINTAINERS sections matching each file, as
 * scripts/get_maintainer.pl matches them: the file, then each section's
 * name and its M:, R:, L:, S: lines.  With --addresses, prints instead the
 * list `get_maintainer.pl --no-git --no-rolestats -f FILE...` prints.
 * MAINTAINERS is read from REV's tree (default HEAD) when DIR is a git
 * repository, else from DIR/MAINTAINERS on disk (default DIR: ".").
 */
#include "cli/cli.h"
#include "output/recipients.h"
#include "vcs/vcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: culprit maintainers [--repo DIR] [--rev REV] [--addresses] FILE...\n"
		"\n"
		"Prints the MAINTAINERS sections (name, M:, R:, L:, S: lines) matching each file.\n"
		"  --repo DIR     the tree (a git repository: MAINTAINERS of REV; else DIR/MAINTAINERS)\n"
		"  --rev REV      the commit whose MAINTAINERS is read (default HEAD)\n"
		"  --addresses    print the addresses as get_maintainer.pl --no-git --no-rolestats\n");
}

static int load(const char *dir, const char *rev, struct cp_maintainers **m,
		struct cp_error *err)
{
	struct cp_repo *repo = NULL;
	struct cp_oid id;
	struct stat st;
	char git[8192];
	int ret;

	snprintf(git, sizeof(git), "%s/.git", dir);
	if (stat(git, &st) != 0 && !rev)
		return cp_maintainers_load_dir(dir, m, err);
	ret = cp_repo_open(&repo, dir, err);
	if (!ret)
		ret = cp_repo_resolve(repo, rev ? rev : "HEAD", &id, err);
	if (!ret)
		ret = cp_maintainers_load_commit(repo, &id, m, err);
	if (!ret && !*m)
		ret = cp_error_set(err, CP_ERR_IO, "%s: no MAINTAINERS file in %s",
				   dir, rev ? rev : "HEAD");
	cp_repo_free(repo);
	return ret;
}

static const char *strip_dot_slash(const char *f)
{
	while (f[0] == '.' && f[1] == '/')
		f += 2;
	return f;
}

int cmd_maintainers(int argc, char **argv)
{
	const char *dir = ".", *rev = NULL;
	struct cp_maintainers *m = NULL;
	struct cp_maint_address *addrs = NULL;
	size_t *all = NULL, nall = 0, naddrs = 0, i, k, j;
	struct cp_error err;
	int addresses = 0, first = 1, ret = 0, nfiles = 0;

	cp_error_clear(&err);
	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--repo") && i + 1 < (size_t)argc) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--rev") && i + 1 < (size_t)argc) {
			rev = argv[++i];
		} else if (!strcmp(argv[i], "--addresses")) {
			addresses = 1;
		} else if (argv[i][0] == '-') {
			usage(stderr);
			fprintf(stderr, "culprit: maintainers: unknown option '%s'\n", argv[i]);
			return cp_exit_code(CP_ERR_USAGE);
		} else {
			nfiles++;
		}
	}
	if (!nfiles) {
		usage(stderr);
		return cli_fail(CP_ERR_USAGE, "maintainers: no file given");
	}
	ret = load(dir, rev, &m, &err);
	if (ret)
		return cli_fail(ret, err.msg);
	for (i = 1; i < (size_t)argc && !ret; i++) {
		size_t *hit = NULL, nhit = 0;
		const char *f;

		if (!strcmp(argv[i], "--repo") || !strcmp(argv[i], "--rev")) {
			i++;
			continue;
		}
		if (argv[i][0] == '-')
			continue;
		f = strip_dot_slash(argv[i]);
		ret = cp_maintainers_match(m, f, &hit, &nhit, &err);
		if (ret)
			break;
		if (addresses) {
			size_t *p = realloc(all, (nall + nhit + 1) * sizeof(*p));

			if (!p) {
				free(hit);
				ret = cp_error_set(&err, CP_ERR_NOMEM, "out of memory");
				break;
			}
			all = p;
			if (nhit)
				memcpy(all + nall, hit, nhit * sizeof(*hit));
			nall += nhit;
			free(hit);
			continue;
		}
		printf("%s%s:\n", first ? "" : "\n", f);
		first = 0;
		for (k = 0; k < nhit; k++) {
			const struct cp_maint_section *s = cp_maintainers_section(m, hit[k]);

			printf("%s\n", s->name);
			for (j = 0; j < s->nlines; j++)
				if (strchr("MRLS", s->lines[j].type))
					printf("\t%c:\t%s\n", s->lines[j].type, s->lines[j].value);
		}
		free(hit);
	}
	if (!ret && addresses) {
		ret = cp_maintainers_addresses(m, all, nall, &addrs, &naddrs, &err);
		for (i = 0; !ret && i < naddrs; i++)
			printf("%s\n", addrs[i].display);
		cp_maint_addresses_free(addrs, naddrs);
	}
	free(all);
	cp_maintainers_free(m);
	if (ret)
		return cli_fail(ret, err.msg);
	if (fflush(stdout) || ferror(stdout))
		return cli_fail(CP_ERR_IO, "maintainers: writing the output failed");
	return 0;
}
