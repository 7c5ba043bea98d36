/*
 * The simulated tester (sim.h): builds and runs answered from the scenario
 * on the cost model's clock, with the trial's random numbers (xoshiro256**).
 */
#include "sim/internal.h"

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_rng_next(struct rng *r)
{
	uint64_t res = rotl(r->s[1] * 5, 7) * 9, t = r->s[1] << 17;

	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return res;
}

void sim_rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		r->s[i] = z ^ (z >> 31);
	}
}

double sim_rng_unit(struct rng *r)
{
	return (sim_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- the simulated tester ---- */


int sim_test_build(struct tester *t, const struct cp_oid *id, int *ok)
{
	t->last_s = cp_cost_build(&t->sc->cost, t->tr->builds);
	t->tr->builds++;
	t->tr->time_s += t->last_s;
	t->now = sim_clock_build(&t->clock, t->now, t->last_s);
	*ok = !sim_is_broken(t->sc, id);
	return 0;
}

/* One run: what crashed (bug index in *bug) or nothing. */
int sim_test_run(struct tester *t, const struct cp_oid *id, enum run_kind *kind, size_t *bug,
		 struct cp_error *err)
{
	struct cp_scenario *sc = t->sc;
	size_t boot[SIM_MAX_BUGS], crash[SIM_MAX_BUGS], nb = 0, nc = 0, b;
	uint32_t present;
	int ret = sim_presence(sc, id, &present, err);

	if (ret)
		return ret;
	t->tr->runs++;
	t->last_s = cp_cost_run(&sc->cost);
	t->tr->time_s += t->last_s;
	t->now = sim_clock_run(&t->clock, t->now, t->last_s);
	/* drawn only when set, so scenarios without it keep their numbers */
	if (sc->infra > 0 && sim_rng_unit(&t->rng) < sc->infra) {
		t->tr->infra++;
		*kind = RUN_INFRA;
		return 0;
	}
	for (b = 0; b < sc->nbugs; b++) {
		if (!(present >> b & 1))
			continue;
		if (sim_rng_unit(&t->rng) < sc->bugs[b].p_boot)
			boot[nb++] = b;
		else if (sim_rng_unit(&t->rng) < sim_bug_p(sc, id, b))
			crash[nc++] = b;
	}
	if (nb) {
		*kind = RUN_BOOT;
		*bug = boot[sim_rng_next(&t->rng) % nb];
	} else if (nc) {
		*kind = RUN_CRASH;
		*bug = crash[sim_rng_next(&t->rng) % nc];
	} else {
		*kind = RUN_OK;
	}
	return 0;
}

