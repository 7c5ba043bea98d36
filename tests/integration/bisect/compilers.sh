#!/usr/bin/env bash
# The compiler policy by kernel version (job field "compilers", which a
# kernel job's kernel.compilers becomes): each "testing commit <sha> with
# <compiler>" line names the --version of the compiler that commit's
# Makefile version picks, as culprit kernel-build picks it.
. "$(dirname "$0")/../lib.sh"

# 12 commits: 1-6 say they are Linux 5.4, 7-12 Linux 6.1; the bug comes in 9
r=$TMP/repo
mkdir -p "$r" && git -C "$r" init -q
for i in $(seq 1 12); do
	if [ "$i" -le 6 ]; then v=5; p=4; else v=6; p=1; fi
	printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = 0\n' "$v" "$p" > "$r/Makefile"
	if [ "$i" -ge 9 ]; then echo bug; else echo "fine $i"; fi > "$r/prog.txt"
	echo "$i" > "$r/n.txt"
	git -C "$r" add Makefile prog.txt n.txt
	commit "$r" "$i" "change $i"
done
culprit=$(git -C "$r" rev-list --reverse HEAD | sed -n 9p)
good=$(git -C "$r" rev-list --reverse HEAD | sed -n 1p)

# two fake compilers on PATH
mkdir -p "$TMP/bin"
printf '#!/bin/sh\necho "oldcc (Fake 10.2) 10.2.1"\n' > "$TMP/bin/oldcc"
printf '#!/bin/sh\necho "newcc (Fake 12.2) 12.2.0"\n' > "$TMP/bin/newcc"
chmod +x "$TMP/bin/oldcc" "$TMP/bin/newcc"
cat > "$TMP/repro.sh" <<'SH'
#!/bin/sh
grep -q bug prog.txt || exit 0
echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000018"
echo "WRITE of size 1 at 0x602000000018 thread T0"
echo "    #0 0x401136 in planted_bug /src/prog.c:4"
exit 1
SH
chmod +x "$TMP/repro.sh"
cat > "$TMP/job.json" <<JSON
{"repo": "$r", "bad": "HEAD", "good": ["$good"], "build": "true",
 "test": "$TMP/repro.sh", "runs": 1, "out": "$TMP/o", "policy": "git",
 "compilers": [{"max": "6.0", "cc": "oldcc"}, {"min": "6.0", "cc": "newcc"}]}
JSON
PATH=$TMP/bin:$PATH "$CULPRIT" bisect --job "$TMP/job.json" >"$TMP/out.txt" 2>&1
check "exits 0" 0 $?
check "finds the culprit" "first bad commit: $culprit change 9" "$(grep '^first bad commit:' "$TMP/out.txt")"
bad_lines=0
while read -r _ _ sha _ line; do
	n=$(git -C "$r" rev-list --count "$sha")
	if [ "$n" -le 6 ]; then want="oldcc (Fake 10.2) 10.2.1"; else want="newcc (Fake 12.2) 12.2.0"; fi
	[ "$line" = "$want" ] || { bad_lines=$((bad_lines + 1)); echo "# commit $n logged '$line', want '$want'"; }
done < <(grep '^testing commit ' "$TMP/out.txt")
tested=$(grep -c '^testing commit ' "$TMP/out.txt")
[ "$tested" -ge 3 ] && [ "$bad_lines" = 0 ] && pass "each of $tested commits logs its version's compiler" ||
	fail "compiler lines: $bad_lines of $tested wrong"
grep -q "with oldcc (Fake 10.2)" "$TMP/out.txt" && grep -q "with newcc (Fake 12.2)" "$TMP/out.txt" &&
	pass "both compilers were used" || fail "both compilers were used"

# a bad row is a job error naming it
cat > "$TMP/bad.json" <<JSON
{"repo": "$r", "bad": "HEAD", "good": ["$good"], "build": "true", "test": "true",
 "out": "$TMP/o2", "compilers": [{"min": "six", "cc": "gcc"}]}
JSON
"$CULPRIT" bisect --job "$TMP/bad.json" >"$TMP/bad.txt" 2>&1
st=$?
[ "$st" -ne 0 ] && grep -q 'compilers\[0\].min' "$TMP/bad.txt" && pass "a bad row is refused, named" ||
	fail "a bad row: exit $st, $(cat "$TMP/bad.txt")"
finish
