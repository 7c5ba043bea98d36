#!/bin/bash
# A posted job handed to the farm: culprit serve writes it into the jobs
# directory and queues its row (--farm-out: the dir the farm will use);
# culprit farm --store runs it and keeps that same row current: running
# while it runs (seen through the API), interrupted when the farm is
# stopped, done with the culprit after the farm is rerun and resumes it.
# A job that cannot reproduce ends failed.  No second row appears.  A
# corrupt store stops the farm before any bisection starts (exit 17).
. "$SOURCE_ROOT/tests/integration/lib.sh"
. "$SOURCE_ROOT/tests/integration/output/fixture.sh"
. "$SOURCE_ROOT/tests/integration/serve/serve-lib.sh"

# the reproducer waits while $GATE exists, so the test sees the row running
export GATE=$TMP/gate
write_repro "$TMP/repro.sh"
S=$TMP/store.db J=$TMP/jobs F=$TMP/farm-out T=$TMP/token
mkdir -p "$J"
echo "tok-0123456789abcdef" >"$T"
AUTH='Authorization: Bearer tok-0123456789abcdef'
job() { echo '{"repo": "'$REPO'", "bad": "'$BAD'", "good": ["'$GOOD'"], "build": "true", "test": "'$1'", "runs": 2}'; }
post() { curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H "$AUTH" --data "$(job "$1")" "$URL/api/jobs"; }
body() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$TMP/body" "$1"; }
total() { curl -s "$URL/api/bisections" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
FARM_PID=
trap '[ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null; [ -n "$FARM_PID" ] && kill -TERM "$FARM_PID" 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

start_serve "$TMP/serve.err" --store "$S" --token-file "$T" --jobs-dir "$J" --farm-out "$F" \
	|| { finish; exit 1; }
[ -d "$F" ] && pass "serve made the farm's --out" || fail "serve made the farm's --out"
check "a job posted" 201 "$(post "$TMP/repro.sh")"
id=$(body id)
name=$(basename "$(body job_file)" .json)
check "its row's dir is the farm's" "$(realpath "$F")/$name" "$(body dir)"
check "a job that will not reproduce posted" 201 "$(post /bin/true)"
id2=$(body id)
check "both queued" "queued queued" "$(field "$id" state) $(field "$id2" state)"

touch "$GATE"
"$CULPRIT" farm --jobs-dir "$J" --out "$F" --store "$S" -j 2 --timeout 300 >"$TMP/farm1.log" 2>&1 &
FARM_PID=$!
wait_state "$id" running 60 && pass "the farm's bisection: its row running" || fail "the farm's bisection: its row running ($(field "$id" state))"
check "its page says running" 1 "$(curl -s "$URL/bisection/$id" | grep -c '<span id="state">running</span>')"
wait_state "$id2" failed 60 && pass "the job that cannot reproduce: failed" || fail "the job that cannot reproduce: failed ($(field "$id2" state))"
kill -TERM "$FARM_PID"
wait "$FARM_PID"
st=$?
FARM_PID=
check "farm stopped: exit 14" 14 "$st"
check "stopped: its row interrupted" interrupted "$(field "$id" state)"

rm -f "$GATE"
timeout 300 "$CULPRIT" farm --jobs-dir "$J" --out "$F" --store "$S" -j 2 --timeout 300 >"$TMP/farm2.log" 2>&1
st=$?
check "farm rerun: exit 18 (one bisection did not finish)" 18 "$st"
grep -q "resumed" "$TMP/farm2.log" && pass "the interrupted one resumed" || { fail "the interrupted one resumed"; cat "$TMP/farm2.log"; }
check "resumed to done, with the culprit" "done $CULPRIT_SHA" "$(field "$id" state) $(field "$id" culprit)"
check "still two rows" 2 "$(total)"
check "its page" 200 "$(status "/bisection/$id")"
grep -q "$CULPRIT_SHA is the first bad commit" "$TMP/body" && pass "the page names the culprit" || fail "the page names the culprit"
check "its log" 200 "$(status "/bisection/$id/log")"
stop_serve "$TMP/serve.err"

# a store that cannot be used stops the farm before anything runs
head -c 4096 /dev/urandom >"$TMP/corrupt.db"
J2=$TMP/jobs2
mkdir -p "$J2"
job "$TMP/repro.sh" >"$J2/one.json"
"$CULPRIT" farm --jobs-dir "$J2" --out "$TMP/farm-out2" --store "$TMP/corrupt.db" >/dev/null 2>"$TMP/err"
check "farm with a corrupt store: exit 17" 17 $?
check "with one line naming it" 1 "$(grep -c "farm: --store $TMP/corrupt.db" "$TMP/err")"
[ ! -e "$TMP/farm-out2/one" ] && pass "no bisection started" || fail "no bisection started"
expect_status "serve --farm-out with --run-jobs" 2 "$CULPRIT" serve --store "$S" --token-file "$T" \
	--jobs-dir "$J" --farm-out "$F" --run-jobs --port 0
finish
