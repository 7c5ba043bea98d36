/*
 * The results store hook (job->store, `culprit bisect --store`): opened
 * before the journal (a bad store leaves no half-begun bisection behind),
 * the bisection's row is "running" from the start, rewritten from the journal
 * each time a commit is checked out (so the served page follows it), and
 * done, failed or interrupted at the end.  The bisection matters more than
 * its row: a store that fails mid-run is logged, not fatal.
 */
#include "driver/internal.h"
#include "store/store.h"

int drv_store_open(struct driver *d)
{
	int ret;

	if (!d->job->store)
		return 0;
	ret = cp_store_open(d->job->store, &d->store, d->err);
	if (ret)
		return cp_error_prefix(d->err, "--store %s", d->job->store);
	return 0;
}

void drv_store_update(struct driver *d, const char *state)
{
	struct cp_error err;

	/* no abs_out yet: the directory may be another bisection's (locked, or to resume) */
	if (!d->store || !d->abs_out)
		return;
	cp_error_clear(&err);
	if (cp_store_put_dir(d->store, d->abs_out, state, NULL, &err)) {
		drv_log(d, "warning: the store was not updated: %s\n", err.msg);
		/* one warning: the next update would likely fail the same way */
		cp_store_close(d->store);
		d->store = NULL;
	}
}

void drv_store_finish(struct driver *d, int status)
{
	if (!d->store)
		return;
	/* an uncertain or inconclusive end is a finished bisection: result.json says which */
	if (status == 0 || status == CP_ERR_RANGE || status == CP_ERR_UNCERTAIN)
		drv_store_update(d, "done");
	else
		drv_store_update(d, status == CP_ERR_INTERRUPTED ? "interrupted" : "failed");
	cp_store_close(d->store);
	d->store = NULL;
}
