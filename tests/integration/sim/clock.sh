#!/usr/bin/env bash
# culprit sim's clock and batches (docs/cost.md): on one build slot and one
# test slot wall-clock is machine time; syzkaller's runs of a commit queue on
# fewer VMs; the culprit policy with batches is as right as one run at a time
# on the same seeds and takes less wall-clock; 2 build slots build different
# commits at once; bad cost fields are refused.
. "$(dirname "$0")/../lib.sh"

scenario() {	# scenario NAME P COST
	cat > "$TMP/$1.json" <<JSON
{"name": "$1", "generate": {"commits": 300, "merge_rate": 0.25, "seed": 5},
 "good": ["c0"], "cost": $3,
 "bugs": [{"title": "KASAN: use-after-free in foo", "introduced": "HEAD~60", "p": $2}]}
JSON
}
sim() {	# sim OUT NAME POLICY TRIALS [ARGS]
	local out=$1 name=$2 policy=$3 trials=$4
	shift 4
	"$CULPRIT" sim --scenario "$TMP/$name.json" --policy "$policy" --trials "$trials" \
		--seed 7 --json "$@" > "$TMP/$out.out"
}
scenario flaky 0.5 '{"preset": "kernel"}'
scenario det 1 '{"preset": "kernel", "build_incr_s": 100, "boot_s": 30}'

for p in culprit git syzkaller; do
	sim "one.$p" flaky $p 3 --vms 1 --build-slots 1
done
python3 - "$TMP"/one.*.out <<'PY' && pass "one slot each: wall-clock is machine time" || fail "one slot each: wall-clock is machine time"
import json, sys
for f in sys.argv[1:]:
    r = json.load(open(f))
    assert r["test_slots"] == 1 and r["build_slots"] == 1
    for t in r["results"]:
        assert abs(t["wall_s"] - t["time_s"]) < 1e-6, (f, t)
        assert abs(t["machine_h"] * 3600 - t["time_s"]) < 1e-6, (f, t)
PY

# deterministic, kernel preset: first build cold, later ones incremental
sim det.git det git 1 --vms 1 --build-slots 1
python3 - "$TMP/det.git.out" <<'PY' && pass "kernel preset: one cold build, the rest incremental" || fail "kernel preset: one cold build, the rest incremental"
import json, sys
t = json.load(open(sys.argv[1]))["results"][0]
want = 600 + (t["builds"] - 1) * 100 + t["runs"] * (30 + 180)
assert abs(t["time_s"] - want) < 1e-6, (t, want)
PY

sim syz20 flaky syzkaller 5 --vms 20 --build-slots 2
sim syz4 flaky syzkaller 5 --vms 4 --build-slots 1
python3 - "$TMP/syz20.out" "$TMP/syz4.out" <<'PY' && pass "syzkaller: runs queue on 4 VMs, same machine time" || fail "syzkaller: runs queue on 4 VMs, same machine time"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["mean_machine_h"] == b["mean_machine_h"], (a["mean_machine_h"], b["mean_machine_h"])
assert b["mean_wall_s"] > 2 * a["mean_wall_s"], (a["mean_wall_s"], b["mean_wall_s"])
for t in a["results"]:
    assert t["wall_s"] < t["time_s"]
PY

sim batch flaky culprit 10 --vms 20 --build-slots 2
sim seq flaky culprit 10 --vms 20 --build-slots 2 --sequential
python3 - "$TMP/batch.out" "$TMP/seq.out" <<'PY' && pass "batches: as right as one run at a time, less wall-clock" || fail "batches: as right as one run at a time, less wall-clock"
import json, sys
b, s = (json.load(open(p)) for p in sys.argv[1:3])
assert b["sequential"] is False and s["sequential"] is True
assert b["accuracy"] >= s["accuracy"] and b["accuracy"] == 1.0, (b["accuracy"], s["accuracy"])
assert b["mean_wall_s"] < 0.7 * s["mean_wall_s"], (b["mean_wall_s"], s["mean_wall_s"])
for t in s["results"]:
    assert abs(t["wall_s"] - t["time_s"]) < 1e-6   # one action at a time
PY

# builds of different commits at once (bisect/plan.h): with 2 build slots a
# deterministic range takes less wall-clock than with 1 at the same answers;
# with 1 build slot the engine builds what git builds (+1 for the no-op check)
sim b2 det culprit 3 --vms 20 --build-slots 2
sim b1 det culprit 3 --vms 20 --build-slots 1
sim git1 det git 3 --vms 20 --build-slots 1
python3 - "$TMP/b2.out" "$TMP/b1.out" "$TMP/git1.out" <<'PY' && pass "2 build slots: less wall-clock, same answers; 1: git's builds + 1 at most" || fail "2 build slots: less wall-clock, same answers; 1: git's builds + 1 at most"
import json, sys
b2, b1, g = (json.load(open(p)) for p in sys.argv[1:4])
assert b2["accuracy"] == 1.0 and b1["accuracy"] == 1.0, (b2["accuracy"], b1["accuracy"])
assert b2["mean_wall_s"] < 0.85 * b1["mean_wall_s"], (b2["mean_wall_s"], b1["mean_wall_s"])
assert b2["mean_builds"] > b1["mean_builds"], (b2["mean_builds"], b1["mean_builds"])
assert b1["mean_builds"] <= g["mean_builds"] + 1, (b1["mean_builds"], g["mean_builds"])
PY

echo '{"generate": {}, "good": "c0", "bugs": [{"title": "x", "introduced": "c5"}], "cost": {"colour": 1}}' > "$TMP/bad1.json"
expect_status "an unknown cost field" 10 "$CULPRIT" sim --scenario "$TMP/bad1.json"
echo '{"generate": {}, "good": "c0", "bugs": [{"title": "x", "introduced": "c5"}], "cost": {"test_slots": 0}}' > "$TMP/bad2.json"
expect_status "no test slots" 10 "$CULPRIT" sim --scenario "$TMP/bad2.json"
echo '{"generate": {}, "good": "c0", "bugs": [{"title": "x", "introduced": "c5"}], "cost": {"preset": "mainframe"}}' > "$TMP/bad3.json"
expect_status "an unknown cost preset" 10 "$CULPRIT" sim --scenario "$TMP/bad3.json"
expect_status "--vms 0" 2 "$CULPRIT" sim --scenario "$TMP/det.json" --vms 0
expect_status "--build-slots x" 2 "$CULPRIT" sim --scenario "$TMP/det.json" --build-slots x
finish
