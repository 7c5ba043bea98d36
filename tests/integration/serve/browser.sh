#!/bin/bash
# What a person sees: culprit serve on localhost with a finished bisection
# and a running one (a real culprit bisect --store, its reproducer held at
# two points), loaded in headless Chromium.  The list shows both rows
# (states, the culprit), the finished page shows the culprit and the
# picture, the running page refreshes itself and on reload shows the
# commits tested since, as many as the store holds; it ends done.  Screenshots are kept in the build directory
# ($ARTIFACT_DIR/serve-*.png).
. "$SOURCE_ROOT/tests/integration/lib.sh"
. "$SOURCE_ROOT/tests/integration/output/fixture.sh"
. "$SOURCE_ROOT/tests/integration/serve/serve-lib.sh"

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
	echo "SKIP: chromium is not installed (scripts/setup.sh installs Debian's chromium)"
	exit 77
fi
ART=${ARTIFACT_DIR:-$TMP}
mkdir -p "$ART"
chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-dev-shm-usage --user-data-dir="$(mktemp -d "$TMP/chrome.XXXXXX")" "$@" 2>>"$TMP/chrome.err"
}

S=$TMP/store.db L=$TMP/live
export GATE=$TMP/gate
write_repro "$TMP/repro.sh"
# held on its third run and on its fifth, each with other commits tested before
touch "$GATE.3" "$GATE.5"
tested() { "$CULPRIT" store get --store "$S" 2 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["tested"]))'; }
held() { # held N: wait until the reproducer's Nth run waits
	local i
	for i in $(seq 1 600); do
		[ "$(wc -l <"$GATE.count" 2>/dev/null)" = "$1" ] && return 0
		kill -0 "$BISECT_PID" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}
"$CULPRIT" store import --store "$S" "$OUT" >/dev/null
"$CULPRIT" bisect --store "$S" --repo "$REPO" --bad "$BAD" --good "$GOOD" --build true \
	--test "$TMP/repro.sh" --runs 2 --out "$L" >"$TMP/bisect.txt" 2>&1 &
BISECT_PID=$!
trap '[ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null; [ -n "$BISECT_PID" ] && kill -TERM "$BISECT_PID" 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
held 3
check "a finished and a running bisection in the store" "done running" \
	"$("$CULPRIT" store list --store "$S" --oldest | python3 -c 'import json,sys; print(" ".join(r["state"] for r in json.load(sys.stdin)))')"

start_serve "$TMP/serve.err" --store "$S" || { finish; exit 1; }
chrome --dump-dom "$URL/" >"$TMP/list.html"
[ -s "$TMP/list.html" ] && pass "Chromium loads the list" || { fail "Chromium loads the list"; tail -5 "$TMP/chrome.err"; }
check "two rows" 2 "$(grep -o '<tr class="bisection ' "$TMP/list.html" | wc -l)"
grep -q '<tr class="bisection done" id="b1">' "$TMP/list.html" && pass "the finished row" || fail "the finished row"
grep -q '<tr class="bisection running" id="b2">' "$TMP/list.html" && pass "the running row" || fail "the running row"
grep -q "<code>${CULPRIT_SHA:0:12}</code>" "$TMP/list.html" && pass "the culprit in the list" || fail "the culprit in the list"
grep -q 'http-equiv="refresh"' "$TMP/list.html" && pass "the list refreshes while one runs" || fail "the list refreshes while one runs"
chrome --dump-dom "$URL/?state=running" >"$TMP/filtered.html"
check "the state filter in the browser" 1 "$(grep -o '<tr class="bisection ' "$TMP/filtered.html" | wc -l)"
chrome --screenshot="$ART/serve-list.png" --window-size=1200,500 "$URL/" >/dev/null
[ -s "$ART/serve-list.png" ] && pass "list screenshot kept" || fail "list screenshot kept"

chrome --dump-dom "$URL/bisection/1" >"$TMP/page.html"
for el in '<svg id="bisection"' '<g id="culprit"' '<g id="tested"' '<g id="narrowing"' '<tr class="culprit"' \
	'<p id="nav">' '<span id="state">done</span>'; do
	grep -q "$el" "$TMP/page.html" && pass "page has $el" || fail "page has $el"
done
grep -q "$CULPRIT_SHA is the first bad commit" "$TMP/page.html" && pass "the page names the culprit" || fail "the page names the culprit"
check "one dot per tested commit" 5 "$(grep -o 'class="dot"' "$TMP/page.html" | wc -l)"
grep -qi '<script' "$TMP/page.html" && fail "no script in the page" || pass "no script in the page"
grep -q 'http-equiv="refresh"' "$TMP/page.html" && fail "a finished page does not refresh" || pass "a finished page does not refresh"
chrome --screenshot="$ART/serve-bisection.png" --window-size=1200,1400 "$URL/bisection/1" >/dev/null
[ -s "$ART/serve-bisection.png" ] && pass "page screenshot kept" || fail "page screenshot kept"
# a picture, not a blank page: an empty 1200x1400 PNG compresses to a few KB
sz=$(stat -c %s "$ART/serve-bisection.png" 2>/dev/null || echo 0)
[ "$sz" -gt 20000 ] && pass "the screenshot holds a picture ($sz bytes)" || fail "the screenshot holds a picture ($sz bytes)"

# the running bisection: refreshes itself, and a reload shows what it tested since
chrome --dump-dom "$URL/bisection/2" >"$TMP/run1.html"
grep -q '<span id="state">running</span>' "$TMP/run1.html" && pass "running page says running" || fail "running page says running"
grep -q 'http-equiv="refresh"' "$TMP/run1.html" && pass "running page refreshes itself" || fail "running page refreshes itself"
grep -q '<h1>culprit bisection: running</h1>' "$TMP/run1.html" && pass "running page: heading says running" || fail "running page: heading says running"
before=$(grep -o 'class="dot"' "$TMP/run1.html" | wc -l)
check "running page: a dot per commit tested so far" "$(tested)" "$before"
rm -f "$GATE.3"
held 5 && pass "the bisection went on" || fail "the bisection went on"
chrome --dump-dom "$URL/bisection/2" >"$TMP/run2.html"
after=$(grep -o 'class="dot"' "$TMP/run2.html" | wc -l)
check "on reload: a dot per commit tested so far" "$(tested)" "$after"
[ "$before" -gt 0 ] && [ "$after" -gt "$before" ] && pass "on reload: more tested commits ($before, then $after)" || fail "on reload: more tested commits ($before, then $after)"
grep -q '<span id="state">running</span>' "$TMP/run2.html" && pass "still running" || fail "still running"
chrome --screenshot="$ART/serve-running.png" --window-size=1200,900 "$URL/bisection/2" >/dev/null
[ -s "$ART/serve-running.png" ] && pass "running screenshot kept" || fail "running screenshot kept"
rm -f "$GATE.5"
wait "$BISECT_PID"
check "the bisection finds the culprit" 0 $?
BISECT_PID=
chrome --dump-dom "$URL/bisection/2" >"$TMP/run3.html"
grep -q '<span id="state">done</span>' "$TMP/run3.html" && pass "its page: done" || fail "its page: done"
grep -q "$CULPRIT_SHA is the first bad commit" "$TMP/run3.html" && pass "its page: the culprit" || fail "its page: the culprit"
grep -q 'http-equiv="refresh"' "$TMP/run3.html" && fail "its page: no longer refreshes" || pass "its page: no longer refreshes"
stop_serve "$TMP/serve.err"
echo "screenshots: $ART/serve-list.png $ART/serve-bisection.png $ART/serve-running.png"
finish
