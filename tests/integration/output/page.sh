#!/bin/bash
# index.html of a bisection, rendered by headless Chromium: the picture's
# elements are there, hostile commit messages and crash text are escaped,
# no script element exists and none ran.
. "$SOURCE_ROOT/tests/integration/lib.sh"
. "$SOURCE_ROOT/tests/integration/output/fixture.sh"

"$CULPRIT" show "$OUT" >"$TMP/show.txt" 2>&1
check "culprit show on a finished bisection" 0 $?
[ -s "$OUT/index.html" ] && pass "index.html written" || fail "index.html written"
H=$OUT/index.html

# static checks, whatever the browser
if grep -qi '<script' "$H"; then fail "no <script in the page source"; else pass "no <script in the page source"; fi
if grep -qiE '<(img|link|iframe|object|embed|image|use|foreignobject)|(src|href)="' "$H"; then
	fail "nothing loaded from anywhere (no img, link, iframe, src or href attribute)"
else
	pass "nothing loaded from anywhere (no img, link, iframe, src or href attribute)"
fi
grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$H" && pass "a CSP forbids scripts and network" || fail "a CSP forbids scripts and network"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$H" && pass "commit message escaped" || fail "commit message escaped"
grep -q '&lt;/pre&gt;&lt;script&gt;alert(5)' "$H" && pass "no breaking out of <pre>" || fail "no breaking out of <pre>"
grep -q 'WARNING in &lt;script&gt;alert(4)&lt;/script&gt;' "$H" && pass "other crash title escaped" || fail "other crash title escaped"

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
	skip "headless Chromium checks: chromium absent (apt-get install chromium)"
	finish
	exit $?
fi
chrome() {
	timeout 180 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-dev-shm-usage --user-data-dir="$(mktemp -d "$TMP/chrome.XXXXXX")" "$@" 2>"$TMP/chrome.err"
}
chrome --dump-dom "file://$H" >"$TMP/dom.html"
if [ ! -s "$TMP/dom.html" ]; then
	fail "Chromium rendered the page"; tail -5 "$TMP/chrome.err"
	finish; exit 1
fi
pass "Chromium rendered the page"
D=$TMP/dom.html
if grep -qi '<script' "$D"; then fail "rendered DOM holds no script element"; else pass "rendered DOM holds no script element"; fi
if grep -qi '<img' "$D"; then fail "rendered DOM holds no injected img"; else pass "rendered DOM holds no injected img"; fi
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$D" && pass "hostile text shown as text" || fail "hostile text shown as text"
grep -q '&lt;script&gt;alert(3)&lt;/script&gt;' "$D" && pass "crash text shown as text" || fail "crash text shown as text"
# a script that ran would have changed the title or the body; alert() blocks
# a headless page, which then dumps nothing
grep -q '<title>culprit: core: &lt;img src=x onerror=alert(2)&gt; make it faster</title>' "$D" \
	&& pass "title intact" || fail "title intact"
for el in '<svg id="bisection"' '<line id="range"' '<g id="merges" data-count="1"' '<g id="tested"' \
	'class="runs target"' 'class="runs clean"' 'class="runs other"' 'class="runs infra"' \
	'<g id="culprit"' '<g id="narrowing"' '<g id="posterior"' 'class="p culprit"' \
	'<table id="runs"' '<pre id="crash"' '<pre id="report"' '<tr class="culprit"'; do
	grep -q "$el" "$D" && pass "page has $el" || fail "page has $el"
done
check "one dot per tested commit" 5 "$(grep -o 'class="dot"' "$D" | wc -l)"
check "one narrowing bar per decisive step" 3 "$(grep -o 'class="step"' "$D" | wc -l)"
chrome --screenshot="$TMP/page.png" --window-size=1100,1400 "file://$H" >/dev/null
[ -s "$TMP/page.png" ] && pass "screenshot taken" || fail "screenshot taken"
[ -n "${KEEP_SCREENSHOT:-}" ] && cp "$TMP/page.png" "$KEEP_SCREENSHOT"
finish
