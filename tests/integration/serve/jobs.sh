#!/bin/bash
# POST /api/jobs on a server that runs jobs itself (--run-jobs, no farm):
# the job is queued, runs, and its row ends done with the culprit; a job
# that outlives --job-timeout is killed and ends failed; stopping the
# server stops the running job, which ends interrupted.
. "$SOURCE_ROOT/tests/integration/lib.sh"
. "$SOURCE_ROOT/tests/integration/output/fixture.sh"
. "$SOURCE_ROOT/tests/integration/serve/serve-lib.sh"

cat >"$TMP/repro.sh" <<'SH'
#!/bin/sh
[ -n "$HANG" ] && [ -e "$HANG" ] && sleep 600
grep -q bug "$CULPRIT_WORKTREE/src/a.c" || exit 0
echo "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x1 bp 0x2 sp 0x3"
echo "    #0 0x55 in evil_func src/a.c:10"
echo "SUMMARY: AddressSanitizer: heap-use-after-free src/a.c:10 in evil_func"
exit 1
SH
chmod +x "$TMP/repro.sh"
S=$TMP/store.db J=$TMP/jobs T=$TMP/token
mkdir -p "$J"
echo "tok-0123456789abcdef" >"$T"
AUTH='Authorization: Bearer tok-0123456789abcdef'
export HANG=$TMP/hang
job() { echo '{"repo": "'$REPO'", "bad": "'$BAD'", "good": ["'$GOOD'"], "build": "true", "test": "'$TMP/repro.sh'", "runs": 2}'; }
post() { curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H "$AUTH" --data "$(job)" "$URL/api/jobs"; }
id_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/body"; }

start_serve "$TMP/serve.err" --store "$S" --token-file "$T" --jobs-dir "$J" --run-jobs --job-timeout 8 \
	|| { finish; exit 1; }
check "a job posted" 201 "$(post)"
id=$(id_of)
wait_state "$id" done 120 && pass "it ran to done" || { fail "it ran to done ($(field "$id" state))"; cat "$J"/*.log; }
check "with the culprit" "$CULPRIT_SHA" "$(field "$id" culprit)"
check "its page" 200 "$(status "/bisection/$id")"
check "its log" 200 "$(status "/bisection/$id/log")"
grep -q "^first bad commit: $CULPRIT_SHA" "$TMP/body" && pass "the log is the bisection's" || fail "the log is the bisection's"

touch "$HANG"
check "a job that hangs" 201 "$(post)"
id2=$(id_of)
wait_state "$id2" running 60 && pass "it runs" || fail "it runs ($(field "$id2" state))"
wait_state "$id2" failed 60 && pass "killed after --job-timeout: failed" || fail "killed after --job-timeout: failed ($(field "$id2" state))"
grep -q "killed after the job timeout" "$TMP/serve.err" && pass "the server says why" || fail "the server says why"
pgrep -f "$TMP/repro.sh" >/dev/null && fail "its reproducer killed too" || pass "its reproducer killed too"

check "another job that hangs" 201 "$(post)"
id3=$(id_of)
wait_state "$id3" running 60 && pass "it runs" || fail "it runs ($(field "$id3" state))"
sleep 1
stop_serve "$TMP/serve.err"
state=$("$CULPRIT" store get --store "$S" "$id3" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
check "stopping the server interrupts the running job" interrupted "$state"
pgrep -f "$TMP/repro.sh" >/dev/null && fail "nothing left running" || pass "nothing left running"
finish
