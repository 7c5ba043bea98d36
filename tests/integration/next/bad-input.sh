#!/usr/bin/env bash
# culprit next on bad input: each gets a one-line error naming the problem
# and its documented exit status (docs/exit-codes.md), never a crash.
. "$(dirname "$0")/../lib.sh"

r=$TMP/repo
mkdir -p "$r" && git -C "$r" init -q
for i in $(seq 1 12); do
	echo "$i" > "$r/f.txt"; git -C "$r" add f.txt
	GIT_COMMITTER_DATE="$((1600000000 + i * 60)) +0000" git -C "$r" commit -qm "c$i"
done
git -C "$r" checkout -q -b side HEAD~6
echo side > "$r/g.txt"; git -C "$r" add g.txt; git -C "$r" commit -qm side
git -C "$r" checkout -q -

# expect_error NAME STATUS PATTERN args...: status, one line on stderr, pattern in it
expect_error() {
	local name=$1 want=$2 pat=$3 got lines
	shift 3
	"$CULPRIT" next "$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	check "$name: exit status" "$want" "$got"
	lines=$(grep -c '^culprit: ' "$TMP/err")
	check "$name: one error line" 1 "$lines"
	if grep -q "$pat" "$TMP/err"; then pass "$name: names the problem"; else
		fail "$name: names the problem"; cat "$TMP/err"; fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$TMP/err"; then
		fail "$name: no sanitizer report"; else pass "$name: no sanitizer report"; fi
}

expect_error "not a repository" 3 "not a git repository" --repo "$TMP" --bad HEAD --good HEAD~1
expect_error "missing directory" 3 "$TMP/nope" --repo "$TMP/nope" --bad HEAD --good HEAD~1
expect_error "unknown revision" 4 "nope" --repo "$r" --bad nope --good HEAD~1
expect_error "unknown good revision" 4 "zzz" --repo "$r" --bad HEAD --good zzz
expect_error "a tree is not a commit" 5 "tree" --repo "$r" --bad 'HEAD^{tree}' --good HEAD~1
blob=$(git -C "$r" rev-parse HEAD:f.txt)
expect_error "a blob is not a commit" 5 "blob" --repo "$r" --bad "$blob" --good HEAD~1
expect_error "bad equal to good" 6 "also good" --repo "$r" --bad HEAD --good HEAD
expect_error "good descends from bad" 8 "merge base" --repo "$r" --bad HEAD~3 --good HEAD
expect_error "missing --bad" 2 "required" --repo "$r"
expect_error "unknown option" 2 "unknown" --repo "$r" --bad HEAD --frobnicate

# a good commit on a side branch: git's "a merge base must be tested"
"$CULPRIT" next --repo "$r" --bad HEAD --good side >"$TMP/out" 2>&1
check "good not an ancestor: merge base step" "Bisecting: a merge base must be tested" \
	"$(head -1 "$TMP/out")"
check "good not an ancestor: the merge base" "[$(git -C "$r" rev-parse HEAD~6)] c6" \
	"$(sed -n 2p "$TMP/out")"

# shallow clone: the history is cut off inside the range
git clone -q --depth 4 "file://$r" "$TMP/shallow" 2>/dev/null
expect_error "shallow clone, good before the cut" 7 "shallow" --repo "$TMP/shallow" --bad HEAD \
	--good "$(git -C "$r" rev-parse HEAD~10)"
expect_error "shallow clone, range crosses the cut" 7 "shallow" --repo "$TMP/shallow" --bad HEAD

# a missing object: delete a loose commit the walk needs
cp -r "$r" "$TMP/corrupt"
victim=$(git -C "$TMP/corrupt" rev-parse HEAD~5)
rm -f "$TMP/corrupt/.git/objects/${victim:0:2}/${victim:2}"
expect_error "missing object" 7 "${victim:0:7}" --repo "$TMP/corrupt" --bad HEAD --good HEAD~9

# a corrupt object: garbage in place of a commit
cp -r "$r" "$TMP/garbage"
victim=$(git -C "$TMP/garbage" rev-parse HEAD~4)
f="$TMP/garbage/.git/objects/${victim:0:2}/${victim:2}"
chmod u+w "$f"; printf 'this is not a zlib stream at all' > "$f"
expect_error "corrupt object" 7 "cannot read" --repo "$TMP/garbage" --bad HEAD --good HEAD~9
finish
