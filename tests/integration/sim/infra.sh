#!/usr/bin/env bash
# Runs lost on the host side (scenario "infra", docs/sim.md) are not
# evidence: with 10% of runs lost the culprit policy is as right and as
# confident as without, on the same seeds (batches and one run at a time),
# and only spends more runs; syzkaller skips them (pkg/bisect
# isTransientError); a bad share is refused.
. "$(dirname "$0")/../lib.sh"

scenario() {	# scenario NAME INFRA
	cat > "$TMP/$1.json" <<JSON
{"name": "$1", "generate": {"commits": 300, "merge_rate": 0.25, "seed": 5},
 "good": ["c0"], "cost": {"preset": "kernel"}, "infra": $2,
 "bugs": [{"title": "KASAN: use-after-free in foo", "introduced": "HEAD~60", "p": 0.5}]}
JSON
}
scenario clean 0
scenario lossy 0.1
for s in clean lossy; do
	for p in culprit syzkaller; do
		"$CULPRIT" sim --scenario "$TMP/$s.json" --policy $p --trials 10 --seed 3 --json \
			> "$TMP/$s.$p.out"
		check "$s $p exits 0" 0 $?
	done
	"$CULPRIT" sim --scenario "$TMP/$s.json" --trials 10 --seed 3 --json --sequential \
		> "$TMP/$s.seq.out"
	check "$s sequential exits 0" 0 $?
done
python3 - "$TMP" <<'PY' && pass "infra: culprit as right and as confident" || fail "infra: culprit as right and as confident"
import json, os, sys
d = sys.argv[1]
r = {n: json.load(open(os.path.join(d, n + ".out"))) for n in
     ("clean.culprit", "lossy.culprit", "clean.seq", "lossy.seq", "clean.syzkaller", "lossy.syzkaller")}
for m in ("culprit", "seq"):
    c, l = r["clean." + m], r["lossy." + m]
    assert c["accuracy"] == 1.0 and l["accuracy"] == 1.0, (m, c["accuracy"], l["accuracy"])
    assert all(t["infra"] == 0 for t in c["results"])
    assert sum(t["infra"] for t in l["results"]) > 10, m
    for t in l["results"]:
        assert t["confidence"] >= 0.99, (m, t)
        assert t["infra"] < t["runs"]
# syzkaller skips lost runs (isTransientError); they cost it runs
assert sum(t["infra"] for t in r["lossy.syzkaller"]["results"]) > 10
PY
sed 's/"infra": 0.1/"infra": 1.5/' "$TMP/lossy.json" > "$TMP/bad.json"
expect_status "an infra share above 0.9" 10 "$CULPRIT" sim --scenario "$TMP/bad.json"
finish
