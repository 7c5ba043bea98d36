#!/usr/bin/env bash
# culprit sim: small scenario families with few trials.  The Bayesian policy
# is right where the syzkaller policy is misled by a second, flaky crash
# introduced earlier (the reference log's situation); with a deterministic
# test it builds what git builds.  Then culprit bisect --policy culprit on a
# real repository.
. "$(dirname "$0")/../lib.sh"

scenario() {	# scenario NAME BUGS [EXTRA]
	cat > "$TMP/$1.json" <<JSON
{"name": "$1", "generate": {"commits": 300, "merge_rate": 0.25, "seed": 5},
 "good": ["c0"], "cost": {"build_s": 600, "run_s": 300},
 "bugs": $2 ${3:-}}
JSON
}
field() {	# field FILE KEY
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}
sim() {	# sim NAME POLICY TRIALS
	"$CULPRIT" sim --scenario "$TMP/$1.json" --policy "$2" --trials "$3" --json > "$TMP/$1.$2.out"
}

scenario det '[{"title": "KASAN: use-after-free in foo", "introduced": "HEAD~60", "p": 1}]'
scenario flaky '[{"title": "KASAN: use-after-free in foo", "introduced": "HEAD~60", "p": 0.5}]'
scenario masking '[{"title": "general protection fault in try_grab_compound_head", "introduced": "HEAD~60", "p": 0.9},
  {"title": "WARNING in kvm_wait", "introduced": "HEAD~110", "p": 0.3, "p_boot": 0.1}]' \
  ', "target": "general protection fault in try_grab_compound_head"'
scenario broken '[{"title": "KASAN: use-after-free in foo", "introduced": "HEAD~60", "p": 0.5}]' \
  ', "build_fails": ["HEAD~66..HEAD~62", "HEAD~59..HEAD~55"], "same_binary": ["HEAD~90..HEAD~70"]'

sim det culprit 3 && sim det git 3
check "deterministic: culprit is right" 1.0 "$(field "$TMP/det.culprit.out" accuracy)"
check "deterministic: culprit builds what git builds" "$(field "$TMP/det.git.out" mean_builds)" \
	"$(field "$TMP/det.culprit.out" mean_builds)"

sim flaky culprit 10 && sim flaky git 10
python3 - "$TMP/flaky.culprit.out" "$TMP/flaky.git.out" <<'PY' && pass "p = 0.5: culprit right in 10 of 10, git is not" || fail "p = 0.5: culprit right, git is not"
import json, sys
c, g = (json.load(open(p)) for p in sys.argv[1:3])
assert c["accuracy"] == 1.0 and g["accuracy"] < 0.5, (c, g)
assert set(c) >= {"trials", "accuracy", "mean_builds", "mean_runs", "mean_time_s", "calibration"}
assert sum(b["trials"] for b in c["calibration"]) == 10
PY

sim masking culprit 5 && sim masking syzkaller 5
check "masking: culprit is right" 1.0 "$(field "$TMP/masking.culprit.out" accuracy)"
check "masking: syzkaller blames the other crash" 0.0 "$(field "$TMP/masking.syzkaller.out" accuracy)"

sim broken culprit 5
python3 - "$TMP/broken.culprit.out" <<'PY' && pass "broken builds and no-op commits: culprit right" || fail "broken builds and no-op commits: culprit right"
import json, sys
assert json.load(open(sys.argv[1]))["accuracy"] >= 0.8
PY

# fix bisection: the start commit HEAD~100 crashes, the bug is fixed at
# HEAD~40 and gone at HEAD; culprit also tests the fixed end, git does not
fixscenario() {	# fixscenario NAME BUGS [EXTRA]
	cat > "$TMP/$1.json" <<JSON
{"name": "$1", "generate": {"commits": 300, "merge_rate": 0.25, "seed": 5},
 "fix": true, "bad": "HEAD~100", "good": "HEAD", "cost": {"build_s": 600, "run_s": 300},
 "bugs": $2 ${3:-}}
JSON
}
fixscenario fixdet '[{"title": "KASAN: use-after-free in foo", "introduced": "c0", "fixed": "HEAD~40", "p": 1}]'
fixscenario fixmask '[{"title": "general protection fault in try_grab_compound_head", "introduced": "c0", "fixed": "HEAD~40", "p": 0.9},
  {"title": "WARNING in kvm_wait", "introduced": "c0", "p": 0.3, "p_boot": 0.1}]' \
  ', "target": "general protection fault in try_grab_compound_head"'
sim fixdet culprit 3 && sim fixdet git 3
check "fix, deterministic: culprit is right" 1.0 "$(field "$TMP/fixdet.culprit.out" accuracy)"
check "fix, deterministic: git is right" 1.0 "$(field "$TMP/fixdet.git.out" accuracy)"
python3 - "$TMP/fixdet.culprit.out" "$TMP/fixdet.git.out" <<'PY' && pass "fix, deterministic: culprit builds what git builds, and the fixed end" || fail "fix, deterministic: culprit builds what git builds, and the fixed end"
import json, sys
c, g = (json.load(open(p)) for p in sys.argv[1:3])
assert c["mean_builds"] == g["mean_builds"] + 1, (c["mean_builds"], g["mean_builds"])
PY
sim fixmask culprit 5 && sim fixmask git 5
check "fix with another crash everywhere: culprit is right" 1.0 "$(field "$TMP/fixmask.culprit.out" accuracy)"
python3 - "$TMP/fixmask.git.out" <<'PY' && pass "fix with another crash everywhere: git is misled" || fail "fix with another crash everywhere: git is misled"
import json, sys
assert json.load(open(sys.argv[1]))["accuracy"] <= 0.4
PY
echo '{"generate": {}, "fix": true, "bad": "c5", "good": ["HEAD", "c9"], "bugs": [{"title": "x", "introduced": "c0", "fixed": "c50"}]}' > "$TMP/bad3.json"
expect_status "fix with two fixed ends" 10 "$CULPRIT" sim --scenario "$TMP/bad3.json"
echo '{"generate": {}, "fix": true, "bad": "c5", "good": "HEAD", "bugs": [{"title": "x", "introduced": "c0"}]}' > "$TMP/bad4.json"
expect_status "fix without the target's fixed commit" 10 "$CULPRIT" sim --scenario "$TMP/bad4.json"
echo '{"generate": {}, "fix": "yes", "bad": "c5", "good": "HEAD", "bugs": [{"title": "x", "introduced": "c0", "fixed": "c50"}]}' > "$TMP/bad5.json"
expect_status "fix that is not a boolean" 10 "$CULPRIT" sim --scenario "$TMP/bad5.json"

"$CULPRIT" sim --scenario "$TMP/det.json" --trials 2 > "$TMP/text.out"
grep -q '^trial 2: found [0-9a-f]\{12\} correct builds' "$TMP/text.out" && pass "text output per trial" || fail "text output per trial"
grep -q '^policy culprit: 2 trials, accuracy 1.000' "$TMP/text.out" && pass "text summary" || fail "text summary"
echo '{"generate": {}, "bugs": [], "good": "c0"}' > "$TMP/bad.json"
expect_status "a scenario without bugs" 10 "$CULPRIT" sim --scenario "$TMP/bad.json"
echo '{"generate": {}, "bugs": [{"title": "x", "introduced": "c5"}], "good": "c0", "colour": 1}' > "$TMP/bad2.json"
expect_status "an unknown scenario field" 10 "$CULPRIT" sim --scenario "$TMP/bad2.json"
expect_status "an unknown policy" 2 "$CULPRIT" sim --scenario "$TMP/det.json" --policy nope

# culprit bisect --policy culprit on a repository: a flaky-free ASan crash,
# a broken build next to the culprit
repo=$TMP/r
mkdir -p "$repo" && (
	cd "$repo" && git init -q
	for i in $(seq 1 24); do
		n=8; [ "$i" -ge 15 ] && n=9
		{
			echo '#include <stdlib.h>'
			echo '#include <string.h>'
			echo "/* version $i */"
			[ "$i" = 13 ] && echo 'this does not compile'
			echo "int main(void) { char *p = malloc(8); memset(p, 0, $n); free(p); return 0; }"
		} > prog.c
		git add prog.c
		GIT_COMMITTER_DATE="$((1600000000 + i * 60)) +0000" \
		GIT_AUTHOR_DATE="$((1600000000 + i * 60)) +0000" git commit -qm "change $i"
	done
)
culprit_sha=$(git -C "$repo" rev-list --reverse HEAD | sed -n 15p)
good_sha=$(git -C "$repo" rev-list --reverse HEAD | sed -n 1p)
"$CULPRIT" bisect --repo "$repo" --bad HEAD --good "$good_sha" --policy culprit \
	--build 'cc -g -fsanitize=address -o prog prog.c' --test ./prog --runs 2 \
	--out "$TMP/o" > "$TMP/o.txt" 2>&1
check "bisect --policy culprit exits 0" 0 $?
check "bisect --policy culprit finds the culprit" "first bad commit: $culprit_sha change 15" \
	"$(grep '^first bad commit:' "$TMP/o.txt")"
grep -q '^culprit: .* (posterior 0\.99' "$TMP/o.txt" && pass "log: posterior" || fail "log: posterior"
grep -q '^verified: yes' "$TMP/o.txt" && pass "log: verified" || fail "log: verified"
python3 - "$TMP/o/result.json" "$culprit_sha" <<'PY' && pass "result.json: posterior, runner-up, evidence" || fail "result.json: posterior, runner-up, evidence"
import json, sys
r = json.load(open(sys.argv[1]))
b = r["bayes"]
assert r["policy"] == "culprit" and r["status"] == "found" and b["culprit"] == sys.argv[2]
assert b["posterior"] >= 0.99 and b["verified"] and "runner_up" in b and "not_in_range" in b
assert b["culprit_runs"]["target"] >= 1 and all(p["ok"] for p in b["parents"])
assert all({"target", "clean", "other"} <= set(t["evidence"]) for t in r["tested"])
PY
finish
