#!/bin/bash
# culprit bisect on the fixture repository with a flaky reproducer, then
# culprit show on its output directory: the report and page come from the
# result.json the driver writes, the repository and the run logs.
. "$SOURCE_ROOT/tests/integration/lib.sh"
. "$SOURCE_ROOT/tests/integration/output/fixture.sh"

cat >"$TMP/repro.sh" <<'SH'
#!/bin/sh
grep -q bug "$CULPRIT_WORKTREE/src/a.c" || exit 0
case "$CULPRIT_RUN" in 1) exit 0;; esac
echo "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x1 bp 0x2 sp 0x3"
echo "READ of size 4 at 0x602000000010 thread T0"
echo "    #0 0x55 in evil_func src/a.c:10"
echo
echo "SUMMARY: AddressSanitizer: heap-use-after-free src/a.c:10 in evil_func"
exit 1
SH
chmod +x "$TMP/repro.sh"
E=$TMP/e2e
"$CULPRIT" bisect --repo "$REPO" --bad "$BAD" --good "$GOOD" --build true \
	--test "$TMP/repro.sh" --runs 4 --out "$E" >"$TMP/bisect.txt" 2>&1
check "bisect finds the culprit" 0 $?
out=$("$CULPRIT" show "$E")
check "show exits 0" 0 $?
has() {
	case $out in
	*"$2"*) pass "$1" ;;
	*) fail "$1"; echo "  missing: $2" ;;
	esac
}
has "first bad commit" "$CULPRIT_SHA is the first bad commit"
has "the full message" "This message is hostile"
has "flaky with its rate" "flaky reproducer: the crash was seen in"
post=$(python3 -c 'import json,sys; print("%.1f%%" % (100 * json.load(open(sys.argv[1]))["bayes"]["posterior"]))' "$E/result.json")
has "confidence: the culprit policy's posterior" "confidence: $post (the culprit's posterior)"
has "runs table" "<= culprit"
has "recipients" 'recipients (to): ["core-list@example.com" "core@example.com" "rev@example.com" "tester@example.com"]'
has "the crash" "SUMMARY: AddressSanitizer: heap-use-after-free src/a.c:10 in evil_func"
has "totals" "revisions tested: "
grep -q '<g id="narrowing">' "$E/index.html" && pass "page: narrowing drawn" || fail "page: narrowing drawn"
grep -q '<g id="culprit">' "$E/index.html" && pass "page: culprit marked" || fail "page: culprit marked"
grep -qi '<script' "$E/index.html" && fail "page: no script" || pass "page: no script"
finish
