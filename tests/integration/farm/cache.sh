#!/usr/bin/env bash
# The shared build cache (--cache): a second bisection of commits with the
# same trees (a copy of the history with other commit ids) builds nothing;
# a damaged entry (same size, other bytes; a cut manifest) is rebuilt, never
# used; a read-only cache (a read-only mount) is used for its entries,
# keeps nothing and changes not a byte, ccache included; a cache directory
# that cannot be made is logged and the bisection builds without it; a full
# one (ENOSPC) is logged, the build used.
. "$(dirname "$0")/../lib.sh"

# 16 commits; from commit 9 on the program is "bug"
r=$TMP/repo
mkdir -p "$r" && git -C "$r" init -q
for i in $(seq 1 16); do
	if [ "$i" -ge 9 ]; then printf 'bug %s\n' "$i"; else printf 'fine %s\n' "$i"; fi > "$r/prog.txt"
	git -C "$r" add prog.txt
	commit "$r" "$i" "change $i"
done
git -C "$r" branch -q orig
# a copy of the history: the same trees, other commit ids
prev=
for c in $(git -C "$r" rev-list --reverse orig); do
	t=$(git -C "$r" rev-parse "$c^{tree}")
	prev=$(echo "copy of $c" | git -C "$r" commit-tree "$t" ${prev:+-p "$prev"})
done
git -C "$r" branch -q copy "$prev"
culprit=$(git -C "$r" rev-list --reverse orig | sed -n 9p)
copy_culprit=$(git -C "$r" rev-list --reverse copy | sed -n 9p)
BUILD='mkdir -p out && cp prog.txt out/prog.bin'
cat > "$TMP/repro.sh" <<'SH'
#!/bin/sh
grep -q bug out/prog.bin || exit 0
echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000018"
echo "    #0 0x401136 in planted_bug /src/prog.c:4"
exit 1
SH
chmod +x "$TMP/repro.sh"
C=$TMP/cache
bisect() { # OUT BRANCH [extra...]
	local out=$1 br=$2
	shift 2
	"$CULPRIT" bisect --policy git --repo "$r" --bad "$br" --good "$br~15" --build "$BUILD" \
		--artifact 'out/*.bin' --test "$TMP/repro.sh" --runs 1 --out "$TMP/$out" "$@" \
		>"$TMP/$out.txt" 2>&1
}
count() { # JOURNAL VALUE: build records with "cache": VALUE
	python3 - "$1" "$2" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    n += r.get("type") == "build" and r.get("cache") == sys.argv[2]
print(n)
PY
}

bisect a orig --cache "$C"
check "first run: exits 0" 0 $?
check "first run: the culprit" "first bad commit: $culprit change 9" "$(grep '^first bad commit:' "$TMP/a.txt")"
built_a=$(count "$TMP/a/journal.jsonl" built)
[ "$built_a" -ge 3 ] && pass "first run: builds and publishes ($built_a)" || fail "first run: builds ($built_a)"
check "first run: no hit" 0 "$(count "$TMP/a/journal.jsonl" hit)"
check "one entry per build" "$built_a" "$(ls "$C/entries" | wc -l)"

bisect b copy --cache "$C"
check "same trees: exits 0" 0 $?
check "same trees: the copy's culprit" "first bad commit: $copy_culprit" \
	"$(grep '^first bad commit:' "$TMP/b.txt" | cut -d' ' -f1-4)"
check "same trees: nothing built" 0 "$(count "$TMP/b/journal.jsonl" built)"
check "same trees: every build a hit" "$built_a" "$(count "$TMP/b/journal.jsonl" hit)"
check "same trees: no build command ran" 0 "$(cat "$TMP"/b/commits/*/build.log 2>/dev/null | wc -c)"

# damage every entry keeping sizes (bug -> BUG: a used entry turns bad clean);
# cut one manifest as a half-written entry would be
for f in "$C"/entries/*/files/out/prog.bin; do sed -i 's/bug/BUG/; s/fine/FINE/' "$f"; done
m=$(ls "$C"/entries/*/manifest | head -1)
head -c 60 "$m" > "$m.cut" && mv "$m.cut" "$m"
bisect c orig --cache "$C"
check "damaged: exits 0" 0 $?
check "damaged: the right culprit" "first bad commit: $culprit change 9" "$(grep '^first bad commit:' "$TMP/c.txt")"
check "damaged: nothing used" 0 "$(count "$TMP/c/journal.jsonl" hit)"
check "damaged: every build rebuilt" "$built_a" "$(count "$TMP/c/journal.jsonl" built)"
grep -q "^cache: entry [0-9a-f]* was damaged (out/prog.bin: content does not match the manifest): removed, rebuilding" "$TMP/c.txt" &&
	pass "damaged: the log says so" || fail "damaged: the log says so"
grep -q "^cache: entry [0-9a-f]* was damaged (manifest damaged)" "$TMP/c.txt" &&
	pass "cut manifest: the log says so" || fail "cut manifest: the log says so"
bisect d copy --cache "$C"
check "rebuilt entries are good: all hits" "$built_a" "$(count "$TMP/d/journal.jsonl" hit)"

# a read-only cache (a read-only bind mount as root; a directory without
# write permission otherwise): its entries are used, a damaged one is not
# used (and left), new builds are not kept, nothing in it changes
cp -a "$C" "$TMP/rosrc"
rodir=$TMP/rocache
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$rodir"
	mount --bind "$TMP/rosrc" "$rodir" && mount -o remount,bind,ro "$rodir" || rodir=
	rowhy="Read-only file system"
else
	rodir=$TMP/rosrc
	chmod a-w "$rodir" "$rodir"/entries "$rodir"/locks "$rodir"/tmp
	rowhy="Permission denied"
fi
if [ -n "$rodir" ]; then
	snap() { (cd "$TMP/rosrc" && find . -printf '%p %s %T@\n' | sort | md5sum); }
	before=$(snap)
	bisect ro1 copy --cache "$rodir"
	check "read-only: exits 0" 0 $?
	check "read-only: the copy's culprit" "first bad commit: $copy_culprit" \
		"$(grep '^first bad commit:' "$TMP/ro1.txt" | cut -d' ' -f1-4)"
	check "read-only: one log line" 1 "$(grep -c "^cache: read-only: cache $rodir is not writable: $rowhy; its builds are used, new builds are not kept$" "$TMP/ro1.txt")"
	check "read-only: every build a hit" "$built_a" "$(count "$TMP/ro1/journal.jsonl" hit)"
	# damaged (through the writable side of the mount); another recipe: no entry
	f=$(ls "$TMP"/rosrc/entries/*/files/out/prog.bin | head -1)
	chmod u+w "$f" 2>/dev/null
	sed -i 's/bug/BUG/; s/fine/FINE/' "$f"
	before=$(snap)
	bisect ro2 orig --cache "$rodir"
	check "read-only, one entry damaged: the culprit" "first bad commit: $culprit change 9" \
		"$(grep '^first bad commit:' "$TMP/ro2.txt")"
	grep -q "^cache: entry [0-9a-f]* was damaged (out/prog.bin: content does not match the manifest): not used (the cache is read-only), rebuilding$" "$TMP/ro2.txt" &&
		pass "read-only, damaged: not used, said so" || { fail "read-only, damaged: not used, said so"; grep cache: "$TMP/ro2.txt"; }
	check "read-only, damaged: one rebuilt, the others hits" "1 $((built_a - 1))" \
		"$(count "$TMP/ro2/journal.jsonl" built) $(count "$TMP/ro2/journal.jsonl" hit)"
	"$CULPRIT" bisect --policy git --repo "$r" --bad orig --good orig~15 --build "$BUILD && true" \
		--artifact 'out/*.bin' --test "$TMP/repro.sh" --runs 1 --out "$TMP/ro3" --cache "$rodir" \
		>"$TMP/ro3.txt" 2>&1
	check "read-only, another recipe: exits 0" 0 $?
	check "read-only, another recipe: all built" "$built_a 0" \
		"$(count "$TMP/ro3/journal.jsonl" built) $(count "$TMP/ro3/journal.jsonl" hit)"
	check "read-only: not one log line per build" 0 "$(grep -c '^cache: not published' "$TMP/ro3.txt")"
	check "read-only: nothing in the cache changed" "$before" "$(snap)"
	if [ "$(id -u)" = 0 ]; then umount "$rodir"; else chmod -R u+w "$rodir"; fi
else
	skip "read-only cache: cannot make a read-only bind mount here"
fi

# the cache-aware choice: another range of the same history; where git's
# midpoint is not cached, a cached commit splitting as well as 1/3:2/3 is
# tested instead (said in the log); "cache_prefer": false keeps git's choice
prefer() { # OUT PREFER
	cat > "$TMP/$1.json" <<JOB
{"repo": "$r", "bad": "orig~3", "good": "orig~15", "build": "$BUILD", "test": "$TMP/repro.sh",
 "runs": 1, "policy": "git", "artifacts": ["out/*.bin"], "cache": "$C", "cache_prefer": $2}
JOB
	"$CULPRIT" bisect --job "$TMP/$1.json" --out "$TMP/$1" >"$TMP/$1.txt" 2>&1
}
cp -a "$C" "$TMP/cache-copy"
prefer p1 true
check "cache-aware: exits 0" 0 $?
check "cache-aware: the culprit" "first bad commit: $culprit change 9" "$(grep '^first bad commit:' "$TMP/p1.txt")"
grep -q "^cache: testing [0-9a-f]\{12\} instead of [0-9a-f]\{12\}: built already, it splits [0-9]*/[0-9]*$" "$TMP/p1.txt" &&
	pass "cache-aware: a cached commit tested instead, said so" || { fail "cache-aware: said so"; cat "$TMP/p1.txt"; }
rm -rf "$C" && mv "$TMP/cache-copy" "$C"
prefer p2 false
check "git's choice: the culprit" "first bad commit: $culprit change 9" "$(grep '^first bad commit:' "$TMP/p2.txt")"
check "git's choice: no other commit tested" 0 "$(grep -c '^cache: testing' "$TMP/p2.txt")"
sed -i 's/"cache_prefer": false/"cache_prefer": 1/' "$TMP/p2.json"
msg=$("$CULPRIT" bisect --job "$TMP/p2.json" --out "$TMP/p3" 2>&1)
check "cache_prefer not a boolean: one line" "culprit: $TMP/p2.json: job field 'cache_prefer' must be true or false" "$msg"
b1=$(count "$TMP/p1/journal.jsonl" built) b2=$(count "$TMP/p2/journal.jsonl" built)
[ "$b1" -lt "$b2" ] && pass "cache-aware: fewer builds ($b1 < $b2)" || fail "cache-aware: fewer builds ($b1, git's choice $b2)"

# a cache directory that cannot be written (as root, a file where a directory must be)
if [ "$(id -u)" = 0 ]; then
	touch "$TMP/file"; ro=$TMP/file/cache
else
	mkdir -p "$TMP/ro"; chmod 555 "$TMP/ro"; ro=$TMP/ro
fi
bisect e orig --cache "$ro"
check "unusable cache: exits 0" 0 $?
check "unusable cache: the culprit" "first bad commit: $culprit change 9" "$(grep '^first bad commit:' "$TMP/e.txt")"
grep -q "^cache: not used: cache $ro.*; building without it$" "$TMP/e.txt" &&
	pass "unusable cache: one log line" || { fail "unusable cache: one log line"; grep cache "$TMP/e.txt"; }

# a full cache (a 64 KiB tmpfs, artifacts of 100 KB): publishing fails with
# ENOSPC, the log says so once per build, the build is used, nothing half
# written stays; a small tmpfs needs mount rights (root in CI), else skipped
full=$TMP/full
mkdir -p "$full"
if mount -t tmpfs -o size=64k culprit-test "$full" 2>/dev/null; then
	"$CULPRIT" bisect --policy git --repo "$r" --bad orig --good orig~15 \
		--build "$BUILD && head -c 100000 /dev/zero >> out/prog.bin" --artifact 'out/*.bin' \
		--test "$TMP/repro.sh" --runs 1 --out "$TMP/g" --cache "$full" >"$TMP/g.txt" 2>&1
	check "full cache: exits 0" 0 $?
	check "full cache: the culprit" "first bad commit: $culprit change 9" "$(grep '^first bad commit:' "$TMP/g.txt")"
	n=$(grep -c "^cache: not published: .*No space left on device.*; the build is used all the same$" "$TMP/g.txt")
	check "full cache: one log line per build" "$(count "$TMP/g/journal.jsonl" built)" "$n"
	[ "$n" -ge 3 ] && pass "full cache: builds were tried ($n)" || fail "full cache: builds were tried ($n)"
	check "full cache: no entry, nothing half written left" "0 0" \
		"$(ls "$full/entries" | wc -l) $(ls "$full/tmp" | wc -l)"
	umount "$full"
else
	skip "full cache: cannot mount a small tmpfs here (needs root)"
fi

# a size limit: least recently used entries go (an entry holds 6 or 7 bytes)
cat > "$TMP/job.json" <<JOB
{"repo": "$r", "bad": "orig", "good": "orig~15", "build": "$BUILD", "test": "$TMP/repro.sh",
 "runs": 1, "policy": "git", "artifacts": ["out/*.bin"], "cache": "$TMP/small", "cache_max": 13}
JOB
"$CULPRIT" bisect --job "$TMP/job.json" --out "$TMP/s" >"$TMP/s.txt" 2>&1
check "size limit: exits 0" 0 $?
check "size limit: two entries of 6 bytes kept" 2 "$(ls "$TMP/small/entries" | wc -l)"
last=$(python3 - "$TMP/s/journal.jsonl" <<'PY'
import json, sys
print([r for r in map(json.loads, open(sys.argv[1])) if r.get("type") == "build"][-1]["cache_key"])
PY
)
[ -d "$TMP/small/entries/$last" ] && pass "size limit: the newest entry stays" || fail "size limit: the newest entry stays"

# ccache through the cache directory: a bisection of other trees (no build
# of it is in the cache) in another output directory compiles the same
# source warm from DIR/ccache; a user's own CCACHE_DIR is left alone
if command -v ccache >/dev/null 2>&1; then
	cr=$TMP/crepo
	mkdir -p "$cr" && git -C "$cr" init -q
	printf 'int f(int x) { return x * 3; }\n' > "$cr/prog.c"
	for i in $(seq 1 8); do
		if [ "$i" -ge 5 ]; then printf 'bug %s\n' "$i"; else printf 'fine %s\n' "$i"; fi > "$cr/prog.txt"
		git -C "$cr" add prog.c prog.txt
		commit "$cr" "$i" "change $i"
	done
	base=$(git -C "$cr" symbolic-ref --short HEAD)
	git -C "$cr" checkout -q -b other
	for i in $(seq 1 8); do	# other trees (other.txt differs), the same prog.c
		git -C "$cr" show "$base~$((8 - i)):prog.txt" > "$cr/prog.txt"
		echo "other $i" > "$cr/other.txt"
		git -C "$cr" add prog.txt other.txt
		commit "$cr" "$((i + 8))" "other $i"
	done
	CB='mkdir -p out && ccache cc -g -c prog.c -o out/prog.o && cp prog.txt out/prog.bin'
	cc_bisect() { # OUT BRANCH [CACHE]
		"$CULPRIT" bisect --policy git --repo "$cr" --bad "$2" --good "$2~7" --build "$CB" \
			--artifact 'out/*.bin' --test "$TMP/repro.sh" --runs 1 --out "$TMP/$1" \
			--cache "${3:-$TMP/cc}" >"$TMP/$1.txt" 2>&1
	}
	stat_of() { CCACHE_DIR=$TMP/cc/ccache ccache --print-stats | awk -v k="$1" '$1 == k {print $2}'; }
	(unset CCACHE_DIR; cc_bisect ca "$base")
	check "ccache: first bisection exits 0" 0 $?
	miss=$(stat_of cache_miss) hit=$(stat_of direct_cache_hit)
	[ "${miss:-0}" -ge 1 ] && pass "ccache: DIR/ccache used ($miss miss)" || fail "ccache: DIR/ccache used"
	(unset CCACHE_DIR; cc_bisect cb other)
	check "ccache: other trees exit 0" 0 $?
	check "ccache: other trees: no build in the cache" 0 "$(count "$TMP/cb/journal.jsonl" hit)"
	nb=$(count "$TMP/cb/journal.jsonl" built)
	check "ccache: other trees: no new compilation" "$miss" "$(stat_of cache_miss)"
	[ "$(( $(stat_of direct_cache_hit) - hit ))" -ge "$nb" ] &&
		pass "ccache: other trees: every compilation a hit ($nb builds)" || fail "ccache: every compilation a hit"
	# the same cache read-only: ccache only reads it (CCACHE_READONLY), so a
	# compilation it has not seen (other source) compiles and is not kept
	if [ "$(id -u)" = 0 ] && mkdir -p "$TMP/rocc" && mount --bind "$TMP/cc" "$TMP/rocc" &&
		mount -o remount,bind,ro "$TMP/rocc"; then
		git -C "$cr" checkout -q -b third "$base"
		for i in $(seq 1 8); do	# new trees and new source
			git -C "$cr" show "$base~$((8 - i)):prog.txt" > "$cr/prog.txt"
			printf 'int f(int x) { return x * %d; }\n' "$((i + 4))" > "$cr/prog.c"
			git -C "$cr" add prog.txt prog.c
			commit "$cr" "$((i + 16))" "third $i"
		done
		before=$(cd "$TMP/cc" && find . -printf '%p %s %T@\n' | sort | md5sum)
		(unset CCACHE_DIR; cc_bisect cd third "$TMP/rocc")
		check "read-only ccache: the bisection exits 0" 0 $?
		check "read-only ccache: every build ok" 0 "$(grep -c '"ok": *false' "$TMP/cd/journal.jsonl")"
		check "read-only ccache: nothing written" "$before" \
			"$(cd "$TMP/cc" && find . -printf '%p %s %T@\n' | sort | md5sum)"
		umount "$TMP/rocc"
	else
		skip "read-only ccache: cannot make a read-only bind mount here"
	fi
	mkdir -p "$TMP/mycc"
	(export CCACHE_DIR=$TMP/mycc; cc_bisect cc other "$TMP/cc2")
	[ -n "$(ls "$TMP/mycc")" ] && [ ! -e "$TMP/cc2/ccache" ] && pass "ccache: the user's CCACHE_DIR is kept" ||
		fail "ccache: the user's CCACHE_DIR is kept"
else
	skip "ccache: not installed (scripts/setup.sh installs it)"
fi

# the cache needs artifacts to keep
"$CULPRIT" bisect --policy git --repo "$r" --bad orig --good orig~15 --build "$BUILD" \
	--test "$TMP/repro.sh" --runs 1 --out "$TMP/f" --cache "$C" >"$TMP/f.txt" 2>&1
grep -q "^cache: not used: the job declares no artifacts to keep" "$TMP/f.txt" &&
	pass "no artifacts: said so" || fail "no artifacts: said so"
finish
