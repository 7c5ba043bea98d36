#!/usr/bin/env bash
# Installs what is missing, builds culprit with ASan/UBSan and runs the whole
# test suite.  Ends with one line "N passed, N failed, N skipped".
# Usage: scripts/test.sh [meson test args, e.g. --suite unit]
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
if [ ! -f build/build.ninja ]; then
	meson setup build >/dev/null || exit 1
fi
ninja -C build >/dev/null || { ninja -C build; exit 1; }
meson test -C build --print-errorlogs --num-processes "$(nproc)" "$@" >build/test-output.txt 2>&1
status=$?
grep -E '^ *[0-9]+/[0-9]+ ' build/test-output.txt
python3 scripts/summarize-tests.py build/meson-logs/testlog.json
sum=$?
if [ $status -ne 0 ] || [ $sum -ne 0 ]; then
	sed -n '/^---/,$p' build/test-output.txt | tail -200
	exit 1
fi
exit 0
