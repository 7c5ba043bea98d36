#!/usr/bin/env bash
# culprit bisect --policy culprit --jobs 4 killed with SIGKILL in the middle
# of a batch of runs (some runs of the batch recorded, others still going),
# three times, then resumed to the end: the same culprit as without kills
# and as --jobs 1, every commit's runs recorded once each with indices
# 0..n-1 (none lost, none twice), and result.json counts exactly the
# journal's runs.
. "$(dirname "$0")/../lib.sh"

repo=$TMP/r
mkdir -p "$repo"
git -C "$repo" init -q
for i in $(seq 1 40); do
	if [ "$i" -ge 23 ]; then echo bug; else echo fine; fi > "$repo/state.txt"
	echo "$i" > "$repo/version.txt"
	git -C "$repo" add .
	commit "$repo" "$i" "change $i"
done
culprit_sha=$(git -C "$repo" rev-list --reverse HEAD | sed -n 23p)
mkdir -p "$TMP/inflight"
# flaky but repeatable: a bad commit crashes on even run indices; every
# fourth run is slow, so a batch of 4 has runs recorded while one still goes
cat > "$TMP/repro.sh" <<SH
#!/bin/sh
if [ \$((CULPRIT_RUN % 4)) -eq 3 ]; then
	touch "$TMP/inflight/\$\$"
	sleep 1.5
	rm -f "$TMP/inflight/\$\$"
fi
grep -q bug state.txt || exit 0
[ \$((CULPRIT_RUN % 2)) -eq 0 ] || exit 0
echo "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000018"
echo "READ of size 8 at 0x602000000018 thread T0"
echo "    #0 0x401136 in planted /src/prog.c:4"
exit 1
SH
chmod +x "$TMP/repro.sh"
args=(--repo "$repo" --bad HEAD --good HEAD~39 --policy culprit --build 'sleep 0.05'
	--test "$TMP/repro.sh")

"$CULPRIT" bisect "${args[@]}" --jobs 1 --out "$TMP/one" > "$TMP/one.txt" 2>&1
check "--jobs 1 exits 0" 0 $?
"$CULPRIT" bisect "${args[@]}" --jobs 4 --out "$TMP/ref" > "$TMP/ref.txt" 2>&1
check "--jobs 4 exits 0" 0 $?
want="first bad commit: $culprit_sha change 23"
check "--jobs 1 finds the culprit" "$want" "$(grep '^first bad commit:' "$TMP/one.txt")"
check "--jobs 4 finds the culprit" "$want" "$(grep '^first bad commit:' "$TMP/ref.txt")"

out=$TMP/k
kills=0 mid=0
for attempt in 1 2 3; do
	if [ -s "$out/journal.jsonl" ]; then
		"$CULPRIT" bisect --resume "$out" >> "$TMP/k.txt" 2>&1 &
	else
		"$CULPRIT" bisect "${args[@]}" --jobs 4 --out "$out" >> "$TMP/k.txt" 2>&1 &
	fi
	pid=$!
	before=$(grep -c '"type": *"run"' "$out/journal.jsonl" 2>/dev/null || echo 0)
	# wait for a slow run in flight after more runs were recorded
	for _ in $(seq 1 200); do
		now=$(grep -c '"type": *"run"' "$out/journal.jsonl" 2>/dev/null || echo 0)
		if [ -n "$(ls "$TMP/inflight")" ] && [ "$now" -gt "$before" ]; then
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null && [ -n "$(ls "$TMP/inflight")" ]; then
		kill -9 "$pid"
		wait "$pid" 2>/dev/null
		kills=$((kills + 1))
		mid=$((mid + 1))
	else
		wait "$pid"
		break
	fi
	sleep 1.6	# the orphaned slow run ends
	rm -f "$TMP/inflight"/*
done
check "killed three times in the middle of a batch" 3 "$mid"
"$CULPRIT" bisect --resume "$out" >> "$TMP/k.txt" 2>&1
check "the resumed bisection exits 0" 0 $?
check "the resumed bisection finds the culprit" "$want" "$(grep '^first bad commit:' "$out/log" | tail -1)"
python3 - "$out/journal.jsonl" "$out/result.json" "$TMP/ref/result.json" <<'PY' && pass "no run lost or recorded twice; result.json counts the journal's runs" || fail "no run lost or recorded twice; result.json counts the journal's runs"
import json, sys, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") == "run":
        runs[r["commit"]].append(r["index"])
assert runs, "no runs"
for c, idx in runs.items():
    assert sorted(idx) == list(range(len(idx))), (c, sorted(idx))
res, ref = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
for t in res["tested"]:
    ev = t["evidence"]
    n = ev["target"] + ev["clean"] + ev["other"]
    assert n == len(runs.get(t["commit"], [])), (t["commit"], n, len(runs.get(t["commit"], [])))
assert abs(res["bayes"]["posterior"] - ref["bayes"]["posterior"]) < 0.05, (res["bayes"], ref["bayes"])
PY
sleep 0.5
if pgrep -f "$TMP/repro.sh" >/dev/null; then fail "no reproducer left running"; else pass "no reproducer left running"; fi
finish
