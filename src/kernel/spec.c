/*
 * The "kernel" section of a job file as a struct cp_kernel_spec, and the
 * compiler policy's lookup.
 */
#include "kernel/kernel.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cp_kernel_pick_compiler(const struct cp_kernel_spec *spec,
				    struct cp_kernel_version v)
{
	size_t i;

	for (i = 0; i < spec->ncompilers; i++) {
		const struct cp_kernel_compiler *c = &spec->compilers[i];

		if (c->has_min && cp_kernel_version_cmp(v, c->min) < 0)
			continue;
		if (c->has_max && cp_kernel_version_cmp(v, c->max) >= 0)
			continue;
		return c->cc[0];
	}
	return "gcc";
}


/* ---- the "kernel" section ---- */

void cp_kernel_spec_init(struct cp_kernel_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->ccache = true;
}

void cp_kernel_spec_free(struct cp_kernel_spec *spec)
{
	size_t i;

	free(spec->config);
	free(spec->build_dir);
	free(spec->cache_dir);
	free(spec->cmdline);
	cp_kernel_compilers_free(spec->compilers, spec->ncompilers);
	for (i = 0; i < spec->nmust; i++) {
		free(spec->must[i].name);
		free(spec->must[i].value);
	}
	free(spec->must);
	cp_kernel_spec_init(spec);
}

static char *abs_path(const char *base, const char *p)
{
	char cwd[PATH_MAX], *out;

	if (p[0] == '/')
		return strdup(p);
	if (!base) {
		if (!getcwd(cwd, sizeof(cwd)))
			return NULL;
		base = cwd;
	}
	if (asprintf(&out, "%s/%s", base, p) < 0)
		return NULL;
	return out;
}

static int get_path(json_t *obj, const char *key, const char *base, char **out,
		    struct cp_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_string(v) || !json_string_length(v))
		return cp_error_set(err, CP_ERR_JOB, "kernel.%s: must be a non-empty string", key);
	*out = abs_path(base, json_string_value(v));
	return *out ? 0 : cp_error_set(err, CP_ERR_NOMEM, "out of memory");
}

static int parse_must(json_t *arr, struct cp_kernel_spec *spec, struct cp_error *err)
{
	size_t i;
	json_t *v;

	if (!json_is_array(arr))
		return cp_error_set(err, CP_ERR_JOB, "kernel.must_hold: must be an array");
	spec->must = calloc(json_array_size(arr) + 1, sizeof(*spec->must));
	if (!spec->must)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	json_array_foreach(arr, i, v) {
		int r;

		if (!json_is_string(v))
			return cp_error_set(err, CP_ERR_JOB, "kernel.must_hold[%zu]: must be a string", i);
		r = cp_kernel_option_parse(json_string_value(v), &spec->must[spec->nmust]);
		if (r < 0)
			return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		if (r == 0)
			return cp_error_set(err, CP_ERR_JOB,
					    "kernel.must_hold[%zu]: not 'CONFIG_X=v' or '# CONFIG_X is not set'", i);
		spec->nmust++;
	}
	return 0;
}

int cp_kernel_spec_from_json(json_t *obj, const char *base,
			     struct cp_kernel_spec *spec, struct cp_error *err)
{
	const char *key;
	json_t *v;
	int ret;

	if (!json_is_object(obj))
		return cp_error_set(err, CP_ERR_JOB, "kernel: must be an object");
	json_object_foreach(obj, key, v) {
		if (!strcmp(key, "config") || !strcmp(key, "build_dir") ||
		    !strcmp(key, "cache_dir"))
			continue;
		if (!strcmp(key, "minimize"))
			continue;	/* culprit bisect runs kconfig-minimize first */
		if (!strcmp(key, "compilers_file")) {
			/* read by cp_kernel_job_expand(), which puts its rows in "compilers" */
			if (!json_is_string(v) || !json_string_length(v))
				return cp_error_set(err, CP_ERR_JOB,
						    "kernel.compilers_file: must be a path");
			continue;
		}
		if (!strcmp(key, "compilers")) {
			ret = cp_kernel_compilers_from_json(v, "kernel.compilers", &spec->compilers,
							    &spec->ncompilers, err);
		} else if (!strcmp(key, "must_hold")) {
			ret = parse_must(v, spec, err);
		} else if (!strcmp(key, "jobs")) {
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > 1024)
				return cp_error_set(err, CP_ERR_JOB, "kernel.jobs: must be 0..1024");
			spec->jobs = (unsigned)json_integer_value(v);
			ret = 0;
		} else if (!strcmp(key, "ccache")) {
			if (!json_is_boolean(v))
				return cp_error_set(err, CP_ERR_JOB, "kernel.ccache: must be true or false");
			spec->ccache = json_is_true(v);
			ret = 0;
		} else if (!strcmp(key, "cmdline")) {
			if (!json_is_string(v))
				return cp_error_set(err, CP_ERR_JOB, "kernel.cmdline: must be a string");
			spec->cmdline = strdup(json_string_value(v));
			ret = spec->cmdline ? 0 : cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		} else {
			return cp_error_set(err, CP_ERR_JOB, "kernel: unknown field '%s'", key);
		}
		if (ret)
			return ret;
	}
	ret = get_path(obj, "config", base, &spec->config, err);
	if (!ret)
		ret = get_path(obj, "build_dir", base, &spec->build_dir, err);
	if (!ret)
		ret = get_path(obj, "cache_dir", base, &spec->cache_dir, err);
	if (!ret && !spec->config)
		ret = cp_error_set(err, CP_ERR_JOB, "kernel.config: missing (path of a .config)");
	return ret;
}
