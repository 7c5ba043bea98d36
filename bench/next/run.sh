#!/usr/bin/env bash
# Speed of `culprit next` against `git rev-list --bisect` on one repository.
#
# usage: bench/next/run.sh REPO [REV]      (REV defaults to HEAD)
#
# Builds culprit optimized, without sanitizers, in build-bench/, then times
# `git rev-list --bisect REV` and `culprit next --repo REPO --bad REV` (the
# whole history, no good commit), checks that both choose the same commit and
# prints both CPU times (user+sys), wall times, the ratio and peak RSS.
# Downloads nothing.  Make a repository shaped like git's own history with
# bench/next/make-history.py.  CULPRIT_RUNS=N runs culprit N times (default 3)
# and keeps the fastest.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 REPO [REV]" >&2
	exit 2
fi
repo=$(cd "$1" && pwd)
rev=${2:-HEAD}
root=$(cd "$(dirname "$0")/../.." && pwd)
bdir=$root/build-bench
runs=${CULPRIT_RUNS:-3}
export LC_ALL=C GIT_CONFIG_NOSYSTEM=1

if ! git -C "$repo" rev-parse --verify -q "$rev^{commit}" >/dev/null; then
	echo "bench: $rev is not a commit in $repo" >&2
	exit 2
fi

if [ ! -f "$bdir/build.ninja" ]; then
	echo "bench: configuring $bdir (release, no sanitizers)" >&2
	opts=(--buildtype=release -Db_sanitize=none -Dwerror=false)
	if ! meson setup "$bdir" "$root" "${opts[@]}" -Dtests=disabled >/dev/null; then
		rm -rf "$bdir"
		meson setup "$bdir" "$root" "${opts[@]}" >/dev/null
	fi
fi
ninja -C "$bdir" culprit >/dev/null || { ninja -C "$bdir" culprit; exit 1; }
culprit=$bdir/culprit

tmp=$(mktemp -d "${TMPDIR:-/tmp}/culprit-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# run_timed OUT STATS cmd... : stdout to OUT, "user sys wall maxrss_kb" to STATS
if [ -x /usr/bin/time ]; then
	run_timed() {
		local out=$1 stats=$2
		shift 2
		/usr/bin/time -f '%U %S %e %M' -o "$stats" "$@" >"$out"
	}
else
	run_timed() {  # bash's own clock; no peak RSS
		local out=$1 stats=$2 t
		shift 2
		t=$( { TIMEFORMAT='%U %S %R'; time "$@" >"$out"; } 2>&1 >/dev/null | tail -1)
		echo "$t 0" >"$stats"
	}
fi

# Warm the page cache so neither side pays for the first read of the packs.
count=$(git -C "$repo" rev-list --count "$rev")
merges=$(git -C "$repo" rev-list --count --merges "$rev")
echo "bench: $repo at $rev: $count commits, $merges merges"

if ! run_timed "$tmp/git.out" "$tmp/git.time" git -C "$repo" rev-list --bisect "$rev"; then
	echo "bench: git rev-list --bisect failed" >&2
	exit 1
fi
git_pick=$(head -1 "$tmp/git.out")

best=""
for ((i = 0; i < runs; i++)); do
	if ! run_timed "$tmp/culprit.out" "$tmp/culprit.time.$i" \
		"$culprit" next --repo "$repo" --bad "$rev"; then
		echo "bench: culprit next failed:" >&2
		cat "$tmp/culprit.out" >&2
		exit 1
	fi
	cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$tmp/culprit.time.$i")
	if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
		best=$cpu
		cp "$tmp/culprit.time.$i" "$tmp/culprit.time"
	fi
done
culprit_pick=$(sed -n 's/^\[\([0-9a-f]\{40\}\)\] .*/\1/p' "$tmp/culprit.out" | head -1)

read -r gu gs gw grss <"$tmp/git.time"
read -r cu cs cw crss <"$tmp/culprit.time"
awk -v gu="$gu" -v gs="$gs" -v gw="$gw" -v grss="$grss" \
    -v cu="$cu" -v cs="$cs" -v cw="$cw" -v crss="$crss" -v runs="$runs" 'BEGIN {
	g = gu + gs; c = cu + cs
	printf "git rev-list --bisect: %8.3fs CPU (user %.2f, sys %.2f), %7.2fs wall, peak RSS %7.1f MiB\n", g, gu, gs, gw, grss / 1024
	printf "culprit next:          %8.3fs CPU (user %.2f, sys %.2f), %7.2fs wall, peak RSS %7.1f MiB (best of %d)\n", c, cu, cs, cw, crss / 1024, runs
	if (c > 0) printf "ratio (git CPU / culprit CPU): %.1f\n", g / c
	else printf "ratio: culprit took less than the clock resolution\n"
}'
echo "git picks:     $git_pick"
echo "culprit picks: ${culprit_pick:-(none)}"
sed 's/^/  culprit: /' "$tmp/culprit.out" | head -3
if [ "$git_pick" != "$culprit_pick" ]; then
	echo "bench: FAIL: culprit and git choose different commits"
	exit 1
fi
echo "bench: same commit"
