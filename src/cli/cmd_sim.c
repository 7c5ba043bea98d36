/*
 * culprit sim --scenario FILE [--policy culprit|git|syzkaller] [--trials N]
 *             [--seed S] [--cost kernel|generic] [--vms K] [--build-slots B]
 *             [--sequential] [--json]
 *
 * Bisects a simulated scenario (docs/sim.md) N times with one policy and
 * prints each trial and a summary (accuracy, builds, runs, machine time,
 * wall-clock on the cost model's slots, calibration of the reported
 * confidence); --json prints one object.
 */
#include "bisect/cost.h"
#include "cli/cli.h"
#include "sim/sim.h"
#include "util/error.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sim_usage(FILE *out)
{
	fprintf(out,
		"usage: culprit sim --scenario FILE [--policy culprit|git|syzkaller] [--trials N]\n"
		"                   [--seed S] [--cost kernel|generic] [--vms K] [--build-slots B]\n"
		"                   [--sequential] [--json]\n"
		"\n"
		"Bisects a simulated scenario (docs/sim.md) N times (default 100) with one\n"
		"policy (default culprit) and prints each trial and a summary; --json prints\n"
		"{trials, accuracy, mean_builds, mean_runs, mean_time_s, mean_wall_s,\n"
		"mean_machine_h, calibration, ...}.  --cost replaces the scenario's cost model\n"
		"with a preset; --vms and --build-slots override its test_slots and build_slots\n"
		"(docs/cost.md); --sequential makes the culprit policy ask for one run at a\n"
		"time (no batches).\n");
}

/* Confidence bins for the calibration table. */
static const double bin_lo[] = { 0, 0.5, 0.8, 0.95, 0.99 };
#define NBINS (sizeof(bin_lo) / sizeof(bin_lo[0]))

static unsigned bin_of(double c)
{
	unsigned i = NBINS - 1;

	while (i > 0 && c < bin_lo[i])
		i--;
	return i;
}

/* A whole number from lo to hi, or a usage error naming the option. */
static int count_arg(const char *opt, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char msg[96], *end;

	*out = strtoul(optarg, &end, 10);
	if (*end || !*optarg || *optarg == '-' || *out < lo || *out > hi) {
		snprintf(msg, sizeof(msg), "--%s must be a number from %lu to %lu", opt, lo, hi);
		return cli_fail(CP_ERR_USAGE, msg);
	}
	return 0;
}

int cmd_sim(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "trials", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "vms", required_argument, NULL, 'k' },
		{ "build-slots", required_argument, NULL, 'b' },
		{ "sequential", no_argument, NULL, 'q' },
		{ "cost", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	int policy = CP_SIM_CULPRIT, json = 0, sequential = 0, c, ret = 0;
	unsigned long vms = 0, bslots = 0;
	const char *preset = NULL;
	unsigned long trials = 100, i;
	unsigned long long seed = 1;
	unsigned nbin[NBINS] = { 0 }, okbin[NBINS] = { 0 }, correct = 0;
	double builds = 0, runs = 0, secs = 0, wall = 0, mach = 0;
	struct cp_scenario *sc = NULL;
	struct cp_error err = { 0 };
	json_t *results = NULL;
	char *end;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': path = optarg; break;
		case 'p':
			policy = cp_sim_policy_parse(optarg);
			if (policy < 0)
				return cli_fail(CP_ERR_USAGE, "--policy must be culprit, git or syzkaller");
			break;
		case 't':
			if ((ret = count_arg("trials", 1, 1000000, &trials)))
				return ret;
			break;
		case 'S':
			seed = strtoull(optarg, &end, 10);
			if (*end || !*optarg)
				return cli_fail(CP_ERR_USAGE, "--seed must be a number");
			break;
		case 'j': json = 1; break;
		case 'k':
			if ((ret = count_arg("vms", 1, 10000, &vms)))
				return ret;
			break;
		case 'b':
			if ((ret = count_arg("build-slots", 1, 1000, &bslots)))
				return ret;
			break;
		case 'q': sequential = 1; break;
		case 'c':
			if (strcmp(optarg, "kernel") && strcmp(optarg, "generic"))
				return cli_fail(CP_ERR_USAGE, "--cost must be kernel or generic");
			preset = optarg;
			break;
		case 'h': sim_usage(stdout); return 0;
		default:
			fprintf(stderr, "culprit sim: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			sim_usage(stderr);
			return cp_exit_code(CP_ERR_USAGE);
		}
	}
	if (optind < argc || !path) {
		sim_usage(stderr);
		return cp_exit_code(CP_ERR_USAGE);
	}
	ret = cp_scenario_load(path, &sc, &err);
	if (ret)
		return cli_fail(ret, err.msg);
	if (preset && !strcmp(preset, "kernel"))
		cp_cost_kernel(cp_scenario_cost(sc));
	else if (preset)
		cp_cost_generic(cp_scenario_cost(sc));
	if (vms)
		cp_scenario_cost(sc)->test_slots = (unsigned)vms;
	if (bslots)
		cp_scenario_cost(sc)->build_slots = (unsigned)bslots;
	cp_scenario_set_sequential(sc, sequential);
	if (json && !(results = json_array())) {
		cp_scenario_free(sc);
		return cli_fail(CP_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < trials; i++) {
		struct cp_sim_trial tr;
		char hex[CP_OID_HEXSZ + 1] = "none";

		ret = cp_sim_trial(sc, (enum cp_sim_policy)policy, seed + i, &tr, &err);
		if (ret)
			break;
		if (tr.found)
			cp_oid_to_hex(&tr.commit, hex);
		else if (tr.outside)
			snprintf(hex, sizeof(hex), "not-in-range");
		correct += tr.correct;
		builds += tr.builds;
		runs += tr.runs;
		secs += tr.time_s;
		wall += tr.wall_s;
		mach += tr.machine_h;
		nbin[bin_of(tr.confidence)]++;
		okbin[bin_of(tr.confidence)] += tr.correct;
		if (json && json_array_append_new(results, json_pack("{s:b, s:f, s:i, s:i, s:i, s:f, s:f, s:f, s:s}",
				"correct", tr.correct, "confidence", tr.confidence,
				"builds", (int)tr.builds, "runs", (int)tr.runs, "infra", (int)tr.infra,
				"time_s", tr.time_s,
				"wall_s", tr.wall_s, "machine_h", tr.machine_h, "found", hex))) {
			ret = CP_ERR_NOMEM;
			cp_error_set(&err, ret, "out of memory");
			break;
		}
		if (!json)
			printf("trial %lu: found %.12s %s builds %u runs %u time %.0fs wall %.0fs confidence %.3f%s%s\n",
			       i + 1, hex, tr.correct ? "correct" : "wrong", tr.builds, tr.runs,
			       tr.time_s, tr.wall_s, tr.confidence, tr.note[0] ? " " : "", tr.note);
	}
	if (ret) {
		json_decref(results);
		cp_scenario_free(sc);
		return cli_fail(ret, err.msg);
	}
	if (json) {
		json_t *cal = json_array(), *root;
		unsigned b;

		for (b = 0; cal && b < NBINS; b++)
			json_array_append_new(cal, json_pack("{s:f, s:f, s:i, s:o}",
				"min", bin_lo[b], "max", b + 1 < NBINS ? bin_lo[b + 1] : 1.0,
				"trials", (int)nbin[b],
				"accuracy", nbin[b] ? json_real((double)okbin[b] / nbin[b]) : json_null()));
		root = json_pack("{s:s, s:s, s:i, s:f, s:f, s:f, s:f, s:f, s:f, s:i, s:i, s:b, s:o, s:I, s:o}",
				 "scenario", path, "policy", cp_sim_policy_name((enum cp_sim_policy)policy),
				 "trials", (int)trials, "accuracy", (double)correct / trials,
				 "mean_builds", builds / trials, "mean_runs", runs / trials,
				 "mean_time_s", secs / trials, "mean_wall_s", wall / trials,
				 "mean_machine_h", mach / trials,
				 "test_slots", (int)cp_scenario_cost(sc)->test_slots,
				 "build_slots", (int)cp_scenario_cost(sc)->build_slots,
				 "sequential", sequential, "calibration", cal ? cal : json_null(),
				 "seed", (json_int_t)seed, "results", results);
		if (!root) {
			cp_scenario_free(sc);
			return cli_fail(CP_ERR_NOMEM, "out of memory");
		}
		json_dumpf(root, stdout, JSON_COMPACT);
		printf("\n");
		json_decref(root);
	} else {
		unsigned b;

		printf("policy %s: %lu trials, accuracy %.3f, mean builds %.1f, mean runs %.1f, mean time %.0fs, "
		       "mean wall-clock %.0fs, mean machine-hours %.2f (%u test slots, %u build slots%s)\n",
		       cp_sim_policy_name((enum cp_sim_policy)policy), trials, (double)correct / trials,
		       builds / trials, runs / trials, secs / trials, wall / trials, mach / trials,
		       cp_scenario_cost(sc)->test_slots, cp_scenario_cost(sc)->build_slots,
		       sequential ? ", sequential" : "");
		printf("calibration (reported confidence: trials, accuracy):");
		for (b = 0; b < NBINS; b++)
			if (nbin[b])
				printf(" [%.2f,%.2f%c %u %.3f", bin_lo[b],
				       b + 1 < NBINS ? bin_lo[b + 1] : 1.0, b + 1 < NBINS ? ')' : ']',
				       nbin[b], (double)okbin[b] / nbin[b]);
		printf("\n");
	}
	cp_scenario_free(sc);
	return 0;
}
