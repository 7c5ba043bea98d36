#!/usr/bin/env bash
# End to end: culprit bisect on generated repositories with a real build
# and an AddressSanitizer crash: release search, a failed build next to the
# culprit, result.json, resume, bad input.
. "$(dirname "$0")/../lib.sh"

make_repo() {	# make_repo DIR CULPRIT_INDEX BROKEN_FROM BROKEN_TO
	local dir=$1 culprit=$2 blo=$3 bhi=$4 i n
	mkdir -p "$dir" && cd "$dir" && git init -q
	for i in $(seq 1 40); do
		n=8; [ "$i" -ge "$culprit" ] && n=9
		{
			echo '#include <stdlib.h>'
			echo '#include <string.h>'
			echo "/* version $i */"
			[ "$i" -ge "$blo" ] && [ "$i" -le "$bhi" ] && echo 'this does not compile'
			echo "int main(void) { char *p = malloc(8); memset(p, 0, $n); free(p); return 0; }"
		} > prog.c
		git add prog.c
		GIT_COMMITTER_DATE="$((1600000000 + i * 60)) +0000" \
		GIT_AUTHOR_DATE="$((1600000000 + i * 60)) +0000" git commit -qm "change $i"
		[ "$i" = 5 ] && git tag v1.0
		[ "$i" = 35 ] && git tag v1.1
	done
	cd - >/dev/null
}

BUILD='cc -g -fsanitize=address -o prog prog.c'
make_repo "$TMP/r1" 23 24 30
culprit_sha=$(git -C "$TMP/r1" rev-list --reverse HEAD | sed -n 23p)

"$CULPRIT" bisect --repo "$TMP/r1" --bad HEAD --build "$BUILD" --test ./prog \
	--runs 1 --out "$TMP/o1" >"$TMP/o1.txt" 2>"$TMP/o1.err"
check "bisect exits 0" 0 $?
check "finds the culprit" "first bad commit: $culprit_sha change 23" \
	"$(grep '^first bad commit:' "$TMP/o1.txt")"
grep -q '^testing release v1.0' "$TMP/o1.txt" && pass "release search reached v1.0" || fail "release search reached v1.0"
grep -q '^testing release v1.1' "$TMP/o1.txt" && pass "v1.1 tested first (it crashes)" || fail "v1.1 tested first"
grep -q '^build failed' "$TMP/o1.txt" && pass "broken build logged" || fail "broken build logged"
grep -q '^verified: yes' "$TMP/o1.txt" && pass "culprit policy (the default): verified" ||
	fail "culprit policy (the default): verified"
python3 - "$TMP/o1/result.json" "$culprit_sha" <<'PY' && pass "result.json names the culprit" || fail "result.json names the culprit"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["version"] == 1 and r["status"] == "found", r
assert r["culprit"]["commit"] == sys.argv[2]
assert r["totals"]["revisions_tested"] == len(r["tested"]) > 3
assert all("verdict" in t and "runs" in t for t in r["tested"])
PY
cmp -s "$TMP/o1/log" "$TMP/o1.txt" && pass "log file equals stdout" || fail "log file equals stdout"

# the git policy: git bisect's steps, the broken builds skipped
"$CULPRIT" bisect --policy git --repo "$TMP/r1" --bad HEAD --build "$BUILD" --test ./prog \
	--runs 1 --out "$TMP/o1g" >"$TMP/o1g.txt" 2>&1
check "git policy: exits 0" 0 $?
check "git policy: finds the culprit" "first bad commit: $culprit_sha change 23" \
	"$(grep '^first bad commit:' "$TMP/o1g.txt")"
grep -q '^# git bisect skip' "$TMP/o1g.txt" && pass "git policy: broken build skipped" ||
	fail "git policy: broken build skipped"
check "git policy: result.json says so" git \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["policy"])' "$TMP/o1g/result.json")"

# resuming a finished bisection repeats no run and gives the same answer
runs_before=$(grep -c '"type": *"run"' "$TMP/o1/journal.jsonl")
"$CULPRIT" bisect --resume "$TMP/o1" >"$TMP/o1r.txt" 2>&1
check "resume exits 0" 0 $?
check "resume finds the same culprit" "$(grep '^first bad commit:' "$TMP/o1.txt")" \
	"$(grep '^first bad commit:' "$TMP/o1r.txt")"
check "resume runs nothing again" "$runs_before" "$(grep -c '"type": *"run"' "$TMP/o1/journal.jsonl")"

# the same directory without --resume is refused
expect_status "a used output directory is refused" 2 "$CULPRIT" bisect --repo "$TMP/r1" \
	--bad HEAD --good v1.0 --build "$BUILD" --test ./prog --out "$TMP/o1"

# a fix bisection: crash at change 30, gone from change 33 on
make_repo "$TMP/r2" 1 0 0
(cd "$TMP/r2" && for i in 31 32 33 34; do
	n=9; [ $i -ge 33 ] && n=8
	printf '#include <stdlib.h>\n#include <string.h>\n/* fix %s */\nint main(void) { char *p = malloc(8); memset(p, 0, %s); free(p); return 0; }\n' $i $n > prog.c
	git commit -qam "fix step $i"; done)
fix_sha=$(git -C "$TMP/r2" rev-parse HEAD~1)
"$CULPRIT" bisect --fix --repo "$TMP/r2" --bad HEAD~4 --good HEAD --build "$BUILD" \
	--test ./prog --runs 1 --out "$TMP/o2" >"$TMP/o2.txt" 2>&1
check "fix bisection exits 0" 0 $?
check "finds the fix" "fix commit: $fix_sha fix step 33" "$(grep '^fix commit:' "$TMP/o2.txt")"
grep -q '^fix: .*(posterior' "$TMP/o2.txt" && pass "fix: the culprit policy's posterior" ||
	fail "fix: the culprit policy's posterior"
"$CULPRIT" bisect --fix --policy git --repo "$TMP/r2" --bad HEAD~4 --good HEAD --build "$BUILD" \
	--test ./prog --runs 1 --out "$TMP/o2g" >"$TMP/o2g.txt" 2>&1
check "fix, git policy: exits 0" 0 $?
check "fix, git policy: finds the fix" "fix commit: $fix_sha fix step 33" \
	"$(grep '^fix commit:' "$TMP/o2g.txt")"

# bad input
expect_status "missing --build is a job error" 10 "$CULPRIT" bisect --repo "$TMP/r1" \
	--bad HEAD --test ./prog --out "$TMP/o3"
expect_status "not a repository" 3 "$CULPRIT" bisect --repo "$TMP" --bad HEAD \
	--build true --test true --out "$TMP/o4"
expect_status "unknown revision" 4 "$CULPRIT" bisect --repo "$TMP/r1" --bad nope \
	--build true --test true --out "$TMP/o5"
expect_status "no crash on the start commit" 12 "$CULPRIT" bisect --repo "$TMP/r1" \
	--bad v1.0 --good HEAD~39 --build "$BUILD" --test ./prog --runs 1 --out "$TMP/o6"
echo '{"repo": 3}' > "$TMP/bad.json"
expect_status "a job file with a wrong type" 10 "$CULPRIT" bisect --job "$TMP/bad.json"
echo '{nope' > "$TMP/bad2.json"
expect_status "a job file that is not JSON" 10 "$CULPRIT" bisect --job "$TMP/bad2.json"
finish
