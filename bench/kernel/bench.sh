#!/bin/bash
# Kernel flow benchmark: culprit's own builder, signature and QEMU runner on
# the small config of ../shared/kernel-lab, printed as a table.
#
# usage: bench/kernel/bench.sh [WORK_DIR]
#
#   WORK_DIR  scratch (default /tmp/culprit-kernel-bench); WORK_DIR/linux is
#             made with the lab's make-kernel-repo.sh when absent, or set
#             KERNEL_REPO to an existing one (e.g. the e2e test's)
# environment: CULPRIT (default build/culprit), KERNEL_LAB, JOBS, VMS (boots
#   per verdict kind, default 3), SKIP_CLEAN=1 (no clean/ccache builds: only
#   incremental, signature and VM rows), BUILD_DIR (reuse a build directory),
#   CCACHE_DIR (default WORK_DIR/ccache)
#
# Rows: clean build (empty build dir, empty ccache), ccache-warm rebuild
# (empty build dir, warm ccache), incremental rebuild (one .c file changed
# in a new commit), build cache hit (same tree again), signature of vmlinux,
# boot-to-verdict per VM (OK and crashed) with the accelerator culprit picks.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lab=${KERNEL_LAB:-$root/../shared/kernel-lab}
culprit=$(realpath "${CULPRIT:-$root/build/culprit}")
work=${1:-/tmp/culprit-kernel-bench}
vms=${VMS:-3}
mkdir -p "$work"
work=$(cd "$work" && pwd)
[ -d "$lab" ] || { echo "bench/kernel: no kernel lab at $lab"; exit 0; }

src=${KERNEL_REPO:-$work/linux}
if [ ! -d "$src/.git" ]; then
    "$lab/make-kernel-repo.sh" "$src" >/dev/null
fi
wt=$work/wt
git -C "$src" worktree remove --force "$wt" 2>/dev/null || true
git -C "$src" worktree prune
git -C "$src" worktree add -q --detach "$wt" "$(git -C "$src" rev-list --max-parents=0 HEAD)"
git -C "$wt" config user.name bench
git -C "$wt" config user.email bench@localhost

cfg=$work/kernel.config
if [ ! -f "$cfg" ]; then
    make -s -C "$wt" O="$work/cfg" tinyconfig >/dev/null
    (cd "$wt" && scripts/kconfig/merge_config.sh -m -O "$work/cfg" "$work/cfg/.config" "$lab/kernel.config" >/dev/null)
    make -s -C "$wt" O="$work/cfg" olddefconfig >/dev/null
    cp "$work/cfg/.config" "$cfg"
    rm -rf "$work/cfg"
fi
bdir=${BUILD_DIR:-$work/build}
spec="{\"kernel\": {\"config\": \"$cfg\", \"build_dir\": \"$bdir\", \"cache_dir\": \"$work/cache\"${JOBS:+, \"jobs\": $JOBS}},
 \"vm\": {\"type\": \"qemu\", \"accel\": \"${ACCEL:-auto}\"}, \"repro\": {\"c\": \"$lab/repro/sethostname.c\"}}"
export CCACHE_DIR=${CCACHE_DIR:-$work/ccache}

rows=()
row() { rows+=("$(printf '| %-44s | %10s |' "$1" "$2")"); }
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{printf "%.1f s", $2 - $1}'; }

build() {	# build ARTIFACTS_NAME: time of one culprit kernel-build
    local t0 t1
    t0=$(now)
    CULPRIT_WORKTREE=$wt CULPRIT_ARTIFACTS=$work/commits/$1 "$culprit" kernel-build --spec "$spec" \
        > "$work/$1.log" 2>&1 || { echo "bench/kernel: build $1 failed, see $work/$1.log" >&2; exit 1; }
    t1=$(now)
    secs "$t0" "$t1"
}

if [ "${SKIP_CLEAN:-0}" != 1 ]; then
    rm -rf "$bdir" "$work/cache" "$CCACHE_DIR"
    row "clean build (empty build dir and ccache)" "$(build clean)"
    rm -rf "$bdir" "$work/cache"
    row "ccache-warm rebuild (empty build dir)" "$(build warm)"
else
    build base >/dev/null
fi
printf '/* bench: unrelated change */\n' >> "$wt/kernel/sys.c"
git -C "$wt" commit -q -am "bench: touch kernel/sys.c"
row "incremental rebuild (one .c file changed)" "$(build incr)"
row "build cache hit (same tree, config, compiler)" "$(build incr-again)"

t0=$(now)
for _ in 1 2 3 4 5; do "$culprit" signature "$work/commits/incr/vmlinux" >/dev/null; done
t1=$(now)
row "kernel signature of vmlinux ($(du -h "$work/commits/incr/vmlinux" | cut -f1))" \
    "$(echo "$t0 $t1" | awk '{printf "%.2f s", ($2 - $1) / 5}')"

vm() {	# vm ARTIFACTS_NAME LABEL: mean boot-to-verdict of $vms runs
    local t0 t1 i out
    t0=$(now)
    for i in $(seq 0 $((vms - 1))); do
        out=$(CULPRIT_ARTIFACTS=$work/commits/$1 CULPRIT_RUN=$i "$culprit" vm-run --spec "$spec" | tail -n1) || true
    done
    t1=$(now)
    row "boot to verdict per VM, $2 (${out#culprit vm-run: })" \
        "$(echo "$t0 $t1 $vms" | awk '{printf "%.1f s", ($2 - $1) / $3}')"
}
vm incr "no crash"
accel=$(cat "$work/vm/accel" 2>/dev/null || echo "?")

# a crashing kernel: the lab's planted bug on top
sed -i '/^SYSCALL_DEFINE2(sethostname,/,/^}$/ s/^\t\tu = utsname();$/\t\tu = len < __NEW_UTS_LEN ? utsname() : NULL;/' "$wt/kernel/sys.c"
git -C "$wt" commit -q -am "bench: plant a NULL dereference"
build crash >/dev/null
vm crash "crash"
git -C "$src" worktree remove --force "$wt"

echo "kernel flow benchmark ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), QEMU accel $accel)"
echo "| step | time |"
echo "| --- | ---: |"
printf '%s\n' "${rows[@]}"
