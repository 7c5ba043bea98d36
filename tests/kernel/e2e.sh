#!/bin/bash
# End-to-end kernel bisection on a real Linux kernel (issue 6 item 5), with
# culprit's own builder, kernel signature and QEMU runner.  Not part of the
# normal suite: CI runs it as its own stage (~15-25 min from nothing on 2
# busy cores; a few minutes with a warm ccache and build directory).
#
# usage: tests/kernel/e2e.sh [WORK_DIR]
#
# environment:
#   CULPRIT      culprit binary (default: build/culprit of this checkout)
#   KERNEL_LAB   the lab scripts (default: ../shared/kernel-lab beside the repo)
#   KIND         bug planted by the lab: null (default), warn, gpf, or uaf (a
#                use-after-free only KASAN reports: the kernel is built with
#                the lab's kasan.config too, in its own build directory)
#   WORK         scratch directory (default /tmp/culprit-kernel-e2e, or
#                build/kernel-e2e of this checkout when /tmp has less room);
#                the kernel repository and build directory there are reused
#   JOBS         make -jN (default: CPUs)
#
# The history after the lab's good commit G (x1..x8, x8 = bad):
#   x1 harmless (comment)  x2 CULPRIT  x3 harmless  x4 BREAKS THE BUILD
#   x5 harmless (still broken)  x6 fixes the build  x7 harmless
#   x8 comment-only change inside an existing comment of kernel/sys.c
# git bisect's first step is x4, so the broken build is tested and skipped.
#
# Checks: the planted culprit is found; a commit whose build fails is
# skipped; x8 has the same kernel signature as x7 (built here when the
# bisection did not); the crash title equals what `culprit report` gives for
# the bad commit's console; every run left a console log; no QEMU is left.
# Skips (exit 77, the automake/meson code for a skipped test, with a message)
# when the lab, linux-source-6.1 or a tool is absent, or WORK's file system
# has less than 6 GB free (2 GB when the repository is there already: it
# takes 2 GB, the worktree 1.5 GB, the build directory 0.1 GB).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lab=${KERNEL_LAB:-$root/../shared/kernel-lab}
culprit=${CULPRIT:-$root/build/culprit}
kind=${KIND:-null}
work=${1:-${WORK:-}}
start=$(date +%s)

stamp() { echo "[kernel-e2e $(date +%T) +$(( $(date +%s) - start ))s] $*"; }
skip() { echo "kernel-e2e: SKIP: $*"; exit 77; }
fail() { stamp "FAIL: $*"; exit 1; }

[ -d "$lab" ] || skip "no kernel lab at $lab (../shared/kernel-lab)"
ls /usr/src/linux-source-6.1.tar.xz >/dev/null 2>&1 || skip "linux-source-6.1 is not installed (scripts/setup.sh --kernel)"
for t in qemu-system-x86_64 make gcc flex bison bc cpio; do
    command -v "$t" >/dev/null || skip "$t is not installed (scripts/setup.sh --kernel)"
done
[ -x /bin/busybox ] || skip "busybox-static is not installed (scripts/setup.sh --kernel)"
[ -x "$culprit" ] || fail "no culprit binary at $culprit (build it first)"
culprit=$(realpath "$culprit")

# room: 6 GB for a new work directory, 2 GB to reuse one
room_gb() {	# room_gb DIR: whole GB free on DIR's (or its parent's) file system
    local d=$1
    while [ ! -d "$d" ]; do d=$(dirname "$d"); done
    df -Pk "$d" | awk 'NR == 2 { print int($4 / 1048576) }'
}
need_gb() { [ -d "$1/linux/.git" ] && echo 2 || echo 6; }
if [ -z "$work" ]; then
    # /tmp is shared between clones (a warm repository and build), but it
    # may be a small tmpfs: then the build folder of this checkout
    work=/tmp/culprit-kernel-e2e
    if [ "$(room_gb "$work")" -lt "$(need_gb "$work")" ]; then
        work=$root/build/kernel-e2e
    fi
fi
[ "$(room_gb "$work")" -ge "$(need_gb "$work")" ] ||
    skip "only $(room_gb "$work") GB free for $work; the kernel repository, worktree and build need $(need_gb "$work") GB (set WORK)"
mkdir -p "$work"
work=$(cd "$work" && pwd)

src=$work/linux
out=$work/out

# --- the kernel repository and the demo history ---
if [ ! -d "$src/.git" ]; then
    stamp "creating the kernel repository (~1-4 min)"
    "$lab/make-kernel-repo.sh" "$src" >/dev/null
else
    stamp "resetting the kernel repository to its first commit"
    git -C "$src" worktree prune
    git -C "$src" checkout -q -f "$(git -C "$src" rev-list --max-parents=0 HEAD)"
    git -C "$src" branch -f e2e-base HEAD
    git -C "$src" checkout -q e2e-base
fi
hist=$("$lab/add-demo-history.sh" "$src" "$kind" 1 1)
good=$(echo "$hist" | awk '$1=="good"{print $2}')
planted=$(echo "$hist" | awk '$1=="culprit"{print $2}')

n=100
commit() {
    n=$((n + 1))
    git -C "$src" add -A
    GIT_AUTHOR_DATE="2000-01-02T00:00:${n#1}Z" GIT_COMMITTER_DATE="2000-01-02T00:00:${n#1}Z" \
        git -C "$src" commit -q -m "$1"
}
echo '#error "culprit e2e: this commit does not build"' >> "$src/fs/read_write.c"
commit "fs: a change that breaks the build"
broken=$(git -C "$src" rev-parse HEAD)
printf '/* culprit e2e: unrelated change while broken */\n' >> "$src/lib/vsprintf.c"
commit "lib: unrelated change while the build is broken"
broken2=$(git -C "$src" rev-parse HEAD)
sed -i '/^#error "culprit e2e: this commit does not build"$/d' "$src/fs/read_write.c"
commit "fs: fix the build"
printf '/* culprit e2e: unrelated change after the fix */\n' >> "$src/mm/mmap.c"
commit "mm: unrelated change"
parent=$(git -C "$src" rev-parse HEAD)
sed -i '3s|^ \*  linux/kernel/sys.c$| *  linux/kernel/sys.c: system calls (comment edited by culprit e2e)|' "$src/kernel/sys.c"
git -C "$src" diff --quiet && fail "the comment-only change did not apply"
commit "kernel/sys.c: reword a comment"
bad=$(git -C "$src" rev-parse HEAD)
stamp "good $good, planted culprit $planted, broken $broken, comment-only $bad"

# --- the config: tinyconfig + the lab's fragment, made once ---
frags=("$lab/kernel.config")
variant=""
if [ "$kind" = uaf ]; then
    frags+=("$lab/kasan.config")
    variant=-kasan
fi
cfg=$work/kernel$variant.config
build_dir=$work/build$variant
if [ ! -f "$cfg" ]; then
    stamp "making the kernel config (tinyconfig + ${frags[*]##*/})"
    rm -rf "$work/cfg"
    make -s -C "$src" O="$work/cfg" tinyconfig >/dev/null
    (cd "$src" && scripts/kconfig/merge_config.sh -m -O "$work/cfg" "$work/cfg/.config" "${frags[@]}" >/dev/null)
    make -s -C "$src" O="$work/cfg" olddefconfig >/dev/null
    cp "$work/cfg/.config" "$cfg"
    rm -rf "$work/cfg"
fi
must=$(cat "${frags[@]}" | grep -E '^CONFIG_[A-Z0-9_]+=' | sed 's/.*/"&"/' | paste -sd, -)

# --- the bisection: the job file, as a user writes it (docs/kernel.md) ---
cat > "$work/job.json" <<EOF
{
  "repo": "$src", "bad": "$bad", "good": ["$good"],
  "runs": 2, "jobs": 2, "out": "$out",
  "build_timeout": 3600, "run_timeout": 600,
  "kernel": {"config": "$cfg", "build_dir": "$build_dir", "must_hold": [$must],
             "compilers": [{"min": "5.0", "cc": "gcc"}]${JOBS:+, "jobs": $JOBS}},
  "vm": {"type": "qemu", "accel": "${ACCEL:-auto}", "mem": 512, "boot_timeout": 180, "run_timeout": 120},
  "repro": {"c": "$lab/repro/sethostname.c"}
}
EOF
rm -rf "$out"
stamp "culprit bisect --job $work/job.json (log in $out/log)"
rc=0
"$culprit" bisect --job "$work/job.json" ${POLICY:+--policy "$POLICY"} || rc=$?
stamp "culprit bisect exited with $rc"
# the sections culprit kernel-build was given, for the parent's build below
spec=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(json.dumps({k: j[k] for k in ("kernel", "vm", "repro")}))' "$work/job.json")

# --- checks ---
[ -f "$out/result.json" ] || fail "no result.json"
found=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print((r.get("culprit") or {}).get("commit",""))' "$out/result.json")
[ "$found" = "$planted" ] || fail "found '${found:-nothing}', expected the planted culprit $planted (see $out/log)"
grep -q "first bad commit: $planted" "$out/log" || fail "the log does not name the planted culprit"
stamp "OK: the planted culprit $planted was found"

tested_broken=""
for c in "$broken" "$broken2"; do
    if [ -d "$out/commits/$c" ]; then
        tested_broken=$c
        [ -f "$out/commits/$c/signature" ] && fail "the broken commit $c has a signature"
        grep -q "kernel build failed: .*culprit e2e: this commit does not build" "$out/commits/$c/build.log" ||
            fail "the broken commit's first error line is not recorded ($out/commits/$c/build.log)"
    fi
done
[ -n "$tested_broken" ] || fail "the bisection did not test a broken commit"
grep -q "build failed" "$out/log" || fail "the log does not say a build failed"
stamp "OK: the broken build $tested_broken was skipped"

sig_bad=$(cat "$out/commits/$bad/signature")
if [ -f "$out/commits/$parent/signature" ]; then
    sig_parent=$(cat "$out/commits/$parent/signature")
else
    stamp "building the comment-only commit's parent for its signature"
    # the bisection's worktree is free now and close to the parent: a
    # checkout there touches a few files, a new worktree 75,000
    git -C "$out/worktree" checkout -q --detach "$parent"
    rm -rf "$work/parent"
    CULPRIT_WORKTREE="$out/worktree" CULPRIT_ARTIFACTS="$work/parent/commits/$parent" \
        "$culprit" kernel-build --spec "$spec" > "$work/parent.log" 2>&1 ||
        fail "building the parent failed (see $work/parent.log)"
    sig_parent=$(cat "$work/parent/commits/$parent/signature")
fi
[ "$sig_bad" = "$sig_parent" ] || fail "comment-only commit: signature $sig_bad, parent $sig_parent"
grep -q "kernel signature: $sig_bad" "$out/commits/$bad/build.log" || fail "no 'kernel signature:' line in the bad commit's build log"
stamp "OK: the comment-only commit has its parent's signature $sig_bad"
# and a code change does change it
sig_planted=$(cat "$out/commits/$planted/signature" 2>/dev/null || true)
sig_good=$(cat "$out/commits/$good/signature" 2>/dev/null || true)
if [ -n "$sig_planted" ] && [ -n "$sig_good" ]; then
    [ "$sig_planted" != "$sig_good" ] || fail "the culprit (a code change) has the good commit's signature"
fi

console=$(ls "$out/commits/$bad"/console-*.log | head -n1)
[ -n "$console" ] || fail "no console log kept for the bad commit"
want=$("$culprit" report "$console" | head -n1 || true)
[ -n "$want" ] || fail "culprit report finds no crash in $console"
grep -q "crashed: $want" "$out/log" || fail "the log has no 'crashed: $want'"
stamp "OK: crash titled '$want' as culprit report does"

pgrep -f "qemu-system-x86_64.*$out" >/dev/null && fail "a QEMU of this bisection is still running"
stamp "PASS in $(( $(date +%s) - start )) s"
