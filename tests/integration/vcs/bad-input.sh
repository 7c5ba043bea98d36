#!/usr/bin/env bash
# Bad repositories and revisions, through `culprit next`: each gets its
# documented exit status and a one-line message naming the problem, and
# never a crash (sanitizers abort with another status).
. "$(dirname "$0")/../lib.sh"

# expect NAME STATUS PATTERN culprit-args...
expect() {
	local name=$1 want=$2 pattern=$3 got out lines
	shift 3
	out=$("$CULPRIT" "$@" 2>&1 >/dev/null)
	got=$?
	check "$name (exit $want)" "$want" "$got"
	lines=$(printf '%s\n' "$out" | wc -l)
	check "$name: one line" 1 "$lines"
	case $out in
	*$pattern*) pass "$name: says '$pattern'" ;;
	*) fail "$name: says '$pattern'"; echo "  got: $out" ;;
	esac
}

cd "$TMP"
git init -q -b main r
(cd r && mkdir sub && for i in 1 2 3 4 5 6; do echo $i >> sub/f; git add sub/f
	git commit -qm "c$i"; done)

expect "missing directory" 3 "'$TMP/nope' is not a git repository" \
	next --repo "$TMP/nope" --bad HEAD
mkdir plain
expect "plain directory" 3 "is not a git repository" next --repo plain --bad HEAD
expect "subdirectory of a work tree" 3 "is not a git repository" \
	next --repo r/sub --bad HEAD
expect "unknown revision" 4 "unknown revision 'nosuch'" \
	next --repo r --bad nosuch --good HEAD~3
expect "unknown good revision" 4 "unknown revision 'HEAD~40'" \
	next --repo r --bad HEAD --good HEAD~40
expect "tree revision" 5 "'HEAD^{tree}' is a tree, not a commit" \
	next --repo r --bad 'HEAD^{tree}' --good HEAD~3
expect "blob revision" 5 "'HEAD:sub/f' is a blob, not a commit" \
	next --repo r --bad HEAD --good HEAD:sub/f

git clone -q --depth 3 "file://$TMP/r" shallow
expect "shallow clone" 7 "(shallow clone); fetch more history (git fetch --unshallow)" \
	next --repo shallow --bad HEAD
expect "beyond a shallow clone" 7 "shallow clone" \
	next --repo shallow --bad HEAD --good HEAD~4

git clone -q --no-local r broken
mv broken/.git/objects/pack/*.pack p.pack
rm -f broken/.git/objects/pack/*
git -C broken unpack-objects -q < p.pack
missing=$(git -C broken rev-parse HEAD~2)
rm -f "broken/.git/objects/${missing:0:2}/${missing:2}"
expect "missing object" 7 "missing object $missing" \
	next --repo broken --bad HEAD --good HEAD~4
corrupt=$(git -C broken rev-parse HEAD~1)
f="broken/.git/objects/${corrupt:0:2}/${corrupt:2}"
chmod u+w "$f" && printf 'garbage' > "$f"
base=$(git -C r rev-parse HEAD~4)
expect "corrupt object in the walk" 7 "corrupt object $corrupt" \
	next --repo broken --bad HEAD --good "$base"
expect "corrupt object in a revision" 7 "cannot read 'HEAD~4'" \
	next --repo broken --bad HEAD --good HEAD~4
finish
