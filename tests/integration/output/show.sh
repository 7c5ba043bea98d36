#!/bin/bash
# culprit show: the report of a finished bisection (report.txt, flags,
# recipients, tables), of an older result.json without the newer fields,
# and of an interrupted one (journal.jsonl only).
. "$SOURCE_ROOT/tests/integration/lib.sh"
. "$SOURCE_ROOT/tests/integration/output/fixture.sh"

out=$("$CULPRIT" show "$OUT")
check "show exits 0" 0 $?
check "report.txt is what show prints" "$out" "$(cat "$OUT/report.txt")"
has() {
	case $out in
	*"$2"*) pass "$1" ;;
	*) fail "$1"; echo "  missing: $2" ;;
	esac
}
has "first bad commit line" "$CULPRIT_SHA is the first bad commit"
has "full message" "This message is hostile: <script>alert(1)</script>"
has "diffstat" "1 file changed, 1 insertion(+)"
has "culprit signature" "culprit signature: 5ig"
has "parent signature" "parent  signature: 5ig"
has "confidence" "confidence: 99.6% (estimated"
has "flaky flag with its rate" "flaky reproducer: the crash was seen in 6 of 8 runs on crashing commits (estimated rate 75%)"
has "build unchanged flag" "build unchanged from parent"
has "other crash and where" "other crash in the range: \"WARNING in <script>alert(4)</script>\" in 1 run on ${MERGE_SHA:0:12}"
has "runs table row of the culprit" "  4  ${CULPRIT_SHA:0:12}  crashed        3       1      0      0      2.5s      5.0s  core: <img src=x onerror=alert(2)> make it faster  <= culprit"
has "parent against culprit" "| runs                                                 | 4            | 4            |"
has "revisions tested" "revisions tested: 5, total time: 37.5s (build: 12.5s, test: 25.0s)"
has "recipients to" 'recipients (to): ["core-list@example.com" "core@example.com" "rev@example.com" "tester@example.com"]'
has "recipients cc" 'recipients (cc): []'
has "crash report" "SUMMARY: AddressSanitizer: heap-use-after-free src/a.c:10 in evil_func"

# the culprit a merge and a release tag
python3 - "$OUT/result.json" "$MERGE_SHA" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); r["culprit"]["commit"] = sys.argv[2]
json.dump(r, open(sys.argv[1], "w"))
PY
out=$("$CULPRIT" show --no-write "$OUT")
has "merge flag" "culprit is a merge (2 parents)"
has "release tag flag" "culprit is a release tag: v1.0"

# an older, smaller result.json: no signatures, totals, posterior, runs
cat >"$OUT/result.json" <<JSON
{"version": 1, "status": "inconclusive", "candidates": ["$CULPRIT_SHA", "$PARENT_SHA"],
 "tested": [{"commit": "$BAD", "verdict": "crashed"}, {"commit": "$PARENT_SHA", "verdict": "skip",
  "build": {"ok": false, "duration_s": 1}}]}
JSON
out=$("$CULPRIT" show "$OUT")
check "older result.json: exits 0" 0 $?
has "inconclusive with candidates" "inconclusive: the first bad commit could be any of 2 commits:"
has "candidate listed" "      $CULPRIT_SHA"
has "failed build shown" "failed"
[ -s "$OUT/index.html" ] && pass "older result.json: page written" || fail "older result.json: page written"

# interrupted: only the journal
J=$TMP/interrupted
mkdir -p "$J"
cat >"$J/journal.jsonl" <<JSON
{"journal":"culprit","format":1,"header":{"repo":"$REPO","bad":"$BAD","good":["$GOOD"],"runs":2,"jobs":1,"fix":false}}
{"type":"build","commit":"$BAD","ok":true,"duration_s":3.0,"outcome":"OK"}
{"type":"run","commit":"$BAD","index":1,"outcome":"crashed: KASAN: use-after-free Read in foo","duration_s":2.0}
{"type":"run","commit":"$BAD","index":0,"outcome":"crashed: KASAN: use-after-free Read in foo","duration_s":2.0}
{"type":"build","commit":"$MID","ok":true,"duration_s":3.0,"outcome":"OK"}
{"type":"run","commit":"$MID","index":0,"outcome":"OK","duration_s":1.0}
{"type":"run","commit":"$MID","ind
JSON
printf 'testing commit %s with cc\nall runs: crashed\ntesting release v1.0\ntesting commit %s with cc\n' "$BAD" "$MID" >"$J/log"
out=$("$CULPRIT" show "$J")
check "interrupted: exits 0" 0 $?
has "interrupted status" "status: interrupted"
has "interrupted flag" "interrupted: no result yet"
has "target from the start commit" "crash: KASAN: use-after-free Read in foo"
has "finished commit row" "  1  ${BAD:0:12}  crashed        2       0      0      0      3.0s      4.0s  main: step 11"
has "unfinished commit row, label from the log" "  2  ${MID:0:12}  -              0       1      0      0      3.0s      1.0s  [release v1.0] main: step 5"
has "time so far" "revisions tested: 2, total time: 11.0s (build: 6.0s, test: 5.0s)"
[ -s "$J/index.html" ] && pass "interrupted: page written" || fail "interrupted: page written"

expect_status "no result, no journal" 9 "$CULPRIT" show "$TMP/empty-dir"
echo '{"journal":"culprit"' >"$TMP/bad.jsonl"; mkdir -p "$TMP/badj"; printf 'nope\n{}\n' >"$TMP/badj/journal.jsonl"
expect_status "a journal that is not one" 15 "$CULPRIT" show "$TMP/badj"
mkdir -p "$TMP/badr"; echo '{' >"$TMP/badr/result.json"
expect_status "malformed result.json" 15 "$CULPRIT" show "$TMP/badr"
expect_status "no directory given" 2 "$CULPRIT" show
finish
