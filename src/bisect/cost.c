/* The cost model (cost.h): defaults and the keys of a job file's "cost". */
#include "bisect/cost.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

void cp_cost_kernel(struct cp_cost_model *m)
{
	/* issue 18's figures: a clean kernel build ~10 min, ~2 with a warm
	 * ccache, a boot ~1 min, a reproducer 1-5 min, kernel-lab's boot.sh
	 * TIMEOUT 300 s; syz-ci gives a bisection 20 VMs and 2 build slots */
	*m = (struct cp_cost_model){
		.build_s = 600, .build_incr_s = 120, .build_hit = 1,
		.boot_s = 60, .run_s = 180, .timeout_s = 300,
		.test_slots = 20, .build_slots = 2,
	};
}

void cp_cost_generic(struct cp_cost_model *m)
{
	/* the engine's old defaults; the driver replaces them with measured means */
	*m = (struct cp_cost_model){
		.build_s = 600, .build_incr_s = 600, .build_hit = 0,
		.boot_s = 0, .run_s = 60, .timeout_s = 60,
		.test_slots = 1, .build_slots = 1,
	};
}

struct key {
	const char *name;
	size_t off;
	double lo, hi;
	int count;	/* an unsigned count, not seconds */
};

#define SECS(f) { #f, offsetof(struct cp_cost_model, f), 0, 1e7, 0 }
static const struct key keys[] = {
	SECS(build_s), SECS(build_incr_s),
	{ "build_hit", offsetof(struct cp_cost_model, build_hit), 0, 1, 0 },
	SECS(boot_s), SECS(run_s), SECS(timeout_s),
	{ "test_slots", offsetof(struct cp_cost_model, test_slots), 1, 10000, 1 },
	{ "build_slots", offsetof(struct cp_cost_model, build_slots), 1, 1000, 1 },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

const char *const *cp_cost_keys(void)
{
	static const char *names[NKEYS + 1];

	for (size_t i = 0; i < NKEYS; i++)
		names[i] = keys[i].name;
	return names;
}

int cp_cost_set(struct cp_cost_model *m, const char *where, const char *key,
		double value, struct cp_error *err)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		char *p = (char *)m + k->off;

		if (strcmp(k->name, key))
			continue;
		if (!isfinite(value) || value < k->lo || value > k->hi ||
		    (k->count && value != floor(value)))
			return cp_error_set(err, CP_ERR_JOB,
					    "%s.%s must be %s from %g to %g", where, key,
					    k->count ? "a whole number" : "a number", k->lo, k->hi);
		if (k->count)
			*(unsigned *)(void *)p = (unsigned)value;
		else
			*(double *)(void *)p = value;
		return 0;
	}
	return cp_error_set(err, CP_ERR_JOB, "unknown field '%s.%s'", where, key);
}

double cp_cost_build(const struct cp_cost_model *m, unsigned nth)
{
	if (!nth)
		return m->build_s;
	return m->build_hit * m->build_incr_s + (1 - m->build_hit) * m->build_s;
}

double cp_cost_run(const struct cp_cost_model *m)
{
	return m->boot_s + m->run_s;
}
