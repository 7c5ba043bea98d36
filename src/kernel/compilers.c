/*
 * The compiler policy: rows of kernel version ranges and compilers (from the
 * job's kernel.compilers, or a table file such as data/kernel-compilers.txt),
 * and the choice for one version: the first installed compiler of the first
 * matching row.
 */
#include "kernel/kernel.h"
#include "kernel/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cp_kernel_compilers_free(struct cp_kernel_compiler *rows, size_t n)
{
	size_t i, k;

	for (i = 0; rows && i < n; i++) {
		for (k = 0; k < rows[i].ncc; k++)
			free(rows[i].cc[k]);
		free(rows[i].cc);
	}
	free(rows);
}

static int add_cc(struct cp_kernel_compiler *c, const char *cc, struct cp_error *err)
{
	char **p = realloc(c->cc, (c->ncc + 1) * sizeof(*p));

	if (!p)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	c->cc = p;
	c->cc[c->ncc] = strdup(cc);
	if (!c->cc[c->ncc])
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	c->ncc++;
	return 0;
}

static int bad_cc(const char *s)
{
	return !s || !s[0] || strspn(s, " \t") == strlen(s);
}

int cp_kernel_compilers_from_json(json_t *arr, const char *field,
				  struct cp_kernel_compiler **out, size_t *nout,
				  struct cp_error *err)
{
	struct cp_kernel_compiler *rows;
	size_t i, n = 0;
	json_t *row;
	int ret = 0;

	*out = NULL;
	*nout = 0;
	if (!json_is_array(arr))
		return cp_error_set(err, CP_ERR_JOB,
				    "%s: must be a list of {\"min\", \"max\", \"cc\"}", field);
	rows = calloc(json_array_size(arr) + 1, sizeof(*rows));
	if (!rows)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	json_array_foreach(arr, i, row) {
		struct cp_kernel_compiler *c = &rows[n];
		const char *key;
		json_t *v;

		if (!json_is_object(row)) {
			ret = cp_error_set(err, CP_ERR_JOB, "%s[%zu]: must be an object", field, i);
			break;
		}
		n++;
		json_object_foreach(row, key, v) {
			if (!strcmp(key, "cc")) {
				size_t k;
				json_t *e;

				if (json_is_string(v) && !bad_cc(json_string_value(v))) {
					ret = add_cc(c, json_string_value(v), err);
				} else if (json_is_array(v) && json_array_size(v)) {
					json_array_foreach(v, k, e) {
						if (!json_is_string(e) || bad_cc(json_string_value(e))) {
							ret = cp_error_set(err, CP_ERR_JOB,
									   "%s[%zu].cc[%zu]: must be a command",
									   field, i, k);
							break;
						}
						ret = add_cc(c, json_string_value(e), err);
						if (ret)
							break;
					}
				} else {
					ret = cp_error_set(err, CP_ERR_JOB,
							   "%s[%zu].cc: must be a command or a list of commands (fallbacks)",
							   field, i);
				}
			} else if (!strcmp(key, "min") || !strcmp(key, "max")) {
				struct cp_kernel_version ver;

				if (!json_is_string(v) ||
				    cp_kernel_version_parse(json_string_value(v), &ver)) {
					ret = cp_error_set(err, CP_ERR_JOB,
							   "%s[%zu].%s: must be a version like \"6.1\"",
							   field, i, key);
				} else if (key[1] == 'i') {
					c->has_min = true;
					c->min = ver;
				} else {
					c->has_max = true;
					c->max = ver;
				}
			} else {
				ret = cp_error_set(err, CP_ERR_JOB, "%s[%zu]: unknown field '%s'",
						   field, i, key);
			}
			if (ret)
				break;
		}
		if (!ret && !c->ncc)
			ret = cp_error_set(err, CP_ERR_JOB, "%s[%zu].cc: missing", field, i);
		if (ret)
			break;
	}
	if (ret) {
		cp_kernel_compilers_free(rows, n);
		return ret;
	}
	*out = rows;
	*nout = n;
	return 0;
}

/* One word of a table line into buf; the rest of the line after it. */
static const char *word(const char *p, char *buf, size_t size)
{
	size_t n;

	p += strspn(p, " \t");
	n = strcspn(p, " \t");
	snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), p);
	return p + n;
}

int cp_kernel_compilers_parse_table(const char *text, const char *name, json_t **out,
				    struct cp_error *err)
{
	json_t *rows = json_array();
	const char *p = text;
	unsigned line = 0;

	*out = NULL;
	if (!rows)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	while (*p) {
		size_t len = strcspn(p, "\n");
		char buf[1024], w[256];
		const char *q;
		json_t *row, *ccs;
		int i;

		line++;
		snprintf(buf, sizeof(buf), "%.*s", (int)(len < sizeof(buf) ? len : sizeof(buf) - 1), p);
		p += len + (p[len] == '\n');
		buf[strcspn(buf, "#\r")] = '\0';
		if (strspn(buf, " \t") == strlen(buf))
			continue;
		row = json_object();
		ccs = json_array();
		if (!row || !ccs || json_array_append_new(rows, row)) {
			json_decref(ccs);
			json_decref(rows);
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		}
		q = buf;
		for (i = 0; i < 2; i++) {
			struct cp_kernel_version v;

			q = word(q, w, sizeof(w));
			if (!strcmp(w, "-"))
				continue;
			if (!w[0] || cp_kernel_version_parse(w, &v)) {
				json_decref(ccs);
				json_decref(rows);
				return cp_error_set(err, CP_ERR_INPUT,
						    "%s:%u: '%s' is not a kernel version like 6.1 or '-' (want: MIN MAX COMPILER...)",
						    name, line, w);
			}
			json_object_set_new(row, i ? "max" : "min", json_string(w));
		}
		for (;;) {
			q = word(q, w, sizeof(w));
			if (!w[0])
				break;
			json_array_append_new(ccs, json_string(w));
		}
		if (!json_array_size(ccs)) {
			json_decref(ccs);
			json_decref(rows);
			return cp_error_set(err, CP_ERR_INPUT, "%s:%u: no compiler after the versions",
					    name, line);
		}
		json_object_set_new(row, "cc", ccs);
	}
	if (!json_array_size(rows)) {
		json_decref(rows);
		return cp_error_set(err, CP_ERR_INPUT, "%s: no rows (want: MIN MAX COMPILER...)", name);
	}
	*out = rows;
	return 0;
}

int cp_kernel_compilers_load_table(const char *path, json_t **out, struct cp_error *err)
{
	char *text = NULL;
	int ret;

	*out = NULL;
	ret = kn_read_file(path, &text, NULL, err);
	if (!ret)
		ret = cp_kernel_compilers_parse_table(text, path, out, err);
	free(text);
	return ret;
}

char *cp_kernel_compilers_default_path(void)
{
	char exe[PATH_MAX], *p, *out = NULL;
	const char *env = getenv("CULPRIT_DATA");
	static const char *const rel[] = {
		"data/kernel-compilers.txt",		/* the build directory */
		"../share/culprit/kernel-compilers.txt",	/* installed */
		"../data/kernel-compilers.txt",		/* build/ inside the source tree */
	};
	ssize_t n;
	size_t i;

	if (env && env[0]) {
		if (asprintf(&out, "%s/kernel-compilers.txt", env) < 0)
			return NULL;
		if (!access(out, R_OK))
			return out;
		free(out);
		return NULL;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	p = strrchr(exe, '/');
	if (!p)
		return NULL;
	*p = '\0';
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		if (asprintf(&out, "%s/%s", exe, rel[i]) < 0)
			return NULL;
		if (!access(out, R_OK))
			return out;
		free(out);
		out = NULL;
	}
	return NULL;
}

bool cp_kernel_in_path(const char *cmd)
{
	const char *path = getenv("PATH");
	char prog[256], buf[PATH_MAX];

	word(cmd, prog, sizeof(prog));
	if (!prog[0])
		return false;
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n && snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return true;
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

void cp_kernel_choose_compiler(const struct cp_kernel_compiler *rows, size_t n,
			       struct cp_kernel_version v,
			       bool (*installed)(const char *cmd),
			       struct cp_kernel_choice *out)
{
	size_t i, k;

	memset(out, 0, sizeof(*out));
	if (!installed)
		installed = cp_kernel_in_path;
	for (i = 0; i < n; i++) {
		const struct cp_kernel_compiler *c = &rows[i];

		if (c->has_min && cp_kernel_version_cmp(v, c->min) < 0)
			continue;
		if (c->has_max && cp_kernel_version_cmp(v, c->max) >= 0)
			continue;
		for (k = 0; k < c->ncc; k++) {
			if (!installed(c->cc[k]))
				continue;
			out->cc = c->cc[k];
			if (k)
				snprintf(out->note, sizeof(out->note),
					 "compiler for Linux %d.%d: %s is not installed, falling back to %s",
					 v.major, v.minor, c->cc[0], c->cc[k]);
			return;
		}
		{
			size_t len = 0;

			len += (size_t)snprintf(out->note, sizeof(out->note),
						"no compiler for Linux %d.%d:", v.major, v.minor);
			for (k = 0; k < c->ncc && len < sizeof(out->note); k++)
				len += (size_t)snprintf(out->note + len, sizeof(out->note) - len,
							"%s %s", k ? "," : "", c->cc[k]);
			if (len < sizeof(out->note))
				snprintf(out->note + len, sizeof(out->note) - len, " %s installed",
					 c->ncc > 1 ? "are not" : "is not");
		}
		return;
	}
	out->cc = "gcc";	/* no row: the default */
}
