#!/usr/bin/env bash
# Runs the crash-report parser's libFuzzer target for SECONDS (default 30).
#
# usage: fuzz/run.sh [SECONDS]
#
# Builds with clang in build-fuzz/ (ASan+UBSan, the library instrumented
# for coverage), seeds from the kernel-lab samples and the report corpus in
# ../shared when present, and fails on any crash, leak or timeout.
set -euo pipefail

secs=${1:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
bdir=$root/build-fuzz
export LC_ALL=C

if ! command -v clang >/dev/null; then
	echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
fi
if [ ! -f "$bdir/build.ninja" ]; then
	echo "fuzz: configuring $bdir with clang" >&2
	CC=clang CFLAGS="-fsanitize=fuzzer-no-link" meson setup "$bdir" "$root" \
		-Dfuzz=true -Dtests=disabled -Dwerror=false -Db_lundef=false \
		-Db_sanitize=address,undefined >/dev/null
fi
ninja -C "$bdir" fuzz/fuzz_report >/dev/null || { ninja -C "$bdir" fuzz/fuzz_report; exit 1; }

work=$(mktemp -d /tmp/culprit-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds"
# Seeds: console logs only (copied to /tmp, never into the repository).
i=0
for f in "$root"/../shared/kernel-lab/samples/*.log "$root"/../shared/corpus/linux-reports/*/log; do
	[ -f "$f" ] || continue
	i=$((i + 1))
	head -c 65536 "$f" >"$work/seeds/$i"
done
printf 'BUG: KASAN: use-after-free in f+0x1/0x2\nRead of size 1\nCall Trace:\n f+0x1/0x2\n' \
	>"$work/corpus/seed-kasan"
printf '[ 1.0][ T1] WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2\nRIP: 0010:f+0x1/0x2\n' \
	>"$work/corpus/seed-warning"
printf 'rust_kernel: panicked at a.rs:1:1:\nattempt to add with overflow\nCall Trace:\n _RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref+0x1/0x2\n _ZN2ns3fooEv+0x1/0x2\n' \
	>"$work/corpus/seed-rust"
cd "$work"
# FUZZ_SEED=N replays a run (libFuzzer prints "INFO: Seed: N")
status=0
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$bdir/fuzz/fuzz_report" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 ${FUZZ_SEED:+-seed="$FUZZ_SEED"} \
	"$work/corpus" "$work/seeds" || status=$?
if [ "$status" -ne 0 ]; then
	# the input that failed outlives the work directory, and shows in the CI log
	for f in crash-* leak-* timeout-* oom-*; do
		[ -f "$f" ] || continue
		mkdir -p "$bdir/artifacts"
		cp "$f" "$bdir/artifacts/"
		echo "fuzz: failing input saved as $bdir/artifacts/$f; base64 (first 4 KiB):"
		head -c 4096 "$f" | base64
	done
	exit "$status"
fi
echo "fuzz: ran $secs s without crashes, leaks or timeouts"
