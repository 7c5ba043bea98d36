#!/usr/bin/env bash
# Accuracy, wall-clock, machine-hours and builds of the three policies under
# the kernel cost model (culprit sim --cost kernel, docs/cost.md) on every
# family of bench/sim/scenarios/ (cause bisections), at k = 20 VMs / b = 2
# build slots (syzkaller's setting) and k = 4 / b = 1 (a small farm), all
# at the same seeds in the same run.  Figures are ratios against the
# syzkaller policy measured in that run (builds: against git's), then the
# issue's targets, each said met or not.  SEQUENTIAL=1 adds the culprit
# policy one action at a time (--sequential) as a second baseline.
# Prints Markdown.
#   bench/sim/cost.sh [TRIALS]      (default 50; SEED=S as run.sh)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
trials=${1:-50}
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
fams="deterministic flaky-0.5 flaky-0.2 flaky-0.1 masking build-broken noop merge fixed-in-range infra"
pols="culprit syzkaller git"
[ -n "${SEQUENTIAL:-}" ] && pols="$pols sequential"
for slots in "20 2" "4 1"; do
	set -- $slots
	for f in $fams; do
		n=0
		for p in $pols; do
			extra=
			pol=$p
			[ "$p" = sequential ] && { pol=culprit; extra=--sequential; }
			"$CULPRIT" sim --scenario "$here/scenarios/$f.json" --policy "$pol" $extra \
				--cost kernel --vms "$1" --build-slots "$2" \
				--trials "$trials" --seed "$seed" --json > "$out/$1.$f.$p.json" &
			n=$((n + 1))
			[ $((n % 2)) -eq 0 ] && wait	# two at a time
		done
		wait
	done
done
python3 - "$out" "$trials" "$fams" "$pols" <<'PY'
import json, os, sys
out, trials, fams, pols = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
print(f"{trials} trials per cell, seed {os.environ.get('SEED', '1')}, kernel cost model"
      " (build 600 s cold / 120 s incremental, boot 60 s + run 180 s per run).\n"
      "Cells: accuracy / mean wall-clock h / mean machine-hours / mean builds.\n")
for k, b in (("20", 2), ("4", 1)):
    r = {(f, p): json.load(open(os.path.join(out, f"{k}.{f}.{p}.json"))) for f in fams for p in pols}
    print(f"### k = {k} VMs, b = {b} build slot{'s' if b > 1 else ''}\n")
    head = "| family | " + " | ".join(pols) + " | wall: culprit/syzkaller | machine-h: culprit/syzkaller | builds: culprit - git |"
    print(head)
    print("| --- |" + " --- |" * (len(pols) + 3))
    tot = {p: [0.0, 0.0] for p in pols}
    low = []
    for f in fams:
        cells = []
        for p in pols:
            x = r[f, p]
            tot[p][0] += x["mean_wall_s"]
            tot[p][1] += x["mean_machine_h"]
            cells.append(f"{x['accuracy']:.2f} / {x['mean_wall_s']/3600:.2f} / {x['mean_machine_h']:.2f} / {x['mean_builds']:.1f}")
        c, z, g = r[f, "culprit"], r[f, "syzkaller"], r[f, "git"]
        if c["accuracy"] < 0.99:
            low.append(f"{f} {c['accuracy']:.2f}")
        cells.append(f"{c['mean_wall_s'] / z['mean_wall_s']:.2f}")
        cells.append(f"{c['mean_machine_h'] / z['mean_machine_h']:.2f}")
        cells.append(f"{c['mean_builds'] - g['mean_builds']:+.1f}")
        print(f"| {f} | " + " | ".join(cells) + " |")
    c, z = tot["culprit"], tot["syzkaller"]
    wr, mr = c[0] / z[0], c[1] / z[1]
    d = r["deterministic", "culprit"]["mean_builds"] - r["deterministic", "git"]["mean_builds"]
    met = lambda ok: "met" if ok else "NOT met"
    print(f"\ntotal wall-clock culprit / syzkaller {wr:.2f}; total machine-hours culprit / syzkaller {mr:.2f}")
    if "sequential" in pols:
        s = tot["sequential"]
        print(f"; batches / one at a time: wall {c[0] / s[0]:.2f}, machine-hours {c[1] / s[1]:.2f}")
    print(f"\n- accuracy >= 0.99 in every family: {met(not low)}" + (f" ({', '.join(low)})" if low else ""))
    print(f"- total wall-clock <= 0.4x syzkaller: {met(wr <= 0.4)} ({wr:.2f})")
    print(f"- total machine-hours <= 0.5x syzkaller: {met(mr <= 0.5)} ({mr:.2f})")
    print(f"- deterministic builds <= git + 1: {met(d <= 1)} ({d:+.1f})\n")
PY
