#!/usr/bin/env bash
# culprit report: options, exit statuses, text and JSON output.
. "$(dirname "$0")/../lib.sh"

cat >"$TMP/warn.log" <<'EOS'
[    1.000000] random: crng init done
[    2.000000] WARNING: CPU: 0 PID: 4392 at kernel/locking/irqflag-debug.c:10 warn_bogus_irq_restore+0x1d/0x20
[    2.000001] Modules linked in:
[    2.000002] RIP: 0010:warn_bogus_irq_restore+0x1d/0x20
[    2.000003] Call Trace:
[    2.000004]  kvm_wait arch/x86/kernel/kvm.c:860 [inline]
[    2.000005]  kvm_wait+0xc9/0xe0 arch/x86/kernel/kvm.c:837
[    2.000006]  pv_wait arch/x86/include/asm/paravirt.h:564 [inline]
[    2.000007]  __pv_queued_spin_lock_slowpath+0x8b8/0xb40 kernel/locking/qspinlock.c:508
[    2.000008]  do_raw_spin_lock+0x200/0x2b0 kernel/locking/spinlock_debug.c:113
[    2.000009]  do_syscall_64+0x2d/0x70 arch/x86/entry/common.c:46
EOS
printf '[    1.0] all good\n[    2.0] still good\n' >"$TMP/clean.log"

expect_status "--help" 0 "$CULPRIT" report --help
expect_status "unknown option" 2 "$CULPRIT" report --frobnicate
expect_status "two files" 2 "$CULPRIT" report "$TMP/warn.log" "$TMP/clean.log"
expect_status "--symbolize without binary" 2 "$CULPRIT" report --symbolize
expect_status "missing file" 9 "$CULPRIT" report "$TMP/nonexistent.log"
expect_status "a directory" 9 "$CULPRIT" report "$TMP"
expect_status "no crash" 0 "$CULPRIT" report "$TMP/clean.log"
expect_status "crash" 10 "$CULPRIT" report "$TMP/warn.log"
expect_status "crash on stdin" 10 sh -c "\"$CULPRIT\" report - <\"$TMP/warn.log\""

out=$("$CULPRIT" report "$TMP/clean.log")
check "no crash prints nothing" "" "$out"
out=$("$CULPRIT" report "$TMP/warn.log" | head -1)
check "text output starts with the title" "WARNING in kvm_wait" "$out"
out=$("$CULPRIT" report "$TMP/warn.log" | sed -n 3p)
check "then the lines before the crash" "random: crng init done" "$out"
out=$("$CULPRIT" report "$TMP/warn.log" | sed -n 4p)
check "then the report without console prefixes" "WARNING: CPU: 0 PID: 4392 at kernel/locking/irqflag-debug.c:10 warn_bogus_irq_restore+0x1d/0x20" "$out"

json=$("$CULPRIT" report --json <"$TMP/warn.log")
get() { python3 -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print(json.dumps(v) if not isinstance(v,str) else v)' "$json" "$1"; }
check "json title" "WARNING in kvm_wait" "$(get title)"
check "json type" "WARNING" "$(get type)"
check "json corrupted" "false" "$(get corrupted)"
check "json start" "38" "$(get start)"
check "json alt_titles" "[]" "$(get alt_titles)"
check "json frame" "kvm_wait" "$(get frame)"
frames=$(python3 -c 'import json,sys; print(" ".join(f["func"] for f in json.loads(sys.argv[1])["frames"]))' "$json")
check "json frames (inline ones too)" "warn_bogus_irq_restore warn_bogus_irq_restore kvm_wait kvm_wait pv_wait __pv_queued_spin_lock_slowpath do_raw_spin_lock do_syscall_64" "$frames"

# Binary garbage and a crash split across reads of the pipe.
head -c 200000 /dev/urandom >"$TMP/garbage.log"
cat "$TMP/garbage.log" "$TMP/warn.log" "$TMP/garbage.log" >"$TMP/mixed.log"
out=$("$CULPRIT" report --json "$TMP/mixed.log" | python3 -c 'import json,sys; print(json.load(sys.stdin)["title"])')
check "crash between binary garbage" "WARNING in kvm_wait" "$out"

# Kernel lab console samples (skipped when absent).
SAMPLES="${SOURCE_ROOT:-.}/../shared/kernel-lab/samples"
if [ -d "$SAMPLES" ]; then
	while IFS='|' read -r name want; do
		[ -f "$SAMPLES/$name" ] || { skip "sample $name absent"; continue; }
		"$CULPRIT" report --json "$SAMPLES/$name" >"$TMP/out.json"
		rc=$?
		if [ -z "$want" ]; then
			check "sample $name: no crash" "0:" "$rc:$(cat "$TMP/out.json")"
			continue
		fi
		got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["title"])' "$TMP/out.json" 2>/dev/null)
		check "sample $name" "10:$want" "$rc:$got"
	done <<'EOS'
clean.log|
lkdtm-LOOP-hang-timeout.log|
sethostname-before-culprit.log|
sethostname-uaf-without-kasan.log|
kasan-lkdtm-READ_AFTER_FREE.log|KASAN: use-after-free Read in lkdtm_READ_AFTER_FREE
kasan-lkdtm-WRITE_AFTER_FREE.log|KASAN: use-after-free Write in lkdtm_WRITE_AFTER_FREE
kasan-sethostname-gpf.log|KASAN: wild-memory-access Write in sys_sethostname
kasan-sethostname-null.log|KASAN: null-ptr-deref Write in sys_sethostname
kasan-sethostname-uaf.log|KASAN: use-after-free Read in sys_sethostname
lkdtm-BUG.log|kernel BUG in lkdtm_BUG
lkdtm-EXCEPTION.log|BUG: unable to handle kernel NULL pointer dereference in lkdtm_EXCEPTION
lkdtm-WARNING-no-panic_on_warn.log|WARNING in lkdtm_WARNING
lkdtm-WARNING.log|WARNING in lkdtm_WARNING
nosyms-lkdtm-EXCEPTION.log|BUG: unable to handle kernel NULL pointer dereference in corrupted
nosyms-lkdtm-WARNING.log|WARNING: CPU: NUM PID: NUM at drivers/misc/lkdtm/bugs.c:LINE ADDR
sethostname-gpf.log|general protection fault in sys_sethostname
sethostname-null.log|BUG: unable to handle kernel NULL pointer dereference in sys_sethostname
sethostname-warn.log|WARNING in sys_sethostname
EOS
else
	skip "kernel-lab samples not found"
fi
finish
