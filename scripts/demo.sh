#!/usr/bin/env bash
# Installs what is missing, builds culprit and runs the main job on the
# built-in example: `culprit demo` (see README).  Extra arguments go to it,
# e.g. scripts/demo.sh --out /tmp/demo-out
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ ! -f build/build.ninja ]; then
	meson setup build >/dev/null
fi
ninja -C build >/dev/null
exec build/culprit demo "$@"
