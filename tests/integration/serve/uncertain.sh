#!/bin/bash
# An uncertain bisection (policy culprit, a reproducer that crashes in one
# run of three, a run budget too small for the confidence target: exit 16)
# through the farm, the store, the pages and the mail.  culprit farm counts
# it as finished, not failed ("done: uncertain: ...", exit 0) and skips it
# when rerun; its row is done with the flag uncertain and no culprit; the
# list says "uncertain: no culprit" where a culprit would be, with no
# confidence, and its page and report say uncertain and name no first bad
# commit; culprit mail holds it whatever the threshold (even a result that
# names a culprit), says why and writes nothing, while the found bisection
# beside it is mailed.
. "$SOURCE_ROOT/tests/integration/lib.sh"
. "$SOURCE_ROOT/tests/integration/output/fixture.sh"
. "$SOURCE_ROOT/tests/integration/serve/serve-lib.sh"

S=$TMP/store.db J=$TMP/jobs F=$TMP/farm-out
mkdir -p "$J"
export COUNT=$TMP/count
cat >"$TMP/flaky.sh" <<'SH'
#!/bin/sh
grep -q bug "$CULPRIT_WORKTREE/src/a.c" || exit 0
echo run >>"$COUNT"
[ $(($(wc -l <"$COUNT") % 3)) = 1 ] || exit 0
echo "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x1 bp 0x2 sp 0x3"
echo "    #0 0x55 in evil_func src/a.c:10"
echo "SUMMARY: AddressSanitizer: heap-use-after-free src/a.c:10 in evil_func"
exit 1
SH
sed -e '/COUNT/d' -e '/% 3/d' "$TMP/flaky.sh" >"$TMP/repro.sh"
chmod +x "$TMP/flaky.sh" "$TMP/repro.sh"
cat >"$J/found.json" <<JOB
{"repo": "$REPO", "bad": "$BAD", "good": ["$GOOD"], "build": "true", "test": "$TMP/repro.sh",
 "policy": "git", "runs": 1}
JOB
cat >"$J/unsure.json" <<JOB
{"repo": "$REPO", "bad": "$BAD", "good": ["$GOOD"], "build": "true", "test": "$TMP/flaky.sh",
 "policy": "culprit", "max_runs": 12}
JOB

# the farm
"$CULPRIT" farm --jobs-dir "$J" --out "$F" --store "$S" -j 2 >"$TMP/farm.txt" 2>&1
check "farm: exits 0 (an uncertain bisection is a finished one)" 0 $?
check "the bisection itself exited 16" 1 "$(grep -c '^culprit: uncertain: ' "$F/unsure.log")"
grep -q "^farm: unsure: done: uncertain: the best candidate has posterior 0\.[0-9]*, below 0\.[0-9]* ([0-9]* candidates in result.json)$" "$TMP/farm.txt" &&
	pass "farm: done, uncertain, in one line" || { fail "farm: done, uncertain, in one line"; cat "$TMP/farm.txt"; }
grep -q "^farm: found: done: first bad commit: $CULPRIT_SHA" "$TMP/farm.txt" &&
	pass "farm: the other one found its culprit" || fail "farm: the other one found its culprit"
grep -q "^farm: 2 bisections: 2 done (0 before), 0 not finished$" "$TMP/farm.txt" &&
	pass "farm: both counted done" || fail "farm: both counted done"
"$CULPRIT" farm --jobs-dir "$J" --out "$F" --store "$S" -j 2 >"$TMP/farm2.txt" 2>&1
check "farm rerun: exits 0" 0 $?
grep -q "^farm: unsure: finished already$" "$TMP/farm2.txt" && pass "farm rerun: not run again" ||
	{ fail "farm rerun: not run again"; cat "$TMP/farm2.txt"; }

# the store
"$CULPRIT" store list --store "$S" --oldest >"$TMP/rows.json"
python3 - "$TMP/rows.json" "$F" <<'PY' >"$TMP/rows.txt"
import json, os, sys
for r in json.load(open(sys.argv[1])):
    print(os.path.basename(r["dir"]), r["id"], r["state"], r["status"], r["culprit"],
          "uncertain" in (r["flags"] or []))
PY
uid=$(awk '$1 == "unsure" {print $2}' "$TMP/rows.txt")
fid=$(awk '$1 == "found" {print $2}' "$TMP/rows.txt")
check "store: the uncertain row" "unsure $uid done uncertain None True" "$(grep '^unsure ' "$TMP/rows.txt")"
check "store: the found row" "found $fid done found $CULPRIT_SHA False" "$(grep '^found ' "$TMP/rows.txt")"

# the pages
start_serve "$TMP/serve.err" --store "$S" || { finish; exit 1; }
curl -s "$URL/" >"$TMP/list.html"
grep -q "<tr class=\"bisection done uncertain\" id=\"b$uid\">" "$TMP/list.html" &&
	pass "list: the row is marked uncertain" || { fail "list: the row is marked uncertain"; grep "id=\"b$uid\"" "$TMP/list.html"; }
row=$(grep -A12 "id=\"b$uid\"" "$TMP/list.html" | tr -d '\n' | sed 's|</tr>.*||')
case $row in *'<td class="culprit"><span class="uncertain">uncertain: no culprit</span></td>'*)
	pass "list: uncertain where the culprit would be" ;; *) fail "list: uncertain where the culprit would be: $row" ;; esac
case $row in *'<td class="confidence"></td>'*) pass "list: no confidence shown" ;;
	*) fail "list: no confidence shown: $row" ;; esac
case $row in *'<code>'*) fail "list: no commit in its row" ;; *) pass "list: no commit in its row" ;; esac
grep -q "<tr class=\"bisection done\" id=\"b$fid\">" "$TMP/list.html" && pass "list: the found row as before" ||
	fail "list: the found row as before"
curl -s "$URL/?state=done" | grep -q "id=\"b$uid\"" && pass "list: the state filter done includes it" ||
	fail "list: the state filter done includes it"
check "the page" 200 "$(status "/bisection/$uid")"
grep -qi 'uncertain' "$TMP/body" && pass "page: says uncertain" || fail "page: says uncertain"
grep -qE 'is the first bad commit|<th>first bad commit</th>|first bad commit: [0-9a-f]{40}' "$TMP/body" &&
	fail "page: names no first bad commit" || pass "page: names no first bad commit"
check "the report" 200 "$(status "/bisection/$uid/report.txt")"
grep -q 'uncertain' "$TMP/body" && pass "report: says uncertain" || fail "report: says uncertain"
python3 - "$(curl -s "$URL/api/bisections/$uid")" <<'PY' && pass "API: done, uncertain, no culprit" || fail "API: done, uncertain, no culprit"
import json, sys
r = json.loads(sys.argv[1])
assert (r["state"], r["status"], r["culprit"]) == ("done", "uncertain", None), r
assert "uncertain" in r["flags"], r["flags"]
assert r["result"]["candidates"], r["result"]
PY
# what a person sees in Chromium (when installed): the list and the page
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -n "$CHROMIUM" ]; then
	ART=${ARTIFACT_DIR:-$TMP}
	mkdir -p "$ART"
	chrome() {
		timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--disable-dev-shm-usage --user-data-dir="$(mktemp -d "$TMP/chrome.XXXXXX")" "$@" 2>>"$TMP/chrome.err"
	}
	chrome --dump-dom "$URL/" >"$TMP/seen-list.html"
	grep -q "<tr class=\"bisection done uncertain\" id=\"b$uid\">.*uncertain: no culprit" "$TMP/seen-list.html" ||
		grep -A12 "id=\"b$uid\"" "$TMP/seen-list.html" | tr -d '\n' | grep -q 'uncertain: no culprit' &&
		pass "Chromium: the list shows it uncertain" || fail "Chromium: the list shows it uncertain"
	chrome --dump-dom "$URL/bisection/$uid" >"$TMP/seen-page.html"
	grep -q '<h1>culprit bisection: uncertain</h1>' "$TMP/seen-page.html" && pass "Chromium: the page's heading says uncertain" ||
		fail "Chromium: the page's heading says uncertain"
	chrome --screenshot="$ART/serve-uncertain.png" --window-size=1200,1400 "$URL/bisection/$uid" >/dev/null
	[ -s "$ART/serve-uncertain.png" ] && pass "uncertain page screenshot kept ($ART/serve-uncertain.png)" ||
		fail "uncertain page screenshot kept"
else
	skip "Chromium is not installed: the pages were checked with curl only"
fi
stop_serve "$TMP/serve.err"

# the mail
"$CULPRIT" mail --mbox "$TMP/u.mbox" "$F/unsure" 2>"$TMP/err"
check "mail: exits 0" 0 $?
check "mail: held, says why" "culprit mail: held $F/unsure: uncertain: no commit reached the confidence target" \
	"$(cat "$TMP/err")"
[ ! -s "$TMP/u.mbox" ] && pass "mail: nothing written" || fail "mail: nothing written"
"$CULPRIT" mail --hold-below 0 --mbox "$TMP/u.mbox" "$F/unsure" 2>/dev/null
[ ! -s "$TMP/u.mbox" ] && pass "mail: held with no threshold too" || fail "mail: held with no threshold too"
# a result that is uncertain and names a culprit all the same is held
cp -a "$F/unsure" "$TMP/named"
python3 - "$TMP/named/result.json" "$CULPRIT_SHA" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["culprit"] = {"commit": sys.argv[2], "subject": "x"}
r["confidence"] = 0.999
json.dump(r, open(sys.argv[1], "w"))
PY
"$CULPRIT" mail --mbox "$TMP/u.mbox" "$TMP/named" 2>"$TMP/err"
grep -q "held $TMP/named: uncertain" "$TMP/err" && pass "mail: an uncertain result naming a culprit held" ||
	{ fail "mail: an uncertain result naming a culprit held"; cat "$TMP/err"; }
[ ! -s "$TMP/u.mbox" ] && pass "mail: still nothing written" || fail "mail: still nothing written"
"$CULPRIT" mail --mbox "$TMP/f.mbox" "$F/found" 2>"$TMP/err"
check "mail: the found one is mailed" 1 "$(grep -c '^From culprit@localhost ' "$TMP/f.mbox" 2>/dev/null)"
finish
