#!/usr/bin/env bash
# The scenario families of bench/sim/scenarios/ bisected by the three
# policies side by side (culprit sim, docs/sim.md); prints a Markdown table.
#   bench/sim/run.sh [TRIALS]      (default 100)
# SEED=S: trial i uses seed S + i - 1 (default 1), to check that the figures
# do not depend on the seeds.
# Builds an optimized culprit in build-sim-bench/ unless CULPRIT is set.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
trials=${1:-100}
seed=${SEED:-1}
if [ -z "${CULPRIT:-}" ]; then
	[ -d "$root/build-sim-bench" ] ||
		meson setup "$root/build-sim-bench" "$root" --buildtype=release \
			-Db_sanitize=none -Dtests=disabled >/dev/null
	ninja -C "$root/build-sim-bench" culprit >/dev/null
	CULPRIT=$root/build-sim-bench/culprit
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in deterministic flaky-0.5 flaky-0.2 flaky-0.1 masking build-broken noop merge fixed-in-range \
	fix-0.2 fix-masking; do
	for p in culprit git syzkaller; do
		"$CULPRIT" sim --scenario "$here/scenarios/$f.json" --policy "$p" \
			--trials "$trials" --seed "$seed" --json > "$out/$f.$p.json" &
	done
	wait
done
python3 - "$out" "$trials" <<'PY'
import json, os, sys
out, trials = sys.argv[1], sys.argv[2]
fams = ["deterministic", "flaky-0.5", "flaky-0.2", "flaky-0.1", "masking",
        "build-broken", "noop", "merge", "fixed-in-range"]
pols = ["culprit", "git", "syzkaller"]
r = {(f, p): json.load(open(os.path.join(out, f"{f}.{p}.json"))) for f in fams for p in pols}
print(f"{trials} trials per cell, seed {os.environ.get('SEED', '1')}; accuracy / mean builds / mean runs / mean modelled hours\n")
print("| family | " + " | ".join(pols) + " |")
print("| --- |" + " --- |" * len(pols))
for f in fams:
    cells = []
    for p in pols:
        x = r[f, p]
        cells.append(f"{x['accuracy']:.2f} / {x['mean_builds']:.1f} / {x['mean_runs']:.1f} / {x['mean_time_s']/3600:.1f}")
    print(f"| {f} | " + " | ".join(cells) + " |")
tot = {p: sum(r[f, p]["mean_runs"] for f in fams) for p in pols}
acc = {p: sum(r[f, p]["accuracy"] for f in fams) / len(fams) for p in pols}
print("| all (runs summed, accuracy averaged) | " + " | ".join(
    f"{acc[p]:.2f} / - / {tot[p]:.0f} / -" for p in pols) + " |")
print(f"\nculprit runs / syzkaller runs: {tot['culprit'] / tot['syzkaller']:.2f}\n")
print("Calibration of culprit's reported confidence (all families): bin: trials, accuracy")
bins = {}
for f in fams:
    for b in r[f, "culprit"]["calibration"]:
        k = (b["min"], b["max"])
        n, ok = bins.get(k, (0, 0.0))
        bins[k] = (n + b["trials"], ok + (b["accuracy"] or 0) * b["trials"])
for (lo, hi), (n, ok) in sorted(bins.items()):
    if n:
        print(f"- [{lo:.2f}, {hi:.2f}): {n}, {ok / n:.3f}")
fixfams = ["fix-0.2", "fix-masking"]
print("\nFix bisection (--fix; not among the issue's families, not in the sums above)\n")
print("| family | " + " | ".join(pols) + " |")
print("| --- |" + " --- |" * len(pols))
for f in fixfams:
    x = {p: json.load(open(os.path.join(out, f"{f}.{p}.json"))) for p in pols}
    print(f"| {f} | " + " | ".join(
        f"{x[p]['accuracy']:.2f} / {x[p]['mean_builds']:.1f} / {x[p]['mean_runs']:.1f} / {x[p]['mean_time_s']/3600:.1f}"
        for p in pols) + " |")
PY
