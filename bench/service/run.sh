#!/usr/bin/env bash
# The results service with many bisections: list and API latency from the
# store (in-process and through culprit serve) against reading the same
# bisections from their output directories.
#
# usage: bench/service/run.sh [N] [ITER]     (default 10000 bisections, 50 iterations)
#
# Builds culprit and bench_service optimized, without sanitizers, in
# build-bench-service/; generates N output directories (a dozen tested
# commits each) in a temporary directory (deleted at the end), imports them
# into a SQLite store, and prints p50/p99 in milliseconds and the ratios
# (directories / store: how many times faster the store answers).
set -euo pipefail
n=${1:-10000}
iter=${2:-50}
root=$(cd "$(dirname "$0")/../.." && pwd)
bdir=$root/build-bench-service
export LC_ALL=C
if [ ! -f "$bdir/build.ninja" ]; then
	echo "bench: configuring $bdir (release, no sanitizers)" >&2
	opts=(--buildtype=release -Db_sanitize=none -Dwerror=false)
	if ! meson setup "$bdir" "$root" "${opts[@]}" -Dtests=disabled >/dev/null; then
		rm -rf "$bdir"
		meson setup "$bdir" "$root" "${opts[@]}" >/dev/null
	fi
fi
ninja -C "$bdir" culprit bench/service/bench_service >/dev/null || {
	ninja -C "$bdir" culprit bench/service/bench_service
	exit 1
}
b=$bdir/bench/service/bench_service
culprit=$bdir/culprit
tmp=$(mktemp -d /tmp/culprit-bench-service.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

t0=$(date +%s.%N)
"$b" gen "$tmp/out" "$n" "$tmp/store.db"
t1=$(date +%s.%N)
echo "bench: $n bisections generated and imported in $(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$t1") s ($(du -sh "$tmp/store.db" | cut -f1) store)"

"$culprit" serve --store "$tmp/store.db" --port 0 --port-file "$tmp/port" 2>/dev/null &
pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
port=$(cat "$tmp/port")
mid=$((n / 2))

# warm the page cache and the server, then measure
"$b" dirs "$tmp/out" 1 >/dev/null
"$b" http "$port" / 3 >/dev/null
dirs=$("$b" dirs "$tmp/out" "$(( iter < 10 ? iter : 10 ))")
store=$("$b" store "$tmp/store.db" "$iter")
page=$("$b" http "$port" / "$iter")
api=$("$b" http "$port" /api/bisections "$iter")
filtered=$("$b" http "$port" "/api/bisections?state=failed&title=warning" "$iter")
one=$("$b" http "$port" "/api/bisections/$mid" "$iter")
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=

row() { printf '%-44s p50 %9.3f ms   p99 %9.3f ms\n' "$1" $2; }
ratio() { python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
row "output directories: newest 100 of $n" "$dirs"
row "store (in process): newest 100" "$store"
row "culprit serve: list page /" "$page"
row "culprit serve: /api/bisections" "$api"
row "culprit serve: /api/bisections?state&title" "$filtered"
row "culprit serve: /api/bisections/$mid" "$one"
d50=${dirs% *} d99=${dirs#* }
echo "ratio list page (dirs / serve):  p50 $(ratio "$d50" "${page% *}")x  p99 $(ratio "$d99" "${page#* }")x"
echo "ratio API (dirs / serve):        p50 $(ratio "$d50" "${api% *}")x  p99 $(ratio "$d99" "${api#* }")x"
echo "ratio store alone (dirs / store): p50 $(ratio "$d50" "${store% *}")x  p99 $(ratio "$d99" "${store#* }")x"
