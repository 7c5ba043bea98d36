#!/usr/bin/env bash
# culprit stopped in the middle of a run, by SIGINT, SIGTERM or SIGKILL:
# nothing it started survives (not even a grandchild ignoring SIGTERM), a
# second culprit on the same output directory is refused, and --resume
# finishes the bisection without recording any run twice.
. "$(dirname "$0")/../lib.sh"

# The reproducer.  While $TMP/hang exists it hangs, with a background child
# and a grandchild that ignores SIGTERM; everything it starts carries
# CP_SIGNALS_CHILD so the test can look for survivors.
cat > "$TMP/test.sh" <<'SH'
#!/bin/sh
export CP_SIGNALS_CHILD="$SIGNALS_TMP"
if [ -e "$SIGNALS_TMP/hang" ]; then
	echo $$ >> "$SIGNALS_TMP/started"
	sleep 987 &
	sh -c 'trap "" TERM; while :; do sleep 1; done' &
	sleep 987
fi
grep -q bug state.txt || exit 0
echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000018"
echo "WRITE of size 1 at 0x602000000018 thread T0"
echo "    #0 0x401136 in planted_bug /src/prog.c:4"
exit 1
SH
chmod +x "$TMP/test.sh"
export SIGNALS_TMP=$TMP

# Live processes started by the reproducer.
survivors() {
	grep -lzx "CP_SIGNALS_CHILD=$TMP" /proc/[0-9]*/environ 2>/dev/null | wc -l
}

# Waits up to $2 tenths of a second for "$1" to succeed.
wait_for() {
	local i
	for i in $(seq 1 "$2"); do
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}

linear_repo "$TMP/repo" 6 10
want=$(git -C "$TMP/repo" rev-list --reverse HEAD | sed -n 6p)

start_hanging() {	# start_hanging OUT: culprit in the background, in a run
	rm -f "$TMP/started"
	touch "$TMP/hang"
	"$CULPRIT" bisect --repo "$TMP/repo" --bad HEAD --good HEAD~9 --build true \
		--test "$TMP/test.sh" --runs 2 --jobs 2 --run-timeout 600 \
		--out "$1" >"$1.txt" 2>&1 &
	culprit_pid=$!
	wait_for '[ -s "$TMP/started" ] && [ "$(survivors)" -ge 4 ]' 300
}

# Each run recorded once; prints the number of runs recorded.
runs_recorded() {	# runs_recorded OUT
	python3 - "$1/journal.jsonl" <<'PY'
import json, sys
seen = set()
for line in open(sys.argv[1]):
    rec = json.loads(line)
    if rec.get("type") == "run":
        key = (rec["commit"], rec["index"])
        if key in seen:
            sys.exit("run recorded twice: %r" % (key,))
        seen.add(key)
print(len(seen))
PY
}

resume_finds_culprit() {	# resume_finds_culprit NAME OUT
	rm -f "$TMP/hang"
	"$CULPRIT" bisect --resume "$2" >"$2.resume.txt" 2>&1
	check "$1: resume exits 0" 0 $?
	check "$1: resume finds the culprit" "first bad commit: $want change 6" \
		"$(grep '^first bad commit:' "$2.resume.txt")"
	runs_recorded "$2" >/dev/null && pass "$1: no run recorded twice" ||
		fail "$1: no run recorded twice"
}

for sig in INT TERM; do
	out=$TMP/o-$sig
	if ! start_hanging "$out"; then
		fail "$sig: the test started"; kill -KILL "$culprit_pid"; continue
	fi
	t0=$(date +%s)
	kill -"$sig" "$culprit_pid"
	wait "$culprit_pid"
	check "$sig: culprit exits as interrupted" 14 $?
	took=$(( $(date +%s) - t0 ))
	[ "$took" -le 10 ] && pass "$sig: stops within the grace (${took}s)" ||
		fail "$sig: took ${took}s to stop"
	grep -q "resume with: culprit bisect --resume $out" "$out.txt" &&
		pass "$sig: says how to resume" || fail "$sig: says how to resume"
	check "$sig: no process left" 0 "$(survivors)"
	resume_finds_culprit "$sig" "$out"
done

# SIGKILL: culprit cannot clean up; its watchdog and the kernel do.
out=$TMP/o-KILL
if start_hanging "$out"; then
	kill -KILL "$culprit_pid"
	wait "$culprit_pid"
	check "KILL: culprit died of SIGKILL" 137 $?
	wait_for '[ "$(survivors)" -eq 0 ]' 50
	check "KILL: no process left" 0 "$(survivors)"
	resume_finds_culprit "KILL" "$out"
else
	fail "KILL: the test started"; kill -KILL "$culprit_pid"
fi

# A second culprit on the same output directory is refused.
out=$TMP/o-LOCK
if start_hanging "$out"; then
	"$CULPRIT" bisect --resume "$out" >"$out.second.txt" 2>&1
	check "lock: a second culprit is refused" 13 $?
	grep -q "is in use by another culprit (pid $culprit_pid)" "$out.second.txt" &&
		pass "lock: names the holder" || fail "lock: names the holder"
	kill -INT "$culprit_pid"
	wait "$culprit_pid"
	check "lock: the first one still stops cleanly" 14 $?
	check "lock: no process left" 0 "$(survivors)"
else
	fail "lock: the test started"; kill -KILL "$culprit_pid"
fi
rm -f "$TMP/hang"
finish
