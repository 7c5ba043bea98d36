#!/usr/bin/env bash
# The compiler per kernel version from a table file (issue 16): a kernel job
# on a fake kernel tree (fake-kernel.sh: the real kernel-build and vm-run, a
# fake make target set and QEMU), fake compilers on PATH.  Each commit logs
# the compiler its Makefile version picks; a row whose first compiler is not
# installed falls back to the next and says so; a row with none installed
# makes the commit a reported skip; the default table is
# data/kernel-compilers.txt beside the binary; bad inputs are one-line errors.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fake-kernel.sh"

mkdir -p "$TMP/bin"
printf '#!/bin/sh\necho "newcc (Fake 12.2) 12.2.0"\n' > "$TMP/bin/newcc"
chmod +x "$TMP/bin/newcc"
cat > "$TMP/table.txt" <<'T'
# test table: newest first
6.0  -    newcc
5.0  6.0  oldcc newcc
-    5.0  ancientcc
T

# 12 commits: 1-3 Linux 5.4, 4-5 "4.19" (no compiler installed), 6-12
# Linux 6.1; the bug comes in 9
r=$TMP/linux
fake_tree "$r"
for i in $(seq 1 12); do
	if [ "$i" -le 3 ]; then fake_version "$r" 5 4
	elif [ "$i" -le 5 ]; then fake_version "$r" 4 19
	else fake_version "$r" 6 1; fi
	if [ "$i" -ge 9 ]; then echo "bug $i"; else echo "fine $i"; fi > "$r/state"
	git -C "$r" add -A
	commit "$r" "$i" "change $i"
done
nth() { git -C "$r" rev-list --reverse HEAD | sed -n "$1p"; }
culprit=$(nth 9)

fake_job "$TMP/job.json" "$r" HEAD "$(nth 1)" "$TMP/o" "\"compilers_file\": \"$TMP/table.txt\"" '"policy": "git"'
PATH=$TMP/bin:$PATH "$CULPRIT" bisect --job "$TMP/job.json" >"$TMP/out.txt" 2>&1
check "exits 0" 0 $?
check "finds the culprit" "first bad commit: $culprit change 9" "$(grep '^first bad commit:' "$TMP/out.txt")"
bad=0
while read -r _ _ sha _ line; do
	n=$(git -C "$r" rev-list --count "$sha")
	if [ "$n" -le 3 ]; then want="newcc (Fake 12.2) 12.2.0"
	elif [ "$n" -le 5 ]; then want="no compiler"
	else want="newcc (Fake 12.2) 12.2.0"; fi
	[ "$line" = "$want" ] || { bad=$((bad + 1)); echo "# commit $n logged '$line', want '$want'"; }
done < <(grep '^testing commit ' "$TMP/out.txt")
tested=$(grep -c '^testing commit ' "$TMP/out.txt")
[ "$tested" -ge 3 ] && [ "$bad" = 0 ] && pass "each of $tested commits logs its version's compiler" ||
	fail "compiler lines: $bad of $tested wrong"
# the compiler kernel-build used is the one logged
c=$(nth 12)
check "kernel-build used the logged compiler" "newcc (Fake 12.2) 12.2.0" "$(cat "$TMP/o/commits/$c/compiler" 2>/dev/null)"
check "make got CC=newcc" "newcc (Fake 12.2) 12.2.0" "$(cat "$TMP/o-kbuild/cc-used" 2>/dev/null)"

# a fallback and a missing compiler, each tested directly on one commit
cat > "$TMP/job2.json" <<EOF2
$(sed "s|\"good\": \[[^]]*\]|\"good\": [\"$(nth 1)\"]|; s|$TMP/o\"|$TMP/o2\"|; s|$TMP/o-kbuild|$TMP/o2-kbuild|; s|\"bad\": \"HEAD\"|\"bad\": \"$(nth 3)\"|" "$TMP/job.json")
EOF2
PATH=$TMP/bin:$PATH "$CULPRIT" bisect --job "$TMP/job2.json" --crash "BUG: kernel NULL pointer dereference in __x64_sys_sethostname" >"$TMP/out2.txt" 2>&1
grep -q "^compiler for Linux 5.4: oldcc is not installed, falling back to newcc$" "$TMP/out2.txt" &&
	pass "a fallback is logged" || fail "a fallback is logged: $(grep -i compiler "$TMP/out2.txt" | head -3)"
grep -q "kernel compiler: compiler for Linux 5.4: oldcc is not installed, falling back to newcc" "$TMP/o2/commits/$(nth 3)/build.log" &&
	pass "kernel-build says so too" || fail "kernel-build says so too"

sed "s|\"bad\": \"$(nth 3)\"|\"bad\": \"$(nth 5)\"|; s|$TMP/o2|$TMP/o3|g" "$TMP/job2.json" > "$TMP/job3.json"
PATH=$TMP/bin:$PATH "$CULPRIT" bisect --job "$TMP/job3.json" >"$TMP/out3.txt" 2>&1
st=$?
grep -q "^no compiler for Linux 4.19: ancientcc is not installed$" "$TMP/out3.txt" &&
	grep -q "^build failed: no compiler for Linux 4.19: ancientcc is not installed" "$TMP/out3.txt" &&
	[ "$st" -ne 0 ] && pass "no installed compiler: a reported skip (exit $st)" ||
	fail "no installed compiler: exit $st, $(grep -iE 'compiler|build' "$TMP/out3.txt" | head -5)"

# the default table: data/kernel-compilers.txt beside the binary (6.1: gcc-12, then gcc)
if [ -f "$(dirname "$CULPRIT")/data/kernel-compilers.txt" ]; then
	fake_job "$TMP/job4.json" "$r" "$(nth 12)" "$(nth 10)" "$TMP/o4" "" '"policy": "git"'
	"$CULPRIT" bisect --job "$TMP/job4.json" >"$TMP/out4.txt" 2>&1
	want=$(gcc-12 --version 2>/dev/null | head -n1)
	[ -z "$want" ] && want=$(gcc --version | head -n1)
	grep -q "^testing commit $(nth 12) with $want$" "$TMP/out4.txt" &&
		pass "the default table picks gcc-12 for 6.1" ||
		fail "the default table: $(grep '^testing commit' "$TMP/out4.txt" | head -2)"
	hdr=$(head -n1 "$TMP/o4/journal.jsonl" 2>/dev/null || head -n1 "$TMP/o4/journal" 2>/dev/null)
	echo "$hdr" | grep -q '"6.1"' && pass "the table's rows are in the journal header" ||
		fail "the table's rows are in the journal header"
else
	fail "no data/kernel-compilers.txt beside $CULPRIT"
fi

# bad input: each one line, a job error (exit 10), nothing started
printf 'hello\nworld\n' > "$TMP/notconfig"
fake_job "$TMP/bad1.json" "$r" HEAD "$(nth 1)" "$TMP/b1"
sed -i "s|$FAKE_CONFIG|$TMP/notconfig|" "$TMP/bad1.json"
"$CULPRIT" bisect --job "$TMP/bad1.json" >"$TMP/bad1.txt" 2>&1
st=$?
[ "$st" = 10 ] && grep -q "is not a kernel config" "$TMP/bad1.txt" && [ "$(wc -l < "$TMP/bad1.txt")" = 1 ] &&
	pass "a file that is not a kernel config: one line, exit 10" || fail "not a config: exit $st: $(cat "$TMP/bad1.txt")"
printf '6.1 - gcc\nsix - gcc\n' > "$TMP/badtable.txt"
fake_job "$TMP/bad2.json" "$r" HEAD "$(nth 1)" "$TMP/b2" "\"compilers_file\": \"$TMP/badtable.txt\""
"$CULPRIT" bisect --job "$TMP/bad2.json" >"$TMP/bad2.txt" 2>&1
st=$?
[ "$st" = 10 ] && grep -q "badtable.txt:2:" "$TMP/bad2.txt" && [ "$(wc -l < "$TMP/bad2.txt")" = 1 ] &&
	pass "a bad table line: named, exit 10" || fail "bad table: exit $st: $(cat "$TMP/bad2.txt")"
# a C reproducer that does not compile: refused before anything starts
printf 'int main(void) { return undeclared_thing; }\n' > "$TMP/bad.c"
fake_job "$TMP/bad4.json" "$r" HEAD "$(nth 1)" "$TMP/b4"
sed -i "s|\"sh\": \"$TMP/repro.sh\"|\"c\": \"$TMP/bad.c\"|" "$TMP/bad4.json"
"$CULPRIT" bisect --job "$TMP/bad4.json" >"$TMP/bad4.txt" 2>&1
st=$?
[ "$st" = 10 ] && grep -q "repro.c: $TMP/bad.c does not compile: .*error: .undeclared_thing" "$TMP/bad4.txt" &&
	[ "$(wc -l < "$TMP/bad4.txt")" = 1 ] && [ ! -d "$TMP/b4" ] &&
	pass "a reproducer that does not compile: one line, exit 10, nothing started" ||
	fail "bad reproducer: exit $st: $(cat "$TMP/bad4.txt")"
# a tree without scripts/kconfig: a reported skip per commit
git -C "$r" rm -rq scripts/kconfig && commit "$r" 13 "drop kconfig"
fake_job "$TMP/bad3.json" "$r" HEAD "$(nth 12)" "$TMP/b3" "\"compilers_file\": \"$TMP/table.txt\""
PATH=$TMP/bin:$PATH "$CULPRIT" bisect --job "$TMP/bad3.json" >"$TMP/bad3.txt" 2>&1
grep -q "^build failed: .* has no scripts/kconfig: not a kernel tree culprit can configure" "$TMP/bad3.txt" &&
	pass "a tree without scripts/kconfig: a reported skip" || fail "no scripts/kconfig: $(grep -i build "$TMP/bad3.txt" | head -3)"
finish
