/* The table of executors and the calls every backend shares. */
#include "exec/exec.h"

#include <stdlib.h>
#include <string.h>

static const struct cp_exec_ops *const backends[] = {
	&cp_exec_local,
	&cp_exec_slurm,
};

const struct cp_exec_ops *cp_exec_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

const char *cp_exec_names(void)
{
	return "local, slurm";
}

static const char *type_of(json_t *config)
{
	if (!config || json_is_null(config))
		return "local";
	if (json_is_string(config))
		return json_string_value(config);
	return json_string_value(json_object_get(config, "type"));
}

int cp_exec_check_config(json_t *config, struct cp_error *err)
{
	const char *type;

	if (config && !json_is_null(config) && !json_is_string(config) && !json_is_object(config))
		return cp_error_set(err, CP_ERR_JOB,
				    "job field 'executor' must be a name or {\"type\": NAME, ...}");
	type = type_of(config);
	if (!type)
		return cp_error_set(err, CP_ERR_JOB, "job field 'executor' needs \"type\" (%s)",
				    cp_exec_names());
	if (!cp_exec_find(type))
		return cp_error_set(err, CP_ERR_JOB, "unknown executor '%s' (known: %s)", type,
				    cp_exec_names());
	return 0;
}

int cp_exec_open(struct cp_exec **out, json_t *config, unsigned jobs, const char *owner,
		 struct cp_error *err)
{
	struct cp_exec *ex;
	int ret;

	*out = NULL;
	ret = cp_exec_check_config(config, err);
	if (ret)
		return ret;
	ex = calloc(1, sizeof(*ex));
	if (!ex)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	ex->ops = cp_exec_find(type_of(config));
	ret = ex->ops->open(ex, json_is_object(config) ? config : NULL, jobs, owner, err);
	if (ret) {
		free(ex);
		return ret;
	}
	*out = ex;
	return 0;
}

void cp_exec_close(struct cp_exec *ex)
{
	if (!ex)
		return;
	ex->ops->close(ex);
	free(ex);
}
