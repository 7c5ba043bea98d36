#!/bin/bash
# The boot test on a real kernel (issue 16): a culprit bisection of the
# lab's planted NULL dereference in sethostname(2) whose range also holds
# commits that crash during boot (a WARN_ON in a late initcall of
# kernel/sys.c, panic_on_warn).  culprit must find the reproducer's culprit;
# the boot-crashing commits it tests must be "another crash" (skipped, no
# reproducer run), never the target.  Not part of the normal suite: a CI
# stage beside tests/kernel/e2e.sh.
#
# usage: tests/kernel/boot.sh [WORK_DIR]
#
# environment: CULPRIT, KERNEL_LAB, WORK (default /tmp/culprit-kernel-e2e,
#   shared with e2e.sh: the kernel repository), JOBS (make -jN), ACCEL (tcg
#   by default), POLICY (git by default: fewer builds)
#
# Time: kernel builds dominate.  The test keeps its worktree
# (WORK/boot-out/worktree), build directory (WORK/build-boot) and build
# cache (WORK/boot-kcache) between runs, so a rerun builds only what the
# commits change, or nothing (cache hits).  From nothing: the repository
# (~2 min) and one cold build (9 min idle, 15 min measured here on 2 busy
# cores), then incremental builds of one or two files and the link.
#
# History after the lab's good commit G (x1..x7, x7 = bad):
#   x1 harmless  x2 CULPRIT (NULL dereference for 64-byte host names)
#   x3 BOOT WARN (kernel/sys.c late initcall)  x4 harmless, still warns
#   x5 removes the warning  x6 harmless  x7 harmless
# git's first step is x3 or x4 (either halves the 7 commits): a boot crash.
# Skips (exit 77) as e2e.sh does when the lab, the tools or the room are absent.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lab=${KERNEL_LAB:-$root/../shared/kernel-lab}
if [ -z "${KERNEL_LAB:-}" ] && [ ! -d "$lab" ]; then
	# a git worktree of the repository: ../shared beside the main checkout
	common=$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
	[ -n "$common" ] && lab=$(dirname "$(dirname "$common")")/shared/kernel-lab
fi
culprit=${CULPRIT:-$root/build/culprit}
work=${1:-${WORK:-/tmp/culprit-kernel-e2e}}
start=$(date +%s)

stamp() { echo "[kernel-boot $(date +%T) +$(( $(date +%s) - start ))s] $*"; }
skip() { echo "kernel-boot: SKIP: $*"; exit 77; }
fail() { stamp "FAIL: $*"; exit 1; }

[ -d "$lab" ] || skip "no kernel lab at $lab (../shared/kernel-lab)"
ls /usr/src/linux-source-6.1.tar.xz >/dev/null 2>&1 || skip "linux-source-6.1 is not installed (scripts/setup.sh --kernel)"
for t in qemu-system-x86_64 make gcc flex bison bc cpio python3; do
	command -v "$t" >/dev/null || skip "$t is not installed (scripts/setup.sh --kernel)"
done
[ -x /bin/busybox ] || skip "busybox-static is not installed (scripts/setup.sh --kernel)"
[ -x "$culprit" ] || fail "no culprit binary at $culprit (build it first)"
culprit=$(realpath "$culprit")
mkdir -p "$work"
work=$(cd "$work" && pwd)
d=$work
while [ ! -d "$d" ]; do d=$(dirname "$d"); done
need=$([ -d "$work/linux/.git" ] && echo 2 || echo 6)
room=$(df -Pk "$work" | awk 'NR == 2 { print int($4 / 1048576) }')
[ "$room" -ge "$need" ] || skip "only $room GB free for $work, $need GB needed (set WORK)"

src=$work/linux
out=$work/boot-out
if [ ! -d "$src/.git" ]; then
	stamp "creating the kernel repository (~1-4 min)"
	"$lab/make-kernel-repo.sh" "$src" >/dev/null
fi
base=$(git -C "$src" rev-list --max-parents=0 HEAD | tail -n1)
git -C "$src" worktree prune
# the branch is rebuilt from the first commit each time (same hashes: fixed dates)
git -C "$src" checkout -q -f --detach "$base"
git -C "$src" branch -f boot-base "$base"
git -C "$src" checkout -q boot-base
hist=$("$lab/add-demo-history.sh" "$src" null 1 0)
good=$(echo "$hist" | awk '$1=="good"{print $2}')
planted=$(echo "$hist" | awk '$1=="culprit"{print $2}')

n=200
commit() {
	n=$((n + 1))
	git -C "$src" add -A
	GIT_AUTHOR_DATE="2000-01-03T00:00:${n#2}Z" GIT_COMMITTER_DATE="2000-01-03T00:00:${n#2}Z" \
		git -C "$src" commit -q -m "$1"
}
cat >> "$src/kernel/sys.c" <<'C'

/* culprit boot test: a warning during boot */
static int __init culprit_boot_warn(void)
{
	WARN_ON(1);
	return 0;
}
late_initcall(culprit_boot_warn);
C
commit "kernel/sys.c: warn during boot"
boot1=$(git -C "$src" rev-parse HEAD)
printf '/* culprit boot: unrelated change while boot warns */\n' >> "$src/lib/vsprintf.c"
commit "lib: unrelated change while boot warns"
boot2=$(git -C "$src" rev-parse HEAD)
python3 - "$src/kernel/sys.c" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("\n/* culprit boot test: a warning during boot */")
open(p, "w").write(s[:i] + "\n")
PY
commit "kernel/sys.c: stop warning during boot"
printf '/* culprit boot: unrelated change after the fix */\n' >> "$src/mm/mmap.c"
commit "mm: unrelated change"
printf '/* culprit boot: another unrelated change */\n' >> "$src/fs/open.c"
commit "fs: unrelated change"
bad=$(git -C "$src" rev-parse HEAD)
stamp "good $good, planted culprit $planted, boot crashes $boot1 $boot2, bad $bad"

cfg=$work/kernel.config
if [ ! -f "$cfg" ]; then
	stamp "making the kernel config (tinyconfig + kernel.config)"
	rm -rf "$work/cfg"
	make -s -C "$src" O="$work/cfg" tinyconfig >/dev/null
	(cd "$src" && scripts/kconfig/merge_config.sh -m -O "$work/cfg" "$work/cfg/.config" "$lab/kernel.config" >/dev/null)
	make -s -C "$src" O="$work/cfg" olddefconfig >/dev/null
	cp "$work/cfg/.config" "$cfg"
	rm -rf "$work/cfg"
fi
must=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$lab/kernel.config" | sed 's/.*/"&"/' | paste -sd, -)

# a new bisection in the same output directory, keeping its worktree (the
# kernel's mtimes, so builds stay incremental)
if [ -d "$out" ]; then
	find "$out" -mindepth 1 -maxdepth 1 ! -name worktree -exec rm -rf {} +
fi
cat > "$work/boot-job.json" <<JSON
{
  "repo": "$src", "bad": "$bad", "good": ["$good"],
  "runs": 2, "jobs": 2, "out": "$out", "policy": "${POLICY:-git}",
  "build_timeout": 3600, "run_timeout": 600,
  "kernel": {"config": "$cfg", "build_dir": "$work/build-boot", "cache_dir": "$work/boot-kcache",
             "must_hold": [$must]${JOBS:+, "jobs": $JOBS}},
  "vm": {"type": "qemu", "accel": "${ACCEL:-tcg}", "mem": 512, "boot_timeout": 180, "run_timeout": 120},
  "repro": {"c": "$lab/repro/sethostname.c"}
}
JSON
stamp "culprit bisect --job $work/boot-job.json (log in $out/log)"
rc=0
"$culprit" bisect --job "$work/boot-job.json" || rc=$?
stamp "culprit bisect exited with $rc"

[ -f "$out/result.json" ] || fail "no result.json"
found=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print((r.get("culprit") or {}).get("commit",""))' "$out/result.json")
[ "$found" = "$planted" ] || fail "found '${found:-nothing}', expected the planted culprit $planted (see $out/log)"
stamp "OK: the reproducer's culprit $planted was found"
target=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["target"])' "$out/result.json")
case $target in *culprit_boot_warn*) fail "the target is the boot crash: $target" ;; esac
tested=0
for c in "$boot1" "$boot2"; do
	[ -d "$out/commits/$c" ] || continue
	tested=$((tested + 1))
	ls "$out/commits/$c"/run-*.log >/dev/null 2>&1 && fail "the reproducer ran on $c, which crashes at boot"
	# its boot test's verdict, or that of the commit whose signature (binary) it shares
	v=$(python3 - "$out/result.json" "$c" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
by = {t["commit"]: t for t in r["tested"]}
t = by[sys.argv[2]]
if "boot" not in t and t.get("same_signature_as"):
    t = by[t["same_signature_as"]]
print((t.get("boot") or {}).get("verdict", "none"), t["verdict"])
PY
)
	[ "$v" = "another crash skip" ] || fail "$c: boot verdict and verdict '$v', want 'another crash skip'"
done
[ "$tested" -ge 1 ] || fail "no boot-crashing commit was tested"
grep -q "^boot test: boot failed: WARNING in culprit_boot_warn (another crash: WARNING in culprit_boot_warn; the commit is skipped, the reproducer is not run)$" "$out/log" ||
	fail "the log does not call the boot crash another crash"
grep -q "^boot test: OK" "$out/log" || fail "no clean boot test"
stamp "OK: $tested boot-crashing commit(s) tested: another crash, skipped, the reproducer not run; target: $target"
pgrep -f "qemu-system-x86_64.*$out" >/dev/null && fail "a QEMU of this bisection is still running"
# the figures for docs/kernel.md
python3 - "$out/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("commit        build_s  boot_test  boot_s  runs  verdict")
for t in r["tested"]:
    b = t.get("boot") or {}
    print("%-12s  %7.1f  %-13s %6.1f  %4d  %s" % (t["commit"][:12], t["build"]["duration_s"],
          b.get("verdict", "-"), b.get("duration_s", 0), len(t["runs"] or []), t["verdict"]))
print("totals: build %.0f s, test %.0f s" % (r["totals"]["build_s"], r["totals"]["test_s"]))
PY
stamp "PASS in $(( $(date +%s) - start )) s"
