#!/usr/bin/env bash
# SIGKILL culprit at random moments, 100 times, resuming after each kill:
# the result must equal an uninterrupted bisection's and no run may be
# recorded twice in the journal.
. "$(dirname "$0")/../lib.sh"

KILLS=${KILLS:-100}
repo=$TMP/repo
mkdir -p "$repo" && git -C "$repo" init -q
for i in $(seq 1 60); do
	if [ "$i" -ge 37 ]; then echo bug; else echo fine; fi > "$repo/state.txt"
	echo "$i" > "$repo/version.txt"
	git -C "$repo" add . 
	GIT_COMMITTER_DATE="$((1600000000 + i * 60)) +0000" git -C "$repo" commit -qm "change $i"
done
cat > "$TMP/repro.sh" <<'SH'
#!/bin/sh
sleep 0.0$(( (CULPRIT_RUN * 7) % 10 ))
grep -q bug state.txt || exit 0
echo "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000018"
echo "READ of size 8 at 0x602000000018 thread T0"
echo "    #0 0x401136 in planted /src/prog.c:4"
exit 1
SH
chmod +x "$TMP/repro.sh"
args=(--repo "$repo" --bad HEAD --good HEAD~59 --build 'sleep 0.1' --test "$TMP/repro.sh" --runs 3 --jobs 2)

"$CULPRIT" bisect "${args[@]}" --out "$TMP/ref" >/dev/null 2>&1
check "uninterrupted bisection succeeds" 0 $?
want=$(grep '^first bad commit:' "$TMP/ref/log")

kills=0 bisections=0 bad_results=0 dup=0
while [ "$kills" -lt "$KILLS" ]; do
	out=$TMP/k$bisections
	while :; do
		# killed before its journal existed, a bisection starts afresh
		if [ ! -s "$out/journal.jsonl" ]; then
			"$CULPRIT" bisect "${args[@]}" --out "$out" >>"$TMP/stderr" 2>&1 &
		else
			"$CULPRIT" bisect --resume "$out" >>"$TMP/stderr" 2>&1 &
		fi
		pid=$!
		sleep "0.$(( RANDOM % 10 ))$(( RANDOM % 10 ))"
		if kill -0 "$pid" 2>/dev/null; then
			kill -9 "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			kills=$((kills + 1))
			[ "$kills" -ge "$KILLS" ] && break
			continue
		fi
		wait "$pid"
		break
	done
	# finish what is left without kills
	if ! grep -q '^first bad commit:' "$out/log" 2>/dev/null; then
		if [ ! -s "$out/journal.jsonl" ]; then
			"$CULPRIT" bisect "${args[@]}" --out "$out" >>"$TMP/stderr" 2>&1
		else
			"$CULPRIT" bisect --resume "$out" >>"$TMP/stderr" 2>&1
		fi
	fi
	got=$(grep '^first bad commit:' "$out/log" | tail -1)
	[ "$got" = "$want" ] || { bad_results=$((bad_results + 1)); echo "bisection $bisections: '$got'"; grep culprit: "$TMP/stderr" | sort | uniq -c | head -5; }
	d=$(python3 - "$out/journal.jsonl" <<'PY'
import json, sys
seen, dup = set(), 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") == "run":
        k = (r["commit"], r["index"])
        dup += k in seen
        seen.add(k)
print(dup)
PY
)
	dup=$((dup + d))
	bisections=$((bisections + 1))
done
echo "$kills kills over $bisections bisections"

# SIGINT and SIGTERM stop every child and leave a resumable journal (slower
# builds, so that the signal comes before the end)
for sig in INT TERM; do
	out=$TMP/sig-$sig
	"$CULPRIT" bisect "${args[@]}" --runs 6 --build "sleep 0.5" --out "$out" >/dev/null 2>"$TMP/sig.err" &
	pid=$!
	sleep 1.5
	kill -$sig "$pid"
	wait "$pid"
	check "SIG$sig: exit status 14 (interrupted)" 14 $?
	grep -q -- "--resume" "$TMP/sig.err" && pass "SIG$sig: says how to resume" ||
		fail "SIG$sig: says how to resume"
	sleep 0.3
	if pgrep -f "$TMP/repro.sh" >/dev/null; then fail "SIG$sig: no child left"; else
		pass "SIG$sig: no child left"; fi
	"$CULPRIT" bisect --resume "$out" >/dev/null 2>&1
	check "SIG$sig: resumed to the same culprit" "$want" "$(grep '^first bad commit:' "$out/log" | tail -1)"
done
check "every resumed bisection finds the same culprit" 0 "$bad_results"
check "no run recorded twice" 0 "$dup"
sleep 0.5
if pgrep -f "$TMP/repro.sh" >/dev/null; then fail "no reproducer left running"; else pass "no reproducer left running"; fi
finish
