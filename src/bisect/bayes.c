/*
 * The Bayesian bisection engine (bayes.h): its life, its evidence, the
 * summary and the drive loop.  The posterior is in model.c.
 */
#include "bisect/bayes_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int cpb_nomem(struct cp_error *err)
{
	return cp_error_set(err, CP_ERR_NOMEM, "out of memory in the Bayesian engine");
}

void cp_bayes_config_init(struct cp_bayes_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->confidence = CP_BAYES_DEFAULT_CONFIDENCE;
	cfg->false_positive = 0.002;
	cfg->prior_outside = 0;	/* 0.01 / (candidates + 1) */
	cfg->prior_a = 1.0;
	cfg->prior_b = 3.0;	/* skeptical: a few lucky crashes do not make p high */
	cfg->build_cost = 600;
	cfg->run_cost = 60;
	cfg->max_runs_per_build = 10;
	cfg->prior_reliable = 0.1;
	cfg->reliable_a = 8.0;
	cfg->reliable_b = 0.5;
	cfg->prior_rare = 0.3;
	cfg->rare_a = 1.0;
	cfg->rare_b = 12.0;
}

/* Candidate parent k of i (k-th entry), honouring first-parent mode. */
static int cmp_oidslot(const void *a, const void *b)
{
	return cp_oid_cmp(&((const struct oidslot *)a)->id, &((const struct oidslot *)b)->id);
}

/* Parents before children: iterative post-order over parent edges. */
static int topo_sort(struct cp_bayes *b, struct cp_error *err)
{
	const struct cp_graph *g = b->g;
	uint32_t n = b->n, i, out = 0, sp;
	uint32_t *pos = calloc(n, sizeof(*pos));
	unsigned char *state = calloc(n, 1);	/* 0 new, 1 open, 2 done */
	int ret = 0;

	if (!pos || !state) {
		ret = cpb_nomem(err);
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (state[i])
			continue;
		sp = 0;
		b->stack[sp++] = i;
		state[i] = 1;
		pos[i] = g->parent_off[i];
		while (sp) {
			uint32_t c = b->stack[sp - 1];

			if (pos[c] < parent_end(b, c)) {
				int32_t p = g->parents[pos[c]++];

				if (p != CP_NOT_CANDIDATE && !state[p]) {
					state[p] = 1;
					pos[p] = g->parent_off[p];
					b->stack[sp++] = (uint32_t)p;
				}
				continue;
			}
			state[c] = 2;
			b->topo[out++] = c;
			sp--;
		}
	}
done:
	free(pos);
	free(state);
	return ret;
}

int cp_bayes_new(struct cp_bayes **out, const struct cp_graph *graph,
		 const struct cp_oid *goods, size_t ngoods,
		 const struct cp_bayes_config *cfg, struct cp_error *err)
{
	struct cp_bayes *b;
	uint32_t i, n = graph->n;
	int ret;

	*out = NULL;
	if (n == 0)
		return cp_error_set(err, CP_ERR_RANGE, "no candidates: nothing to bisect");
	if (ngoods > UINT32_MAX - n)
		return cp_error_set(err, CP_ERR_USAGE, "too many good commits");
	b = calloc(1, sizeof(*b));
	if (!b)
		return cpb_nomem(err);
	b->g = graph;
	if (cfg)
		b->cfg = *cfg;
	else
		cp_bayes_config_init(&b->cfg);
	if (!(b->cfg.confidence > 0 && b->cfg.confidence < 1))
		b->cfg.confidence = CP_BAYES_DEFAULT_CONFIDENCE;
	if (!(b->cfg.false_positive > 0 && b->cfg.false_positive < 0.5))
		b->cfg.false_positive = 0.002;
	if (!(b->cfg.prior_outside > 0 && b->cfg.prior_outside < 1))
		b->cfg.prior_outside = 0.01 / (n + 1.0);
	if (!(b->cfg.prior_a > 0))
		b->cfg.prior_a = 1;
	if (!(b->cfg.prior_b > 0))
		b->cfg.prior_b = 3;
	if (b->cfg.prior_reliable < 0)
		b->cfg.prior_reliable = 0;
	else if (!(b->cfg.prior_reliable > 0))
		b->cfg.prior_reliable = 0.1;
	else if (b->cfg.prior_reliable > 0.999)
		b->cfg.prior_reliable = 0.999;
	if (!(b->cfg.reliable_a > 0))
		b->cfg.reliable_a = 8;
	if (!(b->cfg.reliable_b > 0))
		b->cfg.reliable_b = 0.5;
	if (b->cfg.prior_rare < 0)
		b->cfg.prior_rare = 0;
	else if (!(b->cfg.prior_rare > 0))
		b->cfg.prior_rare = 0.3;
	if (b->cfg.prior_reliable + b->cfg.prior_rare > 0.999)
		b->cfg.prior_rare = 0.999 - b->cfg.prior_reliable;
	if (!(b->cfg.rare_a > 0))
		b->cfg.rare_a = 1;
	if (!(b->cfg.rare_b > 0))
		b->cfg.rare_b = 12;
	if (!(b->cfg.build_cost > 0))
		b->cfg.build_cost = 600;
	if (!(b->cfg.run_cost > 0))
		b->cfg.run_cost = 60;
	if (!b->cfg.max_runs_per_build)
		b->cfg.max_runs_per_build = 10;
	if (b->cfg.max_runs_per_build > 64)
		b->cfg.max_runs_per_build = 64;
	b->n = n;
	b->ngoods = (uint32_t)ngoods;
	b->nslots = n + (uint32_t)ngoods;
	b->goods = goods;
	b->words = (n + 63) / 64;
	b->slots = calloc(b->nslots, sizeof(*b->slots));
	b->map = malloc(b->nslots * sizeof(*b->map));
	b->topo = malloc(n * sizeof(*b->topo));
	b->w = malloc((n + 1) * sizeof(*b->w));
	b->phat = malloc((n + 1) * sizeof(*b->phat));
	b->mass = malloc(n * sizeof(*b->mass));
	b->tin = malloc(n * sizeof(*b->tin));
	b->cin = malloc(n * sizeof(*b->cin));
	b->pen = malloc(n * sizeof(*b->pen));
	b->stamp = calloc(n, sizeof(*b->stamp));
	b->stack = malloc(n * sizeof(*b->stack));
	if (!b->slots || !b->map || !b->topo || !b->w || !b->phat || !b->mass ||
	    !b->tin || !b->cin || !b->pen || !b->stamp || !b->stack) {
		cp_bayes_free(b);
		return cpb_nomem(err);
	}
	for (i = 0; i < b->nslots; i++) {
		b->map[i].id = i < n ? graph->oids[i] : goods[i - n];
		b->map[i].slot = i;
	}
	qsort(b->map, b->nslots, sizeof(*b->map), cmp_oidslot);
	ret = topo_sort(b, err);
	if (ret) {
		cp_bayes_free(b);
		return ret;
	}
	b->current = -1;
	b->dirty = 1;
	*out = b;
	return 0;
}

void cp_bayes_free(struct cp_bayes *b)
{
	uint32_t i;

	if (!b)
		return;
	for (i = 0; b->slots && i < b->nslots; i++)
		free(b->slots[i].anc);
	free(b->slots);
	free(b->map);
	free(b->topo);
	free(b->w);
	free(b->phat);
	free(b->mass);
	free(b->tin);
	free(b->cin);
	free(b->pen);
	free(b->stamp);
	free(b->stack);
	free(b);
}

uint32_t cp_bayes_nslots(const struct cp_bayes *b)
{
	return b->nslots;
}

int64_t cp_bayes_slot_of(const struct cp_bayes *b, const struct cp_oid *id)
{
	size_t lo = 0, hi = b->nslots;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = cp_oid_cmp(&b->map[mid].id, id);

		if (!c) {
			/* the first slot for this id (a good may repeat a candidate) */
			while (mid > 0 && cp_oid_equal(&b->map[mid - 1].id, id))
				mid--;
			return b->map[mid].slot;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const struct cp_oid *cp_bayes_slot_oid(const struct cp_bayes *b, uint32_t slot)
{
	if (slot >= b->nslots)
		return NULL;
	return slot < b->n ? &b->g->oids[slot] : &b->goods[slot - b->n];
}

void cp_bayes_set_costs(struct cp_bayes *b, double build_s, double run_s)
{
	if (build_s > 0)
		b->cfg.build_cost = build_s;
	if (run_s > 0)
		b->cfg.run_cost = run_s;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

int cp_bayes_add_build(struct cp_bayes *b, uint32_t slot, int ok,
		       const char *signature, struct cp_error *err)
{
	struct slot *s;

	if (slot >= b->nslots)
		return cp_error_set(err, CP_ERR_USAGE, "no slot %u", slot);
	s = &b->slots[slot];
	if (!s->build)
		b->builds++;
	s->build = ok ? 1 : -1;
	b->current = ok ? (int64_t)slot : -1;
	s->has_sig = ok && signature && *signature;
	s->sig = s->has_sig ? fnv1a(signature) : 0;
	b->dirty = 1;
	return 0;
}

int cp_bayes_add_run(struct cp_bayes *b, uint32_t slot, enum cp_bayes_outcome outcome,
		     unsigned count, struct cp_error *err)
{
	struct slot *s;

	if (slot >= b->nslots)
		return cp_error_set(err, CP_ERR_USAGE, "no slot %u", slot);
	s = &b->slots[slot];
	if (s->build < 0)
		return cp_error_set(err, CP_ERR_USAGE, "slot %u failed to build", slot);
	if (!s->build) {	/* runs imply a build (e.g. the start commit) */
		s->build = 1;
		b->builds++;
	}
	switch (outcome) {
	case CP_BAYES_TARGET: s->t += count; break;
	case CP_BAYES_CLEAN: s->c += count; break;
	case CP_BAYES_SILENT: s->s += count; break;
	default:
		return cp_error_set(err, CP_ERR_USAGE, "unknown outcome %d", (int)outcome);
	}
	b->runs += count;
	b->dirty = 1;
	return 0;
}

/* The candidates slot contains, as a bitset (NULL for a good: none). */
const struct cp_bayes_config *cp_bayes_config_of(const struct cp_bayes *b)
{
	return &b->cfg;
}

double cp_bayes_posterior(struct cp_bayes *b, int64_t slot)
{
	struct cp_error err;

	if (cpb_update(b, &err))
		return -1;
	if (slot == CP_BAYES_OUTSIDE)
		return b->w[b->n];
	if (slot < 0 || slot >= b->n)
		return 0;
	return b->w[slot];
}

int cp_bayes_summarize(struct cp_bayes *b, struct cp_bayes_summary *out,
		       struct cp_error *err)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = cpb_update(b, err);
	if (ret)
		return ret;
	cpb_best_two(b, &out->best, &out->best_p, &out->runner_up, &out->runner_up_p);
	out->outside_p = b->w[b->n];
	out->builds = b->builds;
	out->runs = b->runs;
	if (out->best == CP_BAYES_OUTSIDE) {
		out->repro = b->phat[b->n];
		return 0;
	}
	out->repro = b->phat[out->best];
	ret = cpb_verify(b, (uint32_t)out->best, out, NULL, err);
	if (ret)
		return ret;
	{
		const struct cp_graph *g = b->g;
		const struct slot *xs = &b->slots[out->best];
		uint32_t k = g->parent_off[out->best];

		out->noop = -1;
		if (xs->has_sig && k < g->parent_off[out->best + 1] &&
		    g->parents[k] != CP_NOT_CANDIDATE) {
			const struct slot *ps = &b->slots[g->parents[k]];

			if (ps->has_sig)
				out->noop = ps->sig == xs->sig;
		}
	}
	return 0;
}

int cp_bayes_drive(struct cp_bayes *b, const struct cp_bayes_ops *ops,
		   struct cp_bayes_action *last, struct cp_error *err)
{
	double build_sum = 0, run_sum = 0;
	unsigned nbuild = 0, nrun = 0;
	int ret;

	for (;;) {
		struct cp_bayes_action act;

		ret = cp_bayes_next(b, &act, err);
		if (ret)
			return ret;
		if (ops->step)
			ops->step(ops->ctx, &act);
		if (act.kind == CP_BAYES_DONE) {
			if (last)
				*last = act;
			return 0;
		}
		if (act.kind == CP_BAYES_BUILD) {
			char *sig = NULL;
			double secs = 0;
			int ok = 0;

			ret = ops->build(ops->ctx, act.slot, cp_bayes_slot_oid(b, act.slot),
					 &ok, &sig, &secs, err);
			if (!ret)
				ret = cp_bayes_add_build(b, act.slot, ok, sig, err);
			free(sig);
			if (ret)
				return ret;
			build_sum += secs;
			nbuild++;
		} else {
			enum cp_bayes_outcome o = CP_BAYES_SILENT;
			double secs = 0;

			ret = ops->run(ops->ctx, act.slot, cp_bayes_slot_oid(b, act.slot), &o,
				       &secs, err);
			if (!ret)
				ret = cp_bayes_add_run(b, act.slot, o, 1, err);
			if (ret)
				return ret;
			if (b->cfg.one_worktree)
				b->current = act.slot;
			run_sum += secs;
			nrun++;
		}
		cp_bayes_set_costs(b, nbuild ? build_sum / nbuild : 0, nrun ? run_sum / nrun : 0);
	}
}

