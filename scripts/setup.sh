#!/usr/bin/env bash
# Installs every Debian package culprit needs to build, test and run.
# Idempotent and non-interactive: when everything is present it only checks.
# Usage: scripts/setup.sh [--kernel]   (--kernel adds the kernel/QEMU tool set)
set -euo pipefail

packages=(
	# build
	gcc meson ninja-build pkg-config
	# libraries
	libgit2-dev libelf-dev libdw-dev libjansson-dev libssl-dev
	# the results service: SQLite store, PostgreSQL store (libpq; the server
	# for its tests), culprit serve's HTTP (libmicrohttpd)
	libsqlite3-dev libpq-dev postgresql libmicrohttpd-dev
	# tests
	libcmocka-dev git python3 clang libclang-rt-14-dev
	# the slurm executor: its test starts a single-node Slurm on localhost
	slurm-wlm munge
	# builds share ccache through the build cache (test farm/cache)
	ccache
	# the built-in example (culprit demo) builds with make
	make
	# results tests: a real MAINTAINERS and get_maintainer.pl, the page in Chromium
	linux-source-6.1 perl chromium
)
if [ "${1:-}" = "--kernel" ]; then
	# the compilers of data/kernel-compilers.txt that Debian 12 has (gcc-12
	# is its gcc; clang is in the list above)
	packages+=(linux-source-6.1 qemu-system-x86 busybox-static build-essential
		bc flex bison cpio ccache xz-utils gcc-11 gcc-12)
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
