#!/bin/bash
# culprit store import/list/get on output directories, and culprit bisect
# --store keeping a row current: "running" while it runs (seen by the
# reproducer itself), then done or failed.  Corrupt, foreign and
# newer-schema store files are refused with exit 17 and left as they were.
. "$SOURCE_ROOT/tests/integration/lib.sh"
. "$SOURCE_ROOT/tests/integration/output/fixture.sh"

S=$TMP/store.db
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

out=$("$CULPRIT" store import --store "$S" "$OUT" 2>&1)
check "import exits 0" 0 $?
check "import prints the id and directory" "1 $OUT" "$out"
"$CULPRIT" store list --store "$S" >"$TMP/list.json"
check "list exits 0" 0 $?
check "list: one done bisection" "1 done" "$(j 'len(d), d[0]["state"]' <"$TMP/list.json" | tr -d "(),'")"
check "list: the culprit" "$CULPRIT_SHA" "$(j 'd[0]["culprit"]' <"$TMP/list.json")"
check "list: the crash title" "$TARGET" "$(j 'd[0]["title"]' <"$TMP/list.json")"
"$CULPRIT" store get --store "$S" 1 >"$TMP/get.json"
check "get: every tested commit" \
	"$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["tested"]))' "$OUT/result.json")" \
	"$(j 'len(d["tested"])' <"$TMP/get.json")"
check "get: the skipped merge's runs" "1 3" "$(j 'd["tested"][2]["other"], d["tested"][2]["clean"]' <"$TMP/get.json" | tr -d '(),')"
expect_status "get of an unknown id" 15 "$CULPRIT" store get --store "$S" 77
expect_status "get of a non-id" 2 "$CULPRIT" store get --store "$S" '../1'
expect_status "list with a bad state" 2 "$CULPRIT" store list --store "$S" --state sleeping
# a bad directory among good ones: the good ones are still imported
mkdir -p "$TMP/empty"
"$CULPRIT" store import --store "$S" --state failed "$TMP/empty" "$OUT" >"$TMP/imp.txt" 2>"$TMP/imp.err"
check "import with an empty directory exits 9" 9 $?
check "the good directory still imported (same row)" "1 $OUT" "$(cat "$TMP/imp.txt")"
check "its state as --state says" failed "$("$CULPRIT" store list --store "$S" | j 'd[0]["state"]')"
check "one error line for the bad one" 1 "$(wc -l <"$TMP/imp.err")"
check "title filter" "1 0" "$("$CULPRIT" store list --store "$S" --title "${TARGET:0:8}" | j 'len(d)') $("$CULPRIT" store list --store "$S" --title 'no such crash' | j 'len(d)')"

# files that are not a store this culprit may write
head -c 20000 /dev/urandom >"$TMP/corrupt.db"
cp "$TMP/corrupt.db" "$TMP/corrupt.orig"
"$CULPRIT" store list --store "$TMP/corrupt.db" >/dev/null 2>"$TMP/err.txt"
check "corrupt store: exit 17" 17 $?
check "corrupt store: one clear line" 1 "$(grep -c 'corrupt or not a culprit store' "$TMP/err.txt")"
cmp -s "$TMP/corrupt.db" "$TMP/corrupt.orig" && pass "corrupt store left as it was" || fail "corrupt store left as it was"
cp "$S" "$TMP/newer.db"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE culprit_schema SET version = 99"); c.commit()' "$TMP/newer.db"
"$CULPRIT" store import --store "$TMP/newer.db" "$OUT" >/dev/null 2>"$TMP/err.txt"
check "newer schema: exit 17" 17 $?
grep -q 'schema version 99, newer than this culprit' "$TMP/err.txt" && pass "newer schema: says so" || fail "newer schema: says so"
check "newer schema: its rows kept" 1 \
	"$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM bisections").fetchone()[0])' "$TMP/newer.db")"

# culprit bisect --store: the reproducer looks at the store while it runs
cat >"$TMP/repro.sh" <<'SH'
#!/bin/sh
"$CULPRIT" store list --store "$STORE" --state running >>"$SEEN" 2>&1
grep -q bug "$CULPRIT_WORKTREE/src/a.c" || exit 0
echo "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x1 bp 0x2 sp 0x3"
echo "    #0 0x55 in evil_func src/a.c:10"
echo "SUMMARY: AddressSanitizer: heap-use-after-free src/a.c:10 in evil_func"
exit 1
SH
chmod +x "$TMP/repro.sh"
export STORE=$TMP/live.db SEEN=$TMP/seen.txt CULPRIT
B=$TMP/b1
"$CULPRIT" bisect --store "$STORE" --repo "$REPO" --bad "$BAD" --good "$GOOD" --build true \
	--test "$TMP/repro.sh" --runs 2 --out "$B" >"$TMP/bisect.txt" 2>&1
check "bisect --store finds the culprit" 0 $?
grep -q '"state": "running"' "$SEEN" && pass "the row was running while it ran" || fail "the row was running while it ran"
grep -q "\"dir\": \"$B\"" "$SEEN" && pass "the running row is this bisection's" || fail "the running row is this bisection's"
"$CULPRIT" store list --store "$STORE" >"$TMP/live.json"
check "after: done, with the culprit" "done $CULPRIT_SHA" "$(j 'd[0]["state"], d[0]["culprit"]' <"$TMP/live.json" | tr -d "(),'")"
check "after: the row's tested commits are result.json's" \
	"$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["tested"]))' "$B/result.json")" \
	"$("$CULPRIT" store get --store "$STORE" 1 | j 'len(d["tested"])')"
# a bisection that fails (the crash does not reproduce at the start)
"$CULPRIT" bisect --store "$STORE" --repo "$REPO" --bad "$BAD" --good "$GOOD" --build true \
	--test true --runs 1 --out "$TMP/b2" >/dev/null 2>&1
check "non-reproducing bisection exits 12" 12 $?
check "its row is failed" failed "$("$CULPRIT" store list --store "$STORE" --state failed | j 'd[0]["state"]')"
# a second bisection into a directory that holds one already: the row is not touched
"$CULPRIT" bisect --store "$STORE" --repo "$REPO" --bad "$BAD" --good "$GOOD" --build true \
	--test true --runs 1 --out "$B" >/dev/null 2>&1
check "occupied --out exits 2" 2 $?
check "the finished row stays done" 1 "$("$CULPRIT" store list --store "$STORE" --state done | j 'len(d)')"
# a corrupt store stops bisect before it writes anything
"$CULPRIT" bisect --store "$TMP/corrupt.db" --repo "$REPO" --bad "$BAD" --good "$GOOD" --build true \
	--test "$TMP/repro.sh" --runs 1 --out "$TMP/b3" >/dev/null 2>"$TMP/err.txt"
check "bisect with a corrupt store: exit 17" 17 $?
[ ! -e "$TMP/b3/journal.jsonl" ] && pass "no journal begun" || fail "no journal begun"
finish
