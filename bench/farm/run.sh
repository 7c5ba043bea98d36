#!/usr/bin/env bash
# bench/farm: 8 bisections of one tree with overlapping ranges (8 crashes
# bisected from the same release tag to the same head), run (a) one after
# another, each alone with no cache, and (b) at once through culprit farm
# -j 2 sharing one build cache.  Prints builds done and wall-clock of both,
# and (b) as a ratio of (a), measured in this run.
#
# usage: bench/farm/run.sh [WORK_DIR]   (environment: CULPRIT, BUILD_S=0.5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
culprit=$(realpath "${CULPRIT:-$root/build/culprit}")
work=${1:-$(mktemp -d /tmp/culprit-bench-farm.XXXXXX)}
build_s=${BUILD_S:-0.5}
rm -rf "$work/repo" "$work/jobs" "$work/alone" "$work/farm" "$work/cache"
mkdir -p "$work/repo" "$work/jobs" "$work/alone"
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
	cat > "$work/jobs/crash$k.json" <<JOB
{"repo": "$r", "good": "v1.0", "bad": "HEAD", "policy": "git", "runs": 1,
 "build": "sleep $build_s; mkdir -p out && cp prog.txt out/prog.bin",
 "test": "$work/repro$k.sh", "artifacts": ["out/prog.bin"]}
JOB
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
"$culprit" farm --jobs-dir "$work/jobs" -j 2 --out "$work/farm" --cache "$work/cache" >/dev/null
t2=$(now)
alone_builds=$(count all "$work/alone/*/journal.jsonl")
farm_builds=$(count built "$work/farm/*/journal.jsonl")
farm_hits=$(count hit "$work/farm/*/journal.jsonl")
for k in "${!culprits[@]}"; do
	a=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["culprit"]["commit"])' "$work/alone/crash$k/result.json")
	b=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["culprit"]["commit"])' "$work/farm/crash$k/result.json")
	[ "$a" = "$b" ] || { echo "bench/farm: crash$k: different culprits $a $b"; exit 1; }
done
python3 - "$alone_builds" "$farm_builds" "$farm_hits" "$t0" "$t1" "$t2" "$build_s" <<'PY'
import sys
ab, fb, fh = map(int, sys.argv[1:4])
t0, t1, t2, bs = map(float, sys.argv[4:8])
print(f"8 bisections of one tree, 64 commits, builds of {bs} s, git policy, 1 run per commit")
print(f"{'':34}{'builds':>8}{'wall s':>9}")
print(f"{'8 separate runs, one after another':34}{ab:>8}{t1 - t0:>9.1f}")
print(f"{'culprit farm -j 2, shared cache':34}{fb:>8}{t2 - t1:>9.1f}   ({fh} cache hits)")
print(f"{'farm / separate':34}{fb / ab:>8.2f}{(t2 - t1) / (t1 - t0):>9.2f}")
PY
