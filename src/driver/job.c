#include "driver/job.h"
#include "exec/exec.h"
#include "kernel/kernel.h"

#include <stdlib.h>
#include <string.h>

void cp_job_init(struct cp_job *job)
{
	memset(job, 0, sizeof(*job));
	job->runs = 10;
	job->jobs = 1;
	job->build_timeout = 3600;
	job->run_timeout = 600;
	job->output_max = CP_JOB_OUTPUT_MAX_DEFAULT;
}

int cp_job_push_string(char ***list, size_t *n, const char *s, struct cp_error *err)
{
	char **p = realloc(*list, (*n + 1) * sizeof(*p));

	if (!p)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	*list = p;
	p[*n] = strdup(s);
	if (!p[*n])
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	(*n)++;
	return 0;
}

/* A string or a list of strings, appended to (*list, *n). */
static int take_strings(json_t *v, const char *key, char ***list, size_t *n,
			struct cp_error *err)
{
	size_t i;
	json_t *g;
	int ret;

	if (json_is_string(v))
		return cp_job_push_string(list, n, json_string_value(v), err);
	if (!json_is_array(v))
		return cp_error_set(err, CP_ERR_JOB,
				    "job field '%s' must be a string or a list of strings", key);
	json_array_foreach(v, i, g) {
		if (!json_is_string(g))
			return cp_error_set(err, CP_ERR_JOB, "job field '%s' must list strings", key);
		ret = cp_job_push_string(list, n, json_string_value(g), err);
		if (ret)
			return ret;
	}
	return 0;
}

void cp_job_free(struct cp_job *job)
{
	size_t i;

	free(job->repo);
	free(job->bad);
	for (i = 0; i < job->ngoods; i++)
		free(job->goods[i]);
	free(job->goods);
	for (i = 0; i < job->nartifacts; i++)
		free(job->artifacts[i]);
	free(job->artifacts);
	for (i = 0; i < job->nkconfig_needs; i++)
		free(job->kconfig_needs[i]);
	free(job->kconfig_needs);
	free(job->build_cmd);
	free(job->test_cmd);
	free(job->crash);
	free(job->boot_cmd);
	free(job->out);
	free(job->compiler);
	free(job->policy);
	free(job->store);
	free(job->cache);
	json_decref(job->executor);
	json_decref(job->compilers);
	memset(job, 0, sizeof(*job));
}

static int take_string(json_t *v, const char *key, char **dst, struct cp_error *err)
{
	char *s;

	if (json_is_null(v))
		return 0;	/* unset, as cp_job_to_json() writes it */
	if (!json_is_string(v))
		return cp_error_set(err, CP_ERR_JOB, "job field '%s' must be a string", key);
	s = strdup(json_string_value(v));
	if (!s)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	free(*dst);
	*dst = s;
	return 0;
}

/* The kernel's compiler rows: {"min": "X.Y", "max": "X.Y", "cc": CMD or [CMD, FALLBACK...]}. */
static int take_compilers(json_t *v, struct cp_job *job, struct cp_error *err)
{
	struct cp_kernel_compiler *rows = NULL;
	size_t n = 0;
	int ret;

	if (json_is_null(v))
		return 0;
	ret = cp_kernel_compilers_from_json(v, "compilers", &rows, &n, err);
	cp_kernel_compilers_free(rows, n);
	if (ret)
		return ret;
	json_decref(job->compilers);
	job->compilers = json_deep_copy(v);
	return job->compilers ? 0 : cp_error_set(err, CP_ERR_NOMEM, "out of memory");
}

static int take_uint(json_t *v, const char *key, uint64_t max, uint64_t *dst,
		     struct cp_error *err)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return cp_error_set(err, CP_ERR_JOB,
				    "job field '%s' must be an integer from 0 to %llu",
				    key, (unsigned long long)max);
	*dst = (uint64_t)json_integer_value(v);
	return 0;
}

int cp_job_from_json(json_t *obj, struct cp_job *job, struct cp_error *err)
{
	const char *key;
	json_t *v;
	uint64_t u = 0;
	int ret = 0;

	if (!json_is_object(obj))
		return cp_error_set(err, CP_ERR_JOB, "a job must be a JSON object");
	json_object_foreach(obj, key, v) {
		if (!strcmp(key, "repo"))
			ret = take_string(v, key, &job->repo, err);
		else if (!strcmp(key, "bad"))
			ret = take_string(v, key, &job->bad, err);
		else if (!strcmp(key, "build"))
			ret = take_string(v, key, &job->build_cmd, err);
		else if (!strcmp(key, "test"))
			ret = take_string(v, key, &job->test_cmd, err);
		else if (!strcmp(key, "boot_test"))
			ret = json_is_null(v) ? 0 : take_string(v, key, &job->boot_cmd, err);
		else if (!strcmp(key, "crash"))
			ret = json_is_null(v) ? 0 : take_string(v, key, &job->crash, err);
		else if (!strcmp(key, "out"))
			ret = take_string(v, key, &job->out, err);
		else if (!strcmp(key, "compiler"))
			ret = take_string(v, key, &job->compiler, err);
		else if (!strcmp(key, "compilers"))
			ret = take_compilers(v, job, err);
		else if (!strcmp(key, "policy"))
			ret = take_string(v, key, &job->policy, err);
		else if (!strcmp(key, "confidence")) {
			if (!json_is_number(v) || json_number_value(v) <= 0 || json_number_value(v) >= 1)
				return cp_error_set(err, CP_ERR_JOB,
						    "job field 'confidence' must be a number between 0 and 1");
			job->confidence = json_number_value(v);
		}
		else if (!strcmp(key, "good"))
			ret = take_strings(v, key, &job->goods, &job->ngoods, err);
		else if (!strcmp(key, "kconfig_needs")) {
			size_t k;

			ret = take_strings(v, key, &job->kconfig_needs, &job->nkconfig_needs, err);
			for (k = 0; !ret && k < job->nkconfig_needs; k++)
				if (strncmp(job->kconfig_needs[k], "CONFIG_", 7) ||
				    !job->kconfig_needs[k][7])
					ret = cp_error_set(err, CP_ERR_JOB,
							   "kconfig_needs[%zu]: must be an option like CONFIG_KASAN", k);
		} else if (!strcmp(key, "artifacts"))
			ret = take_strings(v, key, &job->artifacts, &job->nartifacts, err);
		else if (!strcmp(key, "cache"))
			ret = take_string(v, key, &job->cache, err);
		else if (!strcmp(key, "cache_max"))
			ret = take_uint(v, key, UINT64_C(1) << 50, &job->cache_max, err);
		else if (!strcmp(key, "cache_prefer")) {
			if (!json_is_boolean(v))
				return cp_error_set(err, CP_ERR_JOB,
						    "job field 'cache_prefer' must be true or false");
			job->cache_exact = !json_is_true(v);
		}
		else if (!strcmp(key, "executor")) {
			ret = cp_exec_check_config(v, err);
			if (!ret) {
				json_decref(job->executor);
				job->executor = json_is_null(v) ? NULL : json_deep_copy(v);
			}
		} else if (!strcmp(key, "output_max"))
			ret = take_uint(v, key, UINT64_C(1) << 40, &job->output_max, err);
		else if (!strcmp(key, "runs")) {
			ret = take_uint(v, key, 10000, &u, err);
			job->runs = (unsigned)u;
		} else if (!strcmp(key, "max_runs")) {
			ret = take_uint(v, key, 1000000, &u, err);
			job->max_runs = (unsigned)u;
		} else if (!strcmp(key, "max_builds")) {
			ret = take_uint(v, key, 100000, &u, err);
			job->max_builds = (unsigned)u;
		} else if (!strcmp(key, "jobs")) {
			ret = take_uint(v, key, 256, &u, err);
			job->jobs = (unsigned)u;
		} else if (!strcmp(key, "build_timeout")) {
			ret = take_uint(v, key, 7 * 24 * 3600, &job->build_timeout, err);
		} else if (!strcmp(key, "run_timeout")) {
			ret = take_uint(v, key, 7 * 24 * 3600, &job->run_timeout, err);
		} else if (!strcmp(key, "fix") || !strcmp(key, "first_parent") ||
			   !strcmp(key, "any_crash")) {
			int *dst = !strcmp(key, "fix") ? &job->fix :
				   !strcmp(key, "first_parent") ? &job->first_parent :
				   &job->any_crash;

			if (!json_is_boolean(v))
				return cp_error_set(err, CP_ERR_JOB,
						    "job field '%s' must be true or false", key);
			*dst = json_is_true(v);
		} else {
			return cp_error_set(err, CP_ERR_JOB, "unknown job field '%s'", key);
		}
		if (ret)
			return ret;
	}
	return 0;
}

int cp_job_load_file(const char *path, struct cp_job *job, struct cp_error *err)
{
	json_error_t jerr;
	json_t *obj = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	int ret;

	if (!obj)
		return cp_error_set(err, CP_ERR_JOB, "%s:%d: %s", path, jerr.line, jerr.text);
	ret = cp_job_from_json(obj, job, err);
	json_decref(obj);
	if (ret)
		cp_error_prefix(err, "%s", path);
	return ret;
}

json_t *cp_job_to_json(const struct cp_job *job)
{
	json_t *goods = json_array(), *obj;
	size_t i;

	if (!goods)
		return NULL;
	for (i = 0; i < job->ngoods; i++)
		json_array_append_new(goods, json_string(job->goods[i]));
	obj = json_pack("{s:s?, s:s?, s:o, s:s?, s:s?, s:s?, s:s?, s:s?, s:i, s:i, s:I, s:I, s:b, s:b, s:b}",
			"repo", job->repo, "bad", job->bad, "good", goods,
			"build", job->build_cmd, "test", job->test_cmd,
			"crash", job->crash, "out", job->out, "compiler", job->compiler,
			"runs", (int)job->runs, "jobs", (int)job->jobs,
			"build_timeout", (json_int_t)job->build_timeout,
			"run_timeout", (json_int_t)job->run_timeout,
			"fix", job->fix, "first_parent", job->first_parent,
			"any_crash", job->any_crash);
	if (obj && job->policy)
		json_object_set_new(obj, "policy", json_string(job->policy));
	if (obj && job->boot_cmd)
		json_object_set_new(obj, "boot_test", json_string(job->boot_cmd));
	if (obj && job->confidence > 0)
		json_object_set_new(obj, "confidence", json_real(job->confidence));
	if (obj && job->max_runs)
		json_object_set_new(obj, "max_runs", json_integer(job->max_runs));
	if (obj && job->max_builds)
		json_object_set_new(obj, "max_builds", json_integer(job->max_builds));
	if (obj && job->compilers)
		json_object_set_new(obj, "compilers", json_deep_copy(job->compilers));
	if (obj && job->nkconfig_needs) {
		json_t *a = json_array();

		for (i = 0; a && i < job->nkconfig_needs; i++)
			json_array_append_new(a, json_string(job->kconfig_needs[i]));
		if (!a || json_object_set_new(obj, "kconfig_needs", a)) {
			json_decref(obj);
			return NULL;
		}
	}
	if (obj && job->nartifacts) {
		json_t *a = json_array();

		for (i = 0; a && i < job->nartifacts; i++)
			json_array_append_new(a, json_string(job->artifacts[i]));
		if (!a || json_object_set_new(obj, "artifacts", a)) {
			json_decref(obj);
			return NULL;
		}
	}
	if (obj && job->cache)
		json_object_set_new(obj, "cache", json_string(job->cache));
	if (obj && job->cache_max)
		json_object_set_new(obj, "cache_max", json_integer((json_int_t)job->cache_max));
	if (obj && job->cache_exact)
		json_object_set_new(obj, "cache_prefer", json_false());
	if (obj && job->executor)
		json_object_set_new(obj, "executor", json_deep_copy(job->executor));
	/* written when not the default, so older journals read the same */
	if (obj && job->output_max != CP_JOB_OUTPUT_MAX_DEFAULT)
		json_object_set_new(obj, "output_max", json_integer((json_int_t)job->output_max));
	return obj;
}

int cp_job_validate(const struct cp_job *job, struct cp_error *err)
{
	if (!job->repo)
		return cp_error_set(err, CP_ERR_JOB, "the job needs 'repo' (--repo DIR)");
	if (!job->bad)
		return cp_error_set(err, CP_ERR_JOB, "the job needs 'bad' (--bad REV)");
	if (!job->build_cmd)
		return cp_error_set(err, CP_ERR_JOB, "the job needs 'build' (--build CMD)");
	if (!job->test_cmd)
		return cp_error_set(err, CP_ERR_JOB, "the job needs 'test' (--test CMD)");
	if (!job->out)
		return cp_error_set(err, CP_ERR_JOB, "the job needs 'out' (--out DIR)");
	if (job->runs < 1)
		return cp_error_set(err, CP_ERR_JOB, "'runs' must be at least 1");
	if (job->jobs < 1)
		return cp_error_set(err, CP_ERR_JOB, "'jobs' must be at least 1");
	if (job->policy && strcmp(job->policy, "git") && strcmp(job->policy, "culprit"))
		return cp_error_set(err, CP_ERR_JOB, "'policy' must be \"culprit\" or \"git\"");
	if (job->crash && !strncmp(job->crash, "boot failed", 11) && !job->boot_cmd)
		return cp_error_set(err, CP_ERR_JOB,
				    "a boot-failure bisection (crash \"%s\") needs a boot test: a kernel job, or the job field 'boot_test'",
				    job->crash);
	if (job->fix && !job->ngoods)
		return cp_error_set(err, CP_ERR_JOB,
				    "a fix bisection needs 'good': the newer commit where the crash is gone");
	return 0;
}
