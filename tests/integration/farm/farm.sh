#!/usr/bin/env bash
# culprit farm: 4 bisections of one repository with overlapping ranges at
# once, sharing a cache, build no (tree, recipe) key twice (checked from
# their journals) and all find the culprit; a failing job does not stop
# the others; a farm killed with SIGKILL leaves no process behind and,
# run again, resumes the unfinished bisections and skips the finished; on a
# terminal one status line per running bisection.
. "$(dirname "$0")/../lib.sh"

r=$TMP/repo
mkdir -p "$r" && git -C "$r" init -q
for i in $(seq 1 40); do
	if [ "$i" -ge 25 ]; then printf 'bug %s\n' "$i"; else printf 'fine %s\n' "$i"; fi > "$r/prog.txt"
	git -C "$r" add prog.txt
	commit "$r" "$i" "change $i"
	git -C "$r" tag "c$i"
done
culprit=$(git -C "$r" rev-parse c25)
cat > "$TMP/repro.sh" <<'SH'
#!/bin/sh
grep -q bug out/prog.bin || exit 0
echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000018"
echo "    #0 0x401136 in planted_bug /src/prog.c:4"
exit 1
SH
chmod +x "$TMP/repro.sh"
jobs_for() { # DIR SLEEP
	mkdir -p "$1"
	local k=0
	for range in "1 40" "5 40" "1 35" "10 32"; do
		set -- "$1" "$2" $range
		k=$((k + 1))
		cat > "$1/b$k.json" <<JOB
{"repo": "$r", "good": "c$3", "bad": "c$4", "policy": "git", "runs": 1,
 "build": "sleep $2; mkdir -p out && cp prog.txt out/prog.bin", "test": "$TMP/repro.sh",
 "artifacts": ["out/prog.bin"]}
JOB
	done
}
jobs_for "$TMP/jobs" 0.3
# a job that fails (no such revision) among them
cat > "$TMP/jobs/bad.json" <<JOB
{"repo": "$r", "good": "c1", "bad": "nosuchrev", "build": "true", "test": "true"}
JOB
"$CULPRIT" farm --jobs-dir "$TMP/jobs" -j 4 --out "$TMP/out" --cache "$TMP/cache" >"$TMP/farm.txt" 2>&1
check "farm: exits 18 (one bisection did not finish)" 18 $?
for k in 1 2 3 4; do
	check "b$k: the culprit" "first bad commit: $culprit change 25" \
		"$(grep '^first bad commit:' "$TMP/out/b$k.log")"
done
grep -q "^farm: bad: failed (exit 4): culprit: " "$TMP/farm.txt" &&
	pass "the failing job: one line, the others went on" || { fail "the failing job"; cat "$TMP/farm.txt"; }
grep -q "^farm: 5 bisections: 4 done (0 before), 1 not finished$" "$TMP/farm.txt" &&
	pass "summary line" || fail "summary line"
python3 - "$TMP/out" <<'PY' && pass "no (tree, recipe) key built twice; builds shared" || fail "no key built twice"
import collections, glob, json, sys
built = collections.Counter()
tested = 0
for j in glob.glob(sys.argv[1] + "/b*/journal.jsonl"):
    for r in map(json.loads, open(j)):
        if r.get("type") != "build":
            continue
        tested += 1
        assert r["cache"] in ("built", "hit"), r
        if r["cache"] == "built":
            built[r["cache_key"]] += 1
twice = [k for k, n in built.items() if n > 1]
print("builds tested", tested, "built", sum(built.values()))
assert not twice, twice
assert sum(built.values()) < tested, (built, tested)
PY

# killed with SIGKILL mid-way, then run again
jobs_for "$TMP/jobs2" 1
"$CULPRIT" farm --jobs-dir "$TMP/jobs2" -j 2 --out "$TMP/out2" --cache "$TMP/cache2" >"$TMP/f1.txt" 2>&1 &
fpid=$!
# killed once b1 is done and another one has started but not finished (on
# an idle machine the rest finish within a second of b1 from the cache, so a
# fixed delay could let the whole farm end before the kill)
unfinished() {
	local k
	for k in 2 3 4; do
		[ -e "$TMP/out2/b$k/journal.jsonl" ] && [ ! -e "$TMP/out2/b$k/result.json" ] && return 0
	done
	return 1
}
for _ in $(seq 1 400); do
	[ -e "$TMP/out2/b1/result.json" ] && unfinished && break
	sleep 0.05
done
kill -9 $fpid
wait $fpid 2>/dev/null
sleep 1
left=$(pgrep -f -- "$TMP/(jobs2|out2)" | wc -l)
check "killed farm: no bisection left running" 0 "$left"
"$CULPRIT" farm --jobs-dir "$TMP/jobs2" -j 2 --out "$TMP/out2" --cache "$TMP/cache2" >"$TMP/f2.txt" 2>&1
check "rerun: exits 0" 0 $?
grep -q "^farm: b1: finished already" "$TMP/f2.txt" && pass "rerun: a finished one skipped" ||
	{ fail "rerun: a finished one skipped"; cat "$TMP/f1.txt" "$TMP/f2.txt"; }
grep -q "^farm: b[2-4]: resumed" "$TMP/f2.txt" && pass "rerun: an unfinished one resumed" ||
	fail "rerun: an unfinished one resumed"
for k in 1 2 3 4; do
	python3 - "$TMP/out2/b$k/result.json" "$culprit" <<'PY' && pass "rerun b$k: the culprit" || fail "rerun b$k: the culprit"
import json, sys
assert json.load(open(sys.argv[1]))["culprit"]["commit"] == sys.argv[2]
PY
done

# on a terminal (script(1) gives it one): a line per running bisection,
# its step and range left from out/<name>/status, redrawn in place
jobs_for "$TMP/jobs3" 0.6
script -qec "'$CULPRIT' farm --jobs-dir '$TMP/jobs3' -j 4 --out '$TMP/out3' --cache '$TMP/cache3'" \
	/dev/null >"$TMP/tty.txt" 2>&1
check "tty: exits 0" 0 $?
for k in 1 2 3 4; do
	grep -aq "b$k: step [0-9]* (~[0-9]* left) | [0-9]* revs left | [0-9a-f]\{12\} | \(build\|run 0/1\|checkout\) [0-9]*s" "$TMP/tty.txt" &&
		pass "tty: b$k's line: step, range left, commit" || fail "tty: b$k's line"
done
grep -aq "$(printf '\033')\[[0-9]*A" "$TMP/tty.txt" && pass "tty: redrawn in place" || fail "tty: redrawn in place"
grep -aq "^farm: 4 bisections: 4 done (0 before), 0 not finished" "$TMP/tty.txt" &&
	pass "tty: the summary" || fail "tty: the summary"
grep -q "revs left" "$TMP/out/b1.log" "$TMP/farm.txt" && fail "no terminal: no board" || pass "no terminal: no board"

"$CULPRIT" farm --jobs-dir "$TMP/nonexistent" >/dev/null 2>&1
check "no jobs dir: usage" 2 $?
mkdir -p "$TMP/empty"
msg=$("$CULPRIT" farm --jobs-dir "$TMP/empty" 2>&1)
check "empty jobs dir: one line" "culprit: no job files (*.json) in $TMP/empty" "$msg"
finish
