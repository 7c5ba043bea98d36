#!/bin/bash
# What a person sees: culprit serve on localhost with a finished bisection
# and a running one, loaded in headless Chromium.  The list shows both rows
# (states, the culprit), the finished page shows the culprit and the
# picture, the running page refreshes itself and shows a newly tested
# commit on reload.  Screenshots are kept in the build directory
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

S=$TMP/store.db
R=$TMP/running
mkdir -p "$R"
journal() {
	python3 - "$R/journal.jsonl" "$REPO" "$BAD" "$GOOD" "$TARGET" "$@" <<'PY'
import json, sys
path, repo, bad, good, target = sys.argv[1:6]
commits = sys.argv[6:]
crash = "crashed: " + target
lines = [{"journal": "culprit", "format": 1,
          "header": {"repo": repo, "bad": bad, "good": [good], "build": "true", "test": "t",
                     "runs": 2, "jobs": 1, "crash": target, "out": "/x"}}]
for c in commits:
    sha, verdict = c.split(":")
    lines.append({"type": "build", "commit": sha, "ok": True, "duration_s": 1.5})
    for i in range(2):
        lines.append({"type": "run", "commit": sha, "index": i,
                      "outcome": crash if verdict == "bad" else "OK", "duration_s": 1})
open(path, "w").write("".join(json.dumps(l) + "\n" for l in lines))
PY
}
journal "$BAD:bad" "$GOOD:good"
"$CULPRIT" store import --store "$S" "$OUT" >/dev/null && "$CULPRIT" store import --store "$S" --state running "$R" >/dev/null
check "a finished and a running bisection in the store" 0 $?

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
check "running page: two tested commits" 2 "$before"
journal "$BAD:bad" "$GOOD:good" "$MID:good"
"$CULPRIT" store import --store "$S" --state running "$R" >/dev/null
chrome --dump-dom "$URL/bisection/2" >"$TMP/run2.html"
check "on reload: the third tested commit" 3 "$(grep -o 'class="dot"' "$TMP/run2.html" | wc -l)"
chrome --screenshot="$ART/serve-running.png" --window-size=1200,900 "$URL/bisection/2" >/dev/null
[ -s "$ART/serve-running.png" ] && pass "running screenshot kept" || fail "running screenshot kept"
stop_serve "$TMP/serve.err"
echo "screenshots: $ART/serve-list.png $ART/serve-bisection.png $ART/serve-running.png"
finish
