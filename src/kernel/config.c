/*
 * Kernel versions (VERSION.PATCHLEVEL of the Makefile) and .config text:
 * option lines and the check of the options that must hold.
 */
#include "kernel/internal.h"
#include "kernel/kernel.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cp_kernel_strv_free(char **v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}


/* ---- versions ---- */

int cp_kernel_version_parse(const char *s, struct cp_kernel_version *out)
{
	char *end;
	long a, b = 0;

	errno = 0;
	a = strtol(s, &end, 10);
	if (end == s || a < 0 || a > 1000 || errno)
		return CP_ERR_INPUT;
	if (*end == '.') {
		const char *p = end + 1;

		b = strtol(p, &end, 10);
		if (end == p || b < 0 || b > 1000)
			return CP_ERR_INPUT;
	}
	if (*end)
		return CP_ERR_INPUT;
	out->major = (int)a;
	out->minor = (int)b;
	return 0;
}

int cp_kernel_version_cmp(struct cp_kernel_version a, struct cp_kernel_version b)
{
	if (a.major != b.major)
		return a.major < b.major ? -1 : 1;
	if (a.minor != b.minor)
		return a.minor < b.minor ? -1 : 1;
	return 0;
}

/* "VERSION = 6" in the Makefile text: the number, or -1. */
static int makefile_var(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, name, n)) {
			const char *q = p + n;

			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '=') {
				q++;
				while (*q == ' ' || *q == '\t')
					q++;
				if (isdigit((unsigned char)*q))
					return atoi(q);
			}
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

int cp_kernel_version(const char *src, struct cp_kernel_version *out,
		      struct cp_error *err)
{
	char path[PATH_MAX];
	char *text;
	int ret;

	if (snprintf(path, sizeof(path), "%s/Makefile", src) >= (int)sizeof(path))
		return cp_error_set(err, CP_ERR_IO, "path too long: %s", src);
	ret = kn_read_file(path, &text, NULL, err);
	if (ret)
		return ret;
	ret = cp_kernel_version_of_makefile(text, out);
	free(text);
	if (ret < 0)
		return cp_error_set(err, CP_ERR_INPUT, "%s has no VERSION/PATCHLEVEL", path);
	return 0;
}

int cp_kernel_version_of_makefile(const char *text, struct cp_kernel_version *out)
{
	int a = makefile_var(text, "VERSION"), b = makefile_var(text, "PATCHLEVEL");

	if (a < 0 || b < 0)
		return -1;
	out->major = a;
	out->minor = b;
	return 0;
}

/* ---- config options ---- */

static int is_opt_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

int cp_kernel_option_parse(const char *line, struct cp_kernel_option *opt)
{
	const char *p = line, *end;
	size_t n;

	memset(opt, 0, sizeof(*opt));
	while (*p == ' ' || *p == '\t')
		p++;
	if (!strncmp(p, "# CONFIG_", 9)) {
		p += 2;
		for (end = p; is_opt_char(*end); end++)
			;
		if (strncmp(end, " is not set", 11))
			return 0;
		opt->name = strndup(p, (size_t)(end - p));
		return opt->name ? 1 : CP_ERR_NOMEM;
	}
	if (strncmp(p, "CONFIG_", 7))
		return 0;
	for (end = p; is_opt_char(*end); end++)
		;
	if (*end != '=')
		return 0;
	opt->name = strndup(p, (size_t)(end - p));
	n = strcspn(end + 1, "\r\n");
	opt->value = strndup(end + 1, n);
	if (!opt->name || !opt->value) {
		free(opt->name);
		free(opt->value);
		opt->name = opt->value = NULL;
		return CP_ERR_NOMEM;
	}
	return 1;
}

/* The value of name in cfg: 1 found (*val malloc'ed, NULL for "is not set"). */
static int config_lookup(const char *cfg, const char *name, char **val)
{
	const char *p = cfg;
	int found = 0;

	*val = NULL;
	while (p && *p) {
		struct cp_kernel_option o;
		const char *nl = strchr(p, '\n');
		char *line = strndup(p, nl ? (size_t)(nl - p) : strlen(p));
		int r;

		if (!line)
			return CP_ERR_NOMEM;
		r = cp_kernel_option_parse(line, &o);
		free(line);
		if (r < 0)
			return r;
		if (r == 1) {
			if (!strcmp(o.name, name)) {
				free(*val);
				*val = o.value;
				o.value = NULL;
				found = 1;
			}
			free(o.name);
			free(o.value);
		}
		p = nl ? nl + 1 : NULL;
	}
	return found;
}

int cp_kernel_config_check(const char *cfg, const struct cp_kernel_option *want,
			   size_t nwant, char ***dropped, size_t *ndropped,
			   struct cp_error *err)
{
	char **list = calloc(nwant + 1, sizeof(*list));
	size_t i, n = 0;

	*dropped = NULL;
	*ndropped = 0;
	if (!list)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	for (i = 0; i < nwant; i++) {
		char *got = NULL, buf[1024];
		int r = config_lookup(cfg, want[i].name, &got);
		bool ok;

		if (r < 0) {
			cp_kernel_strv_free(list);
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
		if (want[i].value)
			ok = got && !strcmp(got, want[i].value);
		else
			ok = !got;
		if (!ok) {
			snprintf(buf, sizeof(buf), "%s%s%s%s (got: %s%s)",
				 want[i].value ? "" : "# ", want[i].name,
				 want[i].value ? "=" : " is not set",
				 want[i].value ? want[i].value : "",
				 got ? "=" : (r ? "is not set" : "absent"), got ? got : "");
			list[n] = strdup(buf);
			if (!list[n]) {
				free(got);
				cp_kernel_strv_free(list);
				return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
			}
			n++;
		}
		free(got);
	}
	*dropped = list;
	*ndropped = n;
	return 0;
}
