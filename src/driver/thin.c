/*
 * Release thinning (syzkaller tests release tags before bisecting): a tag
 * whose build needs what culprit cannot give it is skipped before it is
 * built, with the reason logged: no installed compiler for its kernel
 * version (job "compilers"), a tree without scripts/kconfig, or a Kconfig
 * that does not know an option the config needs (job "kconfig_needs", a
 * kernel job's must_hold options that are set).
 */
#include "driver/internal.h"

#include "kernel/kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct needs {
	char *const *sym;	/* "CONFIG_KASAN" */
	size_t n;
	unsigned char *found;
	size_t left;
};

/* One Kconfig file: "config X" / "menuconfig X" lines mark X as known. */
static int kconfig_file(const char *path, const char *data, size_t len, void *arg)
{
	struct needs *nd = arg;
	const char *p = data, *end = data + len;

	(void)path;
	while (p < end && nd->left) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *q = p;
		size_t n, w, i;

		if (!nl)
			nl = end;
		while (q < nl && (*q == ' ' || *q == '\t'))
			q++;
		n = (size_t)(nl - q);
		if (n > 7 && !strncmp(q, "config ", 7))
			q += 7;
		else if (n > 11 && !strncmp(q, "menuconfig ", 11))
			q += 11;
		else
			q = NULL;
		if (q) {
			while (q < nl && (*q == ' ' || *q == '\t'))
				q++;
			w = strspn(q, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
			for (i = 0; i < nd->n; i++)
				if (!nd->found[i] && strlen(nd->sym[i]) == w + 7 &&
				    !strncmp(nd->sym[i] + 7, q, w)) {
					nd->found[i] = 1;
					nd->left--;
				}
		}
		p = nl + 1;
	}
	return nd->left == 0;	/* all known: stop the walk */
}

int drv_release_usable(struct driver *d, const struct cp_oid *commit, int *usable,
		       char *why, size_t size)
{
	*usable = 1;
	why[0] = '\0';
	if (d->job->compilers) {
		struct cp_kernel_compiler *rows = NULL;
		struct cp_kernel_choice ch;
		struct cp_kernel_version v;
		struct cp_error e;
		char *text = NULL;
		size_t len, n = 0;

		if (!cp_commit_read_file(d->repo, commit, "Makefile", 1 << 20, &text, &len, &e) &&
		    cp_kernel_version_of_makefile(text, &v) == 0 &&
		    !cp_kernel_compilers_from_json(d->job->compilers, "compilers", &rows, &n, &e)) {
			cp_kernel_choose_compiler(rows, n, v, NULL, &ch);
			if (!ch.cc) {
				*usable = 0;
				snprintf(why, size, "%s", ch.note);
			}
		}
		free(text);
		cp_kernel_compilers_free(rows, n);
		if (!*usable)
			return 0;
	}
	if (d->job->nkconfig_needs) {
		struct needs nd = { d->job->kconfig_needs, d->job->nkconfig_needs, NULL,
				    d->job->nkconfig_needs };
		struct cp_error e;
		char *text = NULL;
		size_t len, i, at = 0;
		int ret;

		if (cp_commit_read_file(d->repo, commit, "scripts/kconfig/Makefile", 1 << 20, &text,
					&len, &e)) {
			*usable = 0;
			snprintf(why, size, "no scripts/kconfig in its tree: culprit cannot configure it");
			return 0;
		}
		free(text);
		nd.found = calloc(nd.n, 1);
		if (!nd.found)
			return cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
		ret = cp_commit_foreach_file(d->repo, commit, "Kconfig", kconfig_file, &nd, d->err);
		if (!ret && nd.left) {
			*usable = 0;
			at = (size_t)snprintf(why, size, "its Kconfig does not know");
			for (i = 0; i < nd.n && at < size; i++)
				if (!nd.found[i])
					at += (size_t)snprintf(why + at, size - at, "%s %s",
							       at > 25 ? "," : "", nd.sym[i]);
			if (at < size)
				snprintf(why + at, size - at, ", which the config needs (kernel.must_hold)");
		}
		free(nd.found);
		return ret;
	}
	return 0;
}
