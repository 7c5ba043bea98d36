#!/usr/bin/env bash
# Wall-clock and machine-hours of the policies under the kernel cost model
# (culprit sim --cost kernel, docs/cost.md) on the families of
# bench/sim/scenarios/, at k = 20 VMs / b = 2 build slots (syzkaller's
# setting) and k = 4 / b = 1 (a small farm).  The culprit policy runs with
# batches and, as the baseline measured in the same run, one run at a time
# (--sequential); figures are ratios against that baseline and against the
# syzkaller policy.  Prints Markdown.
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
for slots in "20 2" "4 1"; do
	set -- $slots
	for f in $fams; do
		for p in culprit sequential git syzkaller; do
			extra=
			pol=$p
			[ "$p" = sequential ] && { pol=culprit; extra=--sequential; }
			"$CULPRIT" sim --scenario "$here/scenarios/$f.json" --policy "$pol" $extra \
				--cost kernel --vms "$1" --build-slots "$2" \
				--trials "$trials" --seed "$seed" --json > "$out/$1.$f.$p.json" &
		done
		wait
	done
done
python3 - "$out" "$trials" "$fams" <<'PY'
import json, os, sys
out, trials, fams = sys.argv[1], sys.argv[2], sys.argv[3].split()
pols = ["culprit", "sequential", "syzkaller", "git"]
print(f"{trials} trials per cell, seed {os.environ.get('SEED', '1')}, kernel cost model;"
      " accuracy / mean wall-clock h / mean machine-hours / mean builds\n")
for k, b in (("20", 2), ("4", 1)):
    r = {(f, p): json.load(open(os.path.join(out, f"{k}.{f}.{p}.json"))) for f in fams for p in pols}
    print(f"### k = {k} VMs, b = {b} build slots\n")
    print("| family | culprit (batches) | culprit (sequential) | syzkaller | git | wall: batches/sequential | wall: culprit/syzkaller | machine-h: culprit/syzkaller | builds: culprit - git |")
    print("| --- |" + " --- |" * 8)
    tot = {p: [0.0, 0.0] for p in pols}
    for f in fams:
        cells = []
        for p in pols:
            x = r[f, p]
            tot[p][0] += x["mean_wall_s"]
            tot[p][1] += x["mean_machine_h"]
            cells.append(f"{x['accuracy']:.2f} / {x['mean_wall_s']/3600:.2f} / {x['mean_machine_h']:.2f} / {x['mean_builds']:.1f}")
        c, s, z, g = (r[f, p] for p in pols)
        cells.append(f"{c['mean_wall_s'] / s['mean_wall_s']:.2f}")
        cells.append(f"{c['mean_wall_s'] / z['mean_wall_s']:.2f}")
        cells.append(f"{c['mean_machine_h'] / z['mean_machine_h']:.2f}")
        cells.append(f"{c['mean_builds'] - g['mean_builds']:+.1f}")
        print(f"| {f} | " + " | ".join(cells) + " |")
    c, s, z = tot["culprit"], tot["sequential"], tot["syzkaller"]
    print(f"\ntotal wall-clock: batches / sequential {c[0] / s[0]:.2f}, culprit / syzkaller {c[0] / z[0]:.2f}; "
          f"total machine-hours: culprit / syzkaller {c[1] / z[1]:.2f}, batches / sequential {c[1] / s[1]:.2f}\n")
PY
