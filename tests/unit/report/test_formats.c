/*
 * One small console log per crash format: the title, type and corrupted
 * flag culprit must give it.  The logs are written for these tests (shapes
 * of real kernel and sanitizer output, names made up).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "report/report.h"

struct fcase {
	const char *name;
	const char *log;
	const char *title;
	const char *type;
	bool corrupted;
};

#define TRACE3(a, b, c) "Call Trace:\n " a "+0x10/0x20\n " b "+0x30/0x40\n " c "+0x50/0x60\n" \
	" do_syscall_64+0x1/0x2\n entry_SYSCALL_64_after_hwframe+0x3/0x4\n"

static const struct fcase cases[] = {
	{ "kasan-uaf",
	  "[   10.1] ==================\n"
	  "[   10.2] BUG: KASAN: use-after-free in foo_read+0x11/0x22\n"
	  "[   10.3] Read of size 8 at addr ffff888012345678 by task a.out/123\n"
	  "[   10.4] Call Trace:\n"
	  "[   10.5]  dump_stack+0x1/0x2\n"
	  "[   10.6]  kasan_report+0x1/0x2\n"
	  "[   10.7]  foo_read+0x11/0x22\n"
	  "[   10.8]  vfs_read+0x1/0x2\n"
	  "[   10.9]  ksys_read+0x1/0x2\n",
	  "KASAN: use-after-free Read in foo_read", "KASAN-USE-AFTER-FREE-READ", false },
	{ "kasan-slab-oob-write",
	  "BUG: KASAN: slab-out-of-bounds in bar_write+0x1/0x2\n"
	  "Write of size 4 at addr ffff8880aa000000 by task x/1\n"
	  TRACE3("dump_stack", "bar_write", "vfs_write"),
	  "KASAN: slab-out-of-bounds Write in bar_write", "KASAN-WRITE", false },
	{ "kasan-null-deref",
	  "BUG: KASAN: null-ptr-deref in baz+0x1/0x2\n"
	  "Write of size 8 at addr 0000000000000008 by task x/1\n"
	  TRACE3("kasan_report", "baz", "vfs_write"),
	  "KASAN: null-ptr-deref Write in baz", "KASAN-NULL-POINTER-DEREFERENCE-WRITE", false },
	{ "kasan-double-free",
	  "BUG: KASAN: double-free or invalid-free in kfree+0x1/0x2\n"
	  TRACE3("kfree", "release_thing", "put_thing"),
	  "KASAN: invalid-free in release_thing", "KASAN-INVALID-FREE", false },
	{ "kasan-truncated",
	  "BUG: KASAN: use-after-free in\n",
	  "KASAN: use-after-free in", "KASAN-USE-AFTER-FREE-READ", true },
	{ "kmsan-uninit",
	  "BUG: KMSAN: uninit-value in parse_opts+0x1/0x2\n"
	  " parse_opts+0x1/0x2\n do_mount+0x1/0x2\n"
	  "Uninit was created at:\n kmalloc_reserve+0x1/0x2\n build_opts+0x1/0x2\n",
	  "KMSAN: uninit-value in parse_opts", "KMSAN-UNINIT-VALUE", false },
	{ "kcsan",
	  "BUG: KCSAN: data-race in foo_inc / foo_read\n\nwrite to 0xffff by task 1 on cpu 0:\n",
	  "KCSAN: data-race in foo_inc / foo_read", "KCSAN-DATARACE", false },
	{ "kfence",
	  "BUG: KFENCE: out-of-bounds read in qux_parse+0x1/0x2\n\n"
	  "Out-of-bounds read at 0xffff (1B right of kfence-#12):\n qux_parse+0x1/0x2\n qux_ioctl+0x1/0x2\n"
	  "\nkfence-#12: 0xffff-0xffff, size=32, cache=kmalloc-32\n\nallocated by task 1 on cpu 0:\n"
	  " __kfence_alloc+0x1/0x2\n qux_new+0x1/0x2\n"
	  "\nCPU: 0 PID: 1 Comm: a Not tainted 6.1.0\nCall Trace:\n dump_stack+0x1/0x2\n qux_parse+0x1/0x2\n",
	  "KFENCE: out-of-bounds read in qux_parse", "KFENCE-READ", false },
	{ "ubsan-shift",
	  "UBSAN: shift-out-of-bounds in net/foo/bar.c:12:3\nshift exponent 70 is too large\n"
	  TRACE3("dump_stack", "ubsan_epilogue", "bar_set"),
	  "UBSAN: shift-out-of-bounds in bar_set", "UBSAN", false },
	{ "ubsan-array",
	  "UBSAN: array-index-out-of-bounds in fs/x.c:1:2\n" TRACE3("dump_stack", "__ubsan_handle_out_of_bounds", "x_get"),
	  "UBSAN: array-index-out-of-bounds in x_get", "MEMORY_SAFETY_UBSAN", false },
	{ "gpf",
	  "general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1] PREEMPT SMP KASAN\n"
	  "CPU: 0 PID: 1 Comm: a Not tainted 6.1.0 #1\n"
	  "RIP: 0010:list_walk+0x12/0x40 lib/x.c:10\n"
	  "Code: 00 00\n"
	  TRACE3("list_walk", "walker", "vfs_ioctl"),
	  "general protection fault in list_walk", "DoS", false },
	{ "bug-paging",
	  "BUG: unable to handle page fault for address: ffffffffff600000\n"
	  "#PF: supervisor read access in kernel mode\n"
	  "RIP: 0010:read_thing+0x5/0x10\n" TRACE3("read_thing", "do_thing", "vfs_read"),
	  "BUG: unable to handle kernel paging request in read_thing", "MEMORY_SAFETY_BUG", false },
	{ "bug-null",
	  "BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
	  "RIP: 0010:null_fn+0x5/0x10\n" TRACE3("null_fn", "caller_fn", "vfs_read"),
	  "BUG: unable to handle kernel NULL pointer dereference in null_fn", "NULL-POINTER-DEREFERENCE", false },
	{ "bug-soft-lockup",
	  "watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [a.out:77]\n"
	  "RIP: 0010:spin_forever+0x5/0x10\n"
	  "Call Trace:\n spin_forever+0x5/0x10\n my_ioctl+0x1/0x2\n vfs_ioctl+0x1/0x2\n __x64_sys_ioctl+0x1/0x2\n do_syscall_64+0x1/0x2\n",
	  "BUG: soft lockup in my_ioctl", "HANG", false },
	{ "bug-sleeping",
	  "BUG: sleeping function called from invalid context at mm/slab.h:123\n"
	  "in_atomic(): 1, irqs_disabled(): 0\n" TRACE3("dump_stack", "__might_sleep", "sleepy_fn"),
	  "BUG: sleeping function called from invalid context in sleepy_fn", "ATOMIC_SLEEP", false },
	{ "bug-atomic",
	  "BUG: scheduling while atomic: a/1/0x00000002\n" TRACE3("dump_stack", "schedule", "wait_thing"),
	  "BUG: scheduling while atomic in wait_thing", "ATOMIC_SLEEP", false },
	{ "bug-spinlock",
	  "BUG: spinlock recursion on CPU#0, a/1\n lock: 0xffff, .magic: dead4ead\n"
	  TRACE3("dump_stack", "do_raw_spin_lock", "lock_twice"),
	  "BUG: spinlock recursion in lock_twice", "LOCKDEP", false },
	{ "bug-bad-page",
	  "BUG: Bad page state in process a  pfn:12345\n"
	  "page last allocated via order 0, migratetype Unmovable\n"
	  " alloc_pages+0x1/0x2\n grow_buf+0x1/0x2\n"
	  TRACE3("dump_stack", "bad_page", "free_pages"),
	  "BUG: Bad page state in grow_buf", "", false },
	{ "bug-preemptible",
	  "BUG: using smp_processor_id() in preemptible [00000000] code: a/1\n"
	  TRACE3("dump_stack", "debug_smp_processor_id", "pick_cpu"),
	  "BUG: using smp_processor_id() in preemptible code in pick_cpu", "LOCKDEP", false },
	{ "bug-stack-guard",
	  "BUG: stack guard page was hit at 00000000deadbeef (stack is 0000-1000)\n"
	  "RIP: 0010:recurse+0x5/0x10\n"
	  "Call Trace:\n recurse+0x5/0x10\n recurse+0x5/0x10\n start_recursion+0x1/0x2\n __x64_sys_read+0x1/0x2\n do_syscall_64+0x1/0x2\n",
	  "BUG: stack guard page was hit in sys_read", "", false },
	{ "kernel-bug-at",
	  "------------[ cut here ]------------\n"
	  "kernel BUG at fs/thing/inode.c:123!\n"
	  "invalid opcode: 0000 [#1] PREEMPT SMP\n"
	  "RIP: 0010:thing_evict+0x5/0x10\n" TRACE3("thing_evict", "evict", "iput"),
	  "kernel BUG in thing_evict", "BUG", false },
	{ "list-corruption",
	  "kernel BUG at lib/list_debug.c:59!\n" TRACE3("__list_del_entry_valid", "unlink_item", "close_item"),
	  "BUG: corrupted list in unlink_item", "MEMORY_SAFETY_BUG", false },
	{ "warning",
	  "------------[ cut here ]------------\n"
	  "WARNING: CPU: 0 PID: 4392 at kernel/locking/irqflag-debug.c:10 warn_bogus_irq_restore+0x1d/0x20\n"
	  "RIP: 0010:warn_bogus_irq_restore+0x1d/0x20\n"
	  "Call Trace:\n kvm_wait+0xc9/0xe0\n __pv_queued_spin_lock_slowpath+0x8b8/0xb40\n do_raw_spin_lock+0x200/0x2b0\n",
	  "WARNING in kvm_wait", "WARNING", false },
	{ "warning-2025-format",
	  "WARNING: drivers/foo/bar.c:85 at 0x0, CPU#0: a/1\n"
	  "RIP: 0010:bar_probe+0x5/0x10\n" TRACE3("bar_probe", "really_probe", "driver_probe"),
	  "WARNING in bar_probe", "WARNING", false },
	{ "warning-odebug",
	  "WARNING: CPU: 1 PID: 2 at lib/debugobjects.c:505 debug_print_object+0x1/0x2\n"
	  "RIP: 0010:debug_print_object+0x1/0x2\n"
	  TRACE3("debug_check_no_obj_freed", "kfree", "drop_widget"),
	  "WARNING: ODEBUG bug in drop_widget", "WARNING", false },
	{ "warning-refcount",
	  "WARNING: CPU: 1 PID: 2 at lib/refcount.c:28 refcount_warn_saturate+0x1/0x2\n"
	  "RIP: 0010:refcount_warn_saturate+0x1/0x2\n" TRACE3("refcount_dec", "put_widget", "close_widget"),
	  "WARNING: refcount bug in put_widget", "REFCOUNT_WARNING", false },
	{ "warning-usercopy",
	  "WARNING: CPU: 1 PID: 2 at mm/usercopy.c:78 usercopy_warn+0x1/0x2\n"
	  "RIP: 0010:usercopy_warn+0x1/0x2\n" TRACE3("__check_object_size", "copy_widget", "widget_ioctl"),
	  "WARNING: bad usercopy in copy_widget", "WARNING", false },
	{ "warning-locking",
	  "WARNING: CPU: 1 PID: 2 at kernel/locking/lockdep.c:123 lock_release+0x1/0x2\n"
	  "RIP: 0010:lock_release+0x1/0x2\n" TRACE3("mutex_unlock", "widget_unlock", "widget_ioctl"),
	  "WARNING: locking bug in widget_unlock", "LOCKDEP", false },
	{ "warning-bare",
	  "WARNING: something odd happened here\n",
	  "WARNING: something odd happened here", "WARNING", false },
	{ "lockdep-circular",
	  "======================================================\n"
	  "WARNING: possible circular locking dependency detected\n"
	  "a/1 is trying to acquire lock:\n"
	  "ffff (&dev->lock){+.+.}, at: dev_open+0x1/0x2\n"
	  "but task is already holding lock:\n"
	  "ffff (&sb->lock){+.+.}, at: sb_mount+0x1/0x2\n"
	  "which lock already depends on the new lock.\n"
	  "the existing dependency chain (in reverse order) is:\n"
	  "-> #1 (&sb->lock){+.+.}:\n       lock_acquire+0x1/0x2\n       sb_mount+0x1/0x2\n"
	  "stack backtrace:\n" TRACE3("dump_stack", "lock_acquire", "dev_open"),
	  "possible deadlock in dev_open", "LOCKDEP", false },
	{ "lockdep-inconsistent",
	  "================================\n"
	  "WARNING: inconsistent lock state\n"
	  "inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage.\n"
	  "a/1 [HC0[0]:SC1[1]:HE1:SE0] takes:\n"
	  "ffff (&q->lock){+.?.}, at: queue_timer+0x1/0x2\n"
	  "{SOFTIRQ-ON-W} state was registered at:\n  lock_acquire+0x1/0x2\n  queue_add+0x1/0x2\n"
	  TRACE3("dump_stack", "mark_lock", "queue_timer"),
	  "inconsistent lock state in queue_timer", "LOCKDEP", false },
	{ "lockdep-recursive",
	  "WARNING: possible recursive locking detected\n"
	  "a/1 is trying to acquire lock:\n"
	  "ffff (&x->lock){+.+.}, at: relock+0x1/0x2\n"
	  TRACE3("dump_stack", "lock_acquire", "relock"),
	  "possible deadlock in relock", "LOCKDEP", false },
	{ "rcu-stall",
	  "rcu: INFO: rcu_preempt self-detected stall on CPU\n"
	  "rcu: \t0-....: (10500 ticks this GP)\n"
	  "Call Trace:\n <IRQ>\n rcu_sched_clock_irq+0x1/0x2\n update_process_times+0x1/0x2\n"
	  " apic_timer_interrupt+0x1/0x2\n </IRQ>\n"
	  "RIP: 0010:busy_loop+0x5/0x10\n"
	  " busy_loop+0x5/0x10\n loop_ioctl+0x1/0x2\n vfs_ioctl+0x1/0x2\n do_syscall_64+0x1/0x2\n",
	  "INFO: rcu detected stall in loop_ioctl", "HANG", false },
	{ "hung-task",
	  "INFO: task a.out:123 blocked for more than 143 seconds.\n"
	  "      Not tainted 6.1.0 #1\n"
	  "Call Trace:\n __schedule+0x1/0x2\n schedule+0x1/0x2\n rwsem_down_read_slowpath+0x1/0x2\n"
	  " down_read+0x1/0x2\n fs_lookup+0x1/0x2\n do_syscall_64+0x1/0x2\n",
	  "INFO: task hung in fs_lookup", "HANG", false },
	{ "hung-task-rtnl",
	  "INFO: task a:1 blocked for more than 143 seconds.\n"
	  "Call Trace:\n __schedule+0x1/0x2\n __mutex_lock+0x1/0x2\n rtnl_lock+0x1/0x2\n dev_ioctl+0x1/0x2\n",
	  "INFO: task hung in rtnl_lock", "HANG", false },
	{ "info-nonstatic-key",
	  "INFO: trying to register non-static key.\nthe code is fine but needs lockdep annotation.\n"
	  TRACE3("dump_stack", "register_lock_class", "widget_init"),
	  "INFO: trying to register non-static key in widget_init", "", false },
	{ "info-bare",
	  "INFO: \n",
	  "INFO: corrupted", "", true },
	{ "panic",
	  "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009\n"
	  TRACE3("dump_stack", "panic", "do_exit"),
	  "kernel panic: Attempted to kill init!", "DoS", false },
	{ "panic-generic",
	  "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n"
	  TRACE3("dump_stack", "panic", "mount_root"),
	  "kernel panic: VFS: Unable to mount root fs on unknown-block(NUM,NUM)", "DoS", false },
	{ "panic-stack-protector",
	  "Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: smash_it+0x1/0x2\n",
	  "kernel panic: stack is corrupted in smash_it", "DoS", false },
	{ "stack-overflow",
	  "Kernel panic - not syncing: kernel stack overflow\n"
	  "Call Trace:\n deep+0x1/0x2\n deeper+0x1/0x2\n __x64_sys_open+0x1/0x2\n do_syscall_64+0x1/0x2\n",
	  "kernel stack overflow in sys_open", "DoS", false },
	{ "kmemleak",
	  "BUG: memory leak\nunreferenced object 0xffff888012345678 (size 32):\n"
	  "  comm \"a\", pid 1, jiffies 4294\n"
	  "  backtrace:\n    [<ffffffff81234567>] kmalloc_trace+0x1/0x2\n"
	  "    [<ffffffff81234568>] widget_new+0x1/0x2\n    [<ffffffff81234569>] widget_ioctl+0x1/0x2\n",
	  "memory leak in widget_new", "LEAK", false },
	{ "double-fault",
	  "PANIC: double fault, error_code: 0x0\nRIP: 0010:stack_eater+0x5/0x10\n"
	  TRACE3("a_fn", "b_fn", "c_fn"),
	  "PANIC: double fault in stack_eater", "DoS", false },
	{ "divide-error",
	  "divide error: 0000 [#1] SMP\nRIP: 0010:compute_ratio+0x5/0x10\n"
	  TRACE3("a_fn", "b_fn", "c_fn"),
	  "divide error in compute_ratio", "DoS", false },
	{ "invalid-opcode",
	  "invalid opcode: 0000 [#1] SMP\nRIP: 0010:bad_code+0x5/0x10\n"
	  TRACE3("a_fn", "b_fn", "c_fn"),
	  "invalid opcode in bad_code", "DoS", false },
	{ "arm-unable",
	  "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000\n"
	  "pc : arm_fn+0x5/0x10\nlr : arm_caller+0x1/0x2\n"
	  "Call trace:\n arm_fn+0x5/0x10\n arm_caller+0x1/0x2\n invoke_syscall+0x1/0x2\n el0_svc+0x1/0x2\n",
	  "BUG: unable to handle kernel NULL pointer dereference in arm_fn", "NULL-POINTER-DEREFERENCE", false },
	{ "reboot",
	  "[    0.000000] Booting the kernel.\n",
	  "unexpected kernel reboot", "REBOOT", false },
	{ "netdev",
	  "unregister_netdevice: waiting for lo to become free. Usage count = 2\n",
	  "unregister_netdevice: waiting for DEV to become free", "DoS", false },
	{ "syzfail",
	  "SYZFAIL: wrong response packet\n",
	  "SYZFAIL: wrong response packet", "SYZ_FAILURE", false },
	{ "go-panic",
	  "panic: runtime error: index out of range [3] with length 3\n",
	  "panic: runtime error: index out of range [NUM] with length NUM", "DoS", false },
	{ "rust-panic-v0-mangled",
	  "rust_kernel: panicked at rust/kernel/x.rs:60:5:\n"
	  "attempt to add with overflow\n"
	  "Call Trace:\n"
	  " _RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind+0x15b/0x160\n"
	  " _RNvNtCs9jEwPDbx20M_4core9panicking9panic_fmt+0x84/0x90\n"
	  " _RNvXs1_CscPPBqWtAqum_11ashmem_rustNtB5_6AshmemNtNtCs43vyB533jt3_6kernel10miscdevice10MiscDevice4mmap+0x1/0x2\n"
	  " _RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref+0x17e5/0x1860\n",
	  "attempt to add with overflow in <ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap", "", false },
	{ "cpp-mangled-frame",
	  "WARNING: possible circular locking dependency detected\n"
	  "a/1 is trying to acquire lock:\n"
	  "ffff (&x){+.+.}, at: _ZN2ns8fakeNameEiii+0x49a/0x1a10\n"
	  "but task is already holding lock:\n"
	  "ffff (&y){+.+.}, at: other+0x1/0x2\n"
	  "stack backtrace:\n" TRACE3("dump_stack", "lock_acquire", "_ZN2ns8fakeNameEiii"),
	  "possible deadlock in ns::fakeName", "LOCKDEP", false },
	/* User space. */
	{ "asan-uaf",
	  "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x4011d6\n"
	  "READ of size 4 at 0x602000000010 thread T0\n"
	  "    #0 0x4011d5 in use_it /src/prog.c:12:10\n    #1 0x401234 in main /src/prog.c:20:3\n\n"
	  "freed by thread T0 here:\n    #0 0x49d in free (/prog+0x49d)\n    #1 0x401200 in drop_it /src/prog.c:8:3\n",
	  "AddressSanitizer: heap-use-after-free READ in use_it", "ASAN-USE-AFTER-FREE", false },
	{ "asan-overflow",
	  "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000014 at pc 0x4011d6\n"
	  "WRITE of size 1 at 0x602000000014 thread T0\n"
	  "    #0 0x4c in __interceptor_memcpy (/prog+0x4c)\n    #1 0x4011d5 in fill /src/prog.c:12:10\n",
	  "AddressSanitizer: heap-buffer-overflow WRITE in fill", "ASAN-OUT-OF-BOUNDS", false },
	{ "asan-segv",
	  "==3==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x4011d5 T0)\n"
	  "==3==The signal is caused by a READ memory access.\n"
	  "    #0 0x4011d5 in deref /src/s.c:3:10\n    #1 0x401234 in main /src/s.c:9:3\n",
	  "AddressSanitizer: SEGV in deref", "ASAN-SEGV", false },
	{ "ubsan-user",
	  "prog.c:7:12: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'\n"
	  "    #0 0x4011d5 in add_one /src/prog.c:7:12\n    #1 0x401234 in main /src/prog.c:20:3\n",
	  "UndefinedBehaviorSanitizer: signed integer overflow in add_one", "UBSAN", false },
	{ "ubsan-user-no-stack",
	  "prog.c:7:12: runtime error: load of null pointer of type 'int'\n",
	  "UndefinedBehaviorSanitizer: load of null pointer of type in prog.c", "UBSAN", false },
	{ "msan",
	  "==1==WARNING: MemorySanitizer: use-of-uninitialized-value\n"
	  "    #0 0x4011d5 in check_it /src/m.c:9:7\n    #1 0x401234 in main /src/m.c:20:3\n",
	  "MemorySanitizer: use-of-uninitialized-value in check_it", "MSAN-UNINIT-VALUE", false },
	{ "tsan",
	  "WARNING: ThreadSanitizer: data race (pid=1234)\n"
	  "  Write of size 4 at 0x7b04 by thread T1:\n    #0 writer /src/race.c:5:9 (race+0x4011d5)\n\n"
	  "  Previous read of size 4 at 0x7b04 by main thread:\n    #0 main /src/race.c:12:3 (race+0x401234)\n",
	  "ThreadSanitizer: data race in writer", "TSAN-DATARACE", false },
	{ "lsan",
	  "==1==ERROR: LeakSanitizer: detected memory leaks\n\n"
	  "Direct leak of 7 byte(s) in 1 object(s) allocated from:\n"
	  "    #0 0x49d in malloc (/prog+0x49d)\n    #1 0x4011d5 in make_buf /src/l.c:4:10\n",
	  "LeakSanitizer: memory leak in make_buf", "LEAK", false },
	{ "assert",
	  "prog: prog.c:10: check_input: Assertion `n > 0' failed.\nAborted (core dumped)\n",
	  "assertion failed: n > NUM in check_input", "ASSERT", false },
	{ "libfuzzer-timeout",
	  "==7== ERROR: libFuzzer: timeout after 25 seconds\n"
	  "    #0 0x51 in __sanitizer_print_stack_trace (/f+0x51)\n"
	  "    #1 0x52 in fuzzer::PrintStackTrace() (/f+0x52)\n"
	  "    #2 0x53 in fuzzer::Fuzzer::AlarmCallback() (/f+0x53)\n"
	  "    #3 0x54 in __restore_rt (/lib/libc.so.6+0x54)\n"
	  "    #4 0x55 in spin_forever /src/p.c:3:5\n"
	  "    #5 0x56 in LLVMFuzzerTestOneInput /src/p.c:9:3\n",
	  "libFuzzer: timeout in spin_forever", "FUZZER-TIMEOUT", false },
	{ "libfuzzer-oom",
	  "==7== ERROR: libFuzzer: out-of-memory (used: 2100Mb; exceeds: 2048Mb)\n"
	  "To change the out-of-memory limit use -rss_limit_mb=<N>\n",
	  "libFuzzer: out-of-memory", "FUZZER-OOM", false },
	{ "segfault",
	  "running test\nSegmentation fault (core dumped)\n",
	  "fatal signal: Segmentation fault", "SIGNAL", false },
};

static void test_one(const struct fcase *c)
{
	struct cp_report *rep = NULL;
	struct cp_error err;
	int rc;

	rc = cp_report_parse(c->log, strlen(c->log), &rep, &err);
	if (rc || !rep) {
		print_error("case %s: rc=%d (%s), report %p\n", c->name, rc, err.msg, (void *)rep);
		fail();
	}
	if (strcmp(rep->title, c->title) || strcmp(rep->type, c->type) ||
	    rep->corrupted != c->corrupted) {
		print_error("case %s:\n  want '%s' [%s] corrupted=%d\n  got  '%s' [%s] corrupted=%d (%s)\n",
			    c->name, c->title, c->type, c->corrupted, rep->title, rep->type,
			    rep->corrupted, rep->corrupted_reason ? rep->corrupted_reason : "");
		cp_report_free(rep);
		fail();
	}
	assert_string_equal(cp_report_title_type(rep->title), rep->type);
	cp_report_free(rep);
}

static void test_all_formats(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		test_one(&cases[i]);
}

/* The same case behind a console prefix with caller ids must not change. */
static void test_formats_with_console_prefix(void **state)
{
	char buf[8192];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = cases[i].log;
		struct fcase c = cases[i];
		size_t k = 0;

		/* Logs with their own prefix, or that must not have one. */
		if (s[0] == '[' || !strncmp(c.name, "segfault", 8))
			continue;
		while (*s) {
			const char *nl = strchr(s, '\n');
			size_t n = nl ? (size_t)(nl - s) : strlen(s);

			k += (size_t)snprintf(buf + k, sizeof(buf) - k, "[  123.456789][ T4242] %.*s\n",
					      (int)n, s);
			assert_true(k < sizeof(buf));
			s += n + (nl ? 1 : 0);
		}
		c.log = buf;
		test_one(&c);
	}
}

static void test_no_crash(void **state)
{
	static const char *const logs[] = {
		"",
		"\n\n\n",
		"[    0.000000] Linux version 6.1.0\n[    1.000000] Run /init as init process\n",
		"[    2.0] WARNING: /etc/ssh/moduli does not exist, using fixed modulus\n",
		"[    2.0] INFO: lockdep is turned off.\n",
		"[    2.0] ODEBUG: object is on stack, but not annotated\n",
		"[    2.0] kasan: KernelAddressSanitizer initialized\n",
		"random bytes \x01\x02\xff\xfe without markers\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		struct cp_report *rep = (struct cp_report *)1;
		struct cp_error err;

		assert_int_equal(cp_report_parse(logs[i], strlen(logs[i]), &rep, &err), 0);
		assert_null(rep);
		assert_false(cp_report_contains_crash(logs[i], strlen(logs[i])));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_formats),
		cmocka_unit_test(test_formats_with_console_prefix),
		cmocka_unit_test(test_no_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
