#!/usr/bin/env bash
# The syzkaller policy's extra steps (docs/sim.md): the config minimization
# tests on the start commit (scenario "syzkaller_minimize", default 1: a
# cold build and 10 runs each) and the no-op check (the culprit's parent
# built when the search never built it), on a deterministic range where
# everything else is git's sequence with 20 runs first and 10 after.
. "$(dirname "$0")/../lib.sh"

scenario() {	# scenario NAME MINIMIZE
	cat > "$TMP/$1.json" <<JSON
{"name": "$1", "generate": {"commits": 300, "merge_rate": 0.25, "seed": 5},
 "good": ["c0"], "cost": {"preset": "kernel"}, "syzkaller_minimize": $2,
 "bugs": [{"title": "KASAN: use-after-free in foo", "introduced": "HEAD~60", "p": 1}]}
JSON
}
for m in 0 1 6; do
	scenario m$m $m
	"$CULPRIT" sim --scenario "$TMP/m$m.json" --policy syzkaller --trials 2 --json > "$TMP/m$m.out"
	check "syzkaller_minimize $m exits 0" 0 $?
done
"$CULPRIT" sim --scenario "$TMP/m0.json" --policy git --trials 2 --json > "$TMP/git.out"
python3 - "$TMP" <<'PY' && pass "minimization: a cold build and 10 runs per test; no-op check: git's builds + 1 at most" || fail "minimization: a cold build and 10 runs per test; no-op check: git's builds + 1 at most"
import json, os, sys
d = sys.argv[1]
r = {n: json.load(open(os.path.join(d, n + ".out"))) for n in ("m0", "m1", "m6", "git")}
assert all(x["accuracy"] == 1.0 for x in r.values())
g, m0 = r["git"]["results"][0], r["m0"]["results"][0]
# syzkaller runs the start commit 20 times, every other commit 10 times
assert m0["runs"] == 20 + 10 * (g["builds"] - 1), (m0, g)
assert g["builds"] <= m0["builds"] <= g["builds"] + 1, (m0, g)
for n, k in (("m1", 1), ("m6", 6)):
    t = r[n]["results"][0]
    assert t["builds"] == m0["builds"] + k, (n, t, m0)
    assert t["runs"] == m0["runs"] + 10 * k, (n, t, m0)
    assert abs(t["time_s"] - m0["time_s"] - k * (600 + 10 * 240)) < 1e-6, (n, t, m0)
PY
sed 's/"syzkaller_minimize": 6/"syzkaller_minimize": 7/' "$TMP/m6.json" > "$TMP/bad.json"
expect_status "syzkaller_minimize 7" 10 "$CULPRIT" sim --scenario "$TMP/bad.json"
finish
