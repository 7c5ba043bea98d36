/*
 * The local executor: culprit's own process pool (src/run), unchanged.
 * Commands run as children on this machine, each in its own process group
 * with its timeout.
 */
#include "exec/exec.h"

static int local_open(struct cp_exec *ex, json_t *config, unsigned jobs, const char *owner,
		      struct cp_error *err)
{
	struct cp_run_pool *pool = NULL;
	int ret;

	(void)config;
	ret = cp_run_pool_new(&pool, jobs, err);
	ex->impl = pool;
	return ret;
}

static void local_close(struct cp_exec *ex)
{
	cp_run_pool_free(ex->impl);
	ex->impl = NULL;
}

static int local_start(struct cp_exec *ex, const struct cp_run_spec *spec, int *id,
		       struct cp_error *err)
{
	return cp_run_start(ex->impl, spec, id, err);
}

static int local_wait(struct cp_exec *ex, struct cp_run_result *res, struct cp_error *err)
{
	return cp_run_wait(ex->impl, res, err);
}

static unsigned local_running(const struct cp_exec *ex)
{
	return cp_run_running(ex->impl);
}

static void local_cancel(struct cp_exec *ex)
{
	cp_run_pool_cancel(ex->impl);
}

static bool local_cancelled(const struct cp_exec *ex)
{
	return cp_run_pool_cancelled(ex->impl);
}

const struct cp_exec_ops cp_exec_local = {
	.name = "local",
	.open = local_open,
	.close = local_close,
	.start = local_start,
	.wait = local_wait,
	.running = local_running,
	.cancel = local_cancel,
	.cancelled = local_cancelled,
};
