#!/usr/bin/env bash
# bench/farm: 8 bisections of one tree with overlapping ranges: 8 crashes,
# each bisected from the same release tag (v1.0) to the tree's head on the
# day it was found (4 heads: commits 40, 48, 56, 64), run (a) one after
# another, each alone with no cache, (b) at once through culprit farm -j 2
# sharing one build cache with git's own choice of commits ("cache_prefer":
# false), and (c) the same with the cache-aware choice (the default: a
# built commit that splits the range nearly as well is tested instead).
# Prints builds done and wall-clock of each, and (b), (c) as ratios of (a),
# all measured in this run.
#
# usage: bench/farm/run.sh [WORK_DIR]   (environment: CULPRIT, BUILD_S=0.5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
culprit=$(realpath "${CULPRIT:-$root/build/culprit}")
work=${1:-$(mktemp -d /tmp/culprit-bench-farm.XXXXXX)}
build_s=${BUILD_S:-0.5}
rm -rf "$work/repo" "$work/jobs" "$work/exact" "$work/alone" "$work/farm" "$work/farm-exact" "$work/cache" "$work/cache-exact"
mkdir -p "$work/repo" "$work/jobs" "$work/exact" "$work/alone"
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com
r=$work/repo
git -C "$r" init -q
culprits=(10 17 25 33 40 47 55 60)
: > "$r/prog.txt"
for i in $(seq 1 64); do
	echo "line $i" >> "$r/prog.txt"
	for k in "${!culprits[@]}"; do [ "${culprits[$k]}" = "$i" ] && echo "bug$k" >> "$r/prog.txt"; done
	git -C "$r" add prog.txt
	git -C "$r" commit -qm "change $i"
	git -C "$r" tag "c$i"
	[ "$i" = 1 ] && git -C "$r" tag v1.0
done
for k in "${!culprits[@]}"; do
	cat > "$work/repro$k.sh" <<SH
#!/bin/sh
grep -q '^bug$k\$' out/prog.bin || exit 0
echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000018"
echo "    #0 0x401136 in planted_bug_$k /src/prog.c:4"
exit 1
SH
	chmod +x "$work/repro$k.sh"
	bad=40
	while [ "$bad" -le "${culprits[$k]}" ]; do bad=$((bad + 8)); done
	for prefer in true false; do
		dir=$work/jobs
		[ $prefer = true ] || dir=$work/exact
		cat > "$dir/crash$k.json" <<JOB
{"repo": "$r", "good": "v1.0", "bad": "c$bad", "policy": "git", "runs": 1,
 "build": "sleep $build_s; mkdir -p out && cp prog.txt out/prog.bin",
 "test": "$work/repro$k.sh", "artifacts": ["out/prog.bin"], "cache_prefer": $prefer}
JOB
	done
done
now() { date +%s.%N; }
count() { # what GLOB
	python3 - "$@" <<'PY'
import glob, json, sys
what, pattern = sys.argv[1], sys.argv[2]
n = 0
for j in glob.glob(pattern):
    for r in map(json.loads, open(j)):
        if r.get("type") == "build" and (what == "all" or r.get("cache") == what):
            n += 1
print(n)
PY
}
t0=$(now)
for k in "${!culprits[@]}"; do
	"$culprit" bisect --job "$work/jobs/crash$k.json" --out "$work/alone/crash$k" >/dev/null 2>&1
done
t1=$(now)
"$culprit" farm --jobs-dir "$work/exact" -j 2 --out "$work/farm-exact" --cache "$work/cache-exact" >/dev/null
t2=$(now)
"$culprit" farm --jobs-dir "$work/jobs" -j 2 --out "$work/farm" --cache "$work/cache" >/dev/null
t3=$(now)
alone_builds=$(count all "$work/alone/*/journal.jsonl")
exact_builds=$(count built "$work/farm-exact/*/journal.jsonl")
exact_hits=$(count hit "$work/farm-exact/*/journal.jsonl")
farm_builds=$(count built "$work/farm/*/journal.jsonl")
farm_hits=$(count hit "$work/farm/*/journal.jsonl")
culprit_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["culprit"]["commit"])' "$1"; }
for k in "${!culprits[@]}"; do
	a=$(culprit_of "$work/alone/crash$k/result.json")
	for f in farm-exact farm; do
		b=$(culprit_of "$work/$f/crash$k/result.json")
		[ "$a" = "$b" ] || { echo "bench/farm: crash$k: different culprits $a ($f: $b)"; exit 1; }
	done
done
python3 - "$alone_builds" "$exact_builds" "$exact_hits" "$farm_builds" "$farm_hits" \
	"$t0" "$t1" "$t2" "$t3" "$build_s" <<'PY'
import sys
ab, eb, eh, fb, fh = map(int, sys.argv[1:6])
t0, t1, t2, t3, bs = map(float, sys.argv[6:11])
a, e, f = t1 - t0, t2 - t1, t3 - t2
print(f"8 bisections of one tree from v1.0 to 4 heads, 64 commits, builds of {bs} s, git policy, 1 run per commit")
print(f"{'':44}{'builds':>8}{'wall s':>9}")
print(f"{'(a) 8 separate runs, one after another':44}{ab:>8}{a:>9.1f}")
print(f"{'(b) culprit farm -j 2, cache, git choice':44}{eb:>8}{e:>9.1f}   ({eh} cache hits)")
print(f"{'(c) culprit farm -j 2, cache-aware choice':44}{fb:>8}{f:>9.1f}   ({fh} cache hits)")
print(f"{'(b) / (a)':44}{eb / ab:>8.2f}{e / a:>9.2f}")
print(f"{'(c) / (a)':44}{fb / ab:>8.2f}{f / a:>9.2f}")
PY
