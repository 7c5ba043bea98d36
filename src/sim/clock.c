/*
 * The simulator's clock: b build slots and k test slots, each busy until
 * some time.  An action that is ready at t starts on the slot free first
 * (or at t), so a policy that starts several at once sees them overlap and
 * one that waits for each answer sees them queue.  Wall-clock is when the
 * last action ends; machine time is the sum of busy slot time.
 */
#include "sim/internal.h"

#include <stdlib.h>

int sim_clock_init(struct sim_clock *c, const struct cp_cost_model *m, struct cp_error *err)
{
	*c = (struct sim_clock){ .nbuild = m->build_slots ? m->build_slots : 1,
				 .ntest = m->test_slots ? m->test_slots : 1 };
	c->build_free = calloc(c->nbuild, sizeof(double));
	c->test_free = calloc(c->ntest, sizeof(double));
	if (!c->build_free || !c->test_free) {
		sim_clock_free(c);
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	}
	return 0;
}

void sim_clock_free(struct sim_clock *c)
{
	free(c->build_free);
	free(c->test_free);
	c->build_free = c->test_free = NULL;
}

static double take(double *free_at, unsigned n, double ready, double secs, double *wall)
{
	unsigned i, best = 0;
	double start, end;

	for (i = 1; i < n; i++)
		if (free_at[i] < free_at[best])
			best = i;
	start = free_at[best] > ready ? free_at[best] : ready;
	end = start + secs;
	free_at[best] = end;
	if (end > *wall)
		*wall = end;
	return end;
}

double sim_clock_build(struct sim_clock *c, double ready, double secs)
{
	c->build_busy += secs;
	return take(c->build_free, c->nbuild, ready, secs, &c->wall);
}

double sim_clock_run(struct sim_clock *c, double ready, double secs)
{
	c->test_busy += secs;
	return take(c->test_free, c->ntest, ready, secs, &c->wall);
}
