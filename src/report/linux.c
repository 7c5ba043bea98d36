/*
 * Linux kernel crash formats: which console lines start a report, how the
 * title is built for each kind of report and which stack frame names it.
 * The rules follow syzkaller's pkg/report (titles must match syzbot's), see
 * shared/reference/crash-report-formats.md; adding a format is adding an
 * entry to a table below.
 */
#include "report/internal.h"

/* Table rows leave trailing fields zero on purpose. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define P(s) (&(struct pat){ .src = (s) })
#define PC "\\[<?(?:0x)?[0-9a-f]+>?\\]"
#define FUNC "([a-zA-Z0-9_]+)(?:\\.|\\+)"
#define SRC "([-a-zA-Z0-9_/.]+\\.[a-z]+:[0-9]+)"
#define RIP "(?:IP|NIP|pc |PC is at):? (?:(?:[0-9]+:)?(?:" PC " +){0,2}" FUNC \
	"|(?:[0-9]+:)?0x[0-9a-f]+|(?:[0-9]+:)?" PC " +\\[< *\\(null\\)>\\] +\\(null\\)" \
	"|[0-9]+: +\\(null\\))"
#define CALL_TRACE "(?:Call (?:T|t)race:)|(?:Backtrace:)"

struct pat part_stack = { .src = "" };

struct pat linux_frame_re = {
	.src = "(?:\\[<(?:(?:0x)?[0-9a-f]+)>\\])?[ \t]+\\(?(?:[0-9]+:)?([a-zA-Z0-9_.]+)\\+0x([0-9a-f]+)/0x([0-9a-f]+)(?: ?\\[([a-zA-Z0-9_.]+)(?: [^]]*)?\\])?\\)?"
};
struct pat linux_corrupted_title = { .src = "\\[ *[0-9]+\\.[0-9]+\\]" };

static const char *const linux_skip[] = {
	"__sanitizer", "__asan", "kasan", "hwasan", "__msan", "kmsan",
	"kcsan_setup_watchpoint", "check_memory_region", "check_heap_object",
	"check_object", "read_word_at_a_time", "(read|write)_once_.*nocheck",
	"print_address_description", "panic", "invalid_op", "report_bug",
	"fixup_bug", "print_report", "print_usage_bug", "do_error",
	"_trap$|do_trap", "show_stack", "dump_stack", "walk_stack",
	"dump_backtrace", "warn_slowpath", "warn_alloc", "warn_bogus", "__warn",
	"alloc_page", "k?v?(?:m|z|c)alloc", "krealloc", "kmem_cache",
	"allocate_slab", "__alloc_frozen_pages_noprof", "folio_(?:alloc|unlock)",
	"filemap_alloc_folio", "__filemap_get_folio", "find_or_create_page",
	"do_read_cache_folio", "read_cache_page", "pagecache_get_page",
	"grab_cache_page_write_begin", "slab_", "debug_object",
	"timer_is_static_object", "work_is_static_object", "__might_fault",
	"print_unlock", "imbalance_bug", "lockdep", "bh_enable", "bh_disable",
	"perf_trace", "lock_acquire", "lock_release", "lock_class", "mark_lock",
	"(reacquire|mark)_held_locks", "raw_spin_rq", "spin_lock",
	"spin_trylock", "spin_unlock", "read_lock", "read_trylock",
	"write_lock", "write_trylock", "read_unlock", "write_unlock", "^down$",
	"down_read", "down_write", "down_read_trylock", "down_write_trylock",
	"down_trylock", "up_read", "up_write", "^mutex_", "^__mutex_",
	"^rt_mutex_", "owner_on_cpu", "osq_lock", "osq_unlock",
	"atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)",
	"(set|clear|change|test)_bit", "__wake_up", "^refcount_", "^kref_",
	"ref_tracker", "seqprop_assert", "memcpy", "memcmp", "memset", "memchr",
	"memmove", "memdup", "strcmp", "strncmp", "strcpy", "strlcpy",
	"strncpy", "strscpy", "strlen", "strstr", "strnstr", "strnlen",
	"strchr", "strdup", "strndup", "copy_to_user", "copy_from_user",
	"copy_to_iter", "copy_from_iter", "copy_page_to_iter",
	"copy_page_from_iter", "copy_folio_to_iter", "^copyin$", "^copyout$",
	"put_user", "get_user", "might_fault", "might_sleep", "list_add",
	"list_del", "list_replace", "list_move", "list_splice", "^rb_",
	"^__rb_", "_indirect_thunk_", "string", "pointer", "snprintf",
	"scnprintf", "kasprintf", "kvasprintf", "printk", "va_format",
	"dev_info", "dev_notice", "dev_warn", "dev_err", "dev_alert",
	"dev_crit", "dev_emerg", "program_check_exception",
	"program_check_common", "del_timer", "flush_work",
	"__cancel_work_timer", "cancel_work_sync", "try_to_grab_pending",
	"flush_workqueue", "drain_workqueue", "destroy_workqueue", "queue_work",
	"finish_wait", "kthread_stop", "kobject_", "add_uevent_var",
	"get_device_parent", "device_add", "device_del", "device_unregister",
	"device_destroy", "device_release", "devres_release_all",
	"hwrng_unregister", "i2c_del_adapter", "__unregister_client",
	"device_for_each_child", "rollback_registered", "unregister_netdev",
	"sysfs_remove", "device_remove_file", "tty_unregister_device",
	"dummy_urb_enqueue", "usb_kill_urb", "usb_kill_anchored_urbs",
	"usb_control_msg", "usb_hcd_submit_urb", "usb_submit_urb",
	"^complete$", "wait_for_completion", "^kv?free$", "kfree_skb",
	"readb$", "readw$", "readl$", "readq$", "writeb$", "writew$", "writel$",
	"writeq$", "logic_in", "logic_out", "^crc\\d+", "crc_itu_t",
	"__might_resched", "assertfail", "^iput$", "^iput_final$", "^ihold$",
	"hex_dump_to_buffer", "print_hex_dump", "^klist_",
	"(trace|lockdep)_(hard|soft)irq", "^(un)?lock_page",
	"stack_trace_consume_entry", "arch_stack_walk", "stack_trace_save",
	"insert_work", "__queue_delayed_work", "queue_delayed_work_on",
	"ida_free", "do_(kernel|translation)_fault", "do_mem_abort",
	"el1_abort", "el1h_64_sync(?:_handler)?", "print_tainted",
	"xas_(?:start|load|find)", "find_lock_entries",
	"truncate_inode_pages_range", "__phys_addr", "__fortify_report",
	"cleanup_srcu_struct", "rhashtable_lookup", "extract_(user|iter)_to_sg",
	"drop_nlink", "^get_taint$", "^put_device$", "lock_timer_base",
	"__timer_delete_sync", "sk_stop_timer_sync", "__mod_timer", "fast_dput",
	"dput",
	NULL,
};

static const char *const linux_strip[] = {
	"SYSC_", "SyS_", "sys_", "__x64_", "__ia32_", "__arm64_", "____sys_",
	"___sys_", "__sys_", "__se_", "__se_sys_", "__do_sys_", "compat_SYSC_",
	"compat_SyS_", "ksys_", NULL,
};

struct family linux_family = {
	.stack_start = {
		P("Call (?:T|t)race"), P("Allocated:"),
		P("Allocated by task [0-9]+:"), P("Freed:"),
		P("Freed by task [0-9]+:"),
		P("[^k] backtrace(?: \\(crc [[:xdigit:]]*\\))?:"),
		P("Backtrace:"), P("Uninit was stored to memory at"),
		P("status: [0-9a-f]{16} badaddr: [0-9a-f]{16} cause: [0-9a-f]{16}"),
	},
	.frame_res = {
		P("^ *(?:" PC " ){0,2}" FUNC),
		P("^ *" PC " \\(([a-zA-Z0-9_.]+)\\) from " PC " \\(" FUNC),
	},
	.corrupted_lines = {
		P("^(?: \\[<?(?:0x)?[0-9a-f]+>?\\])? should_fail(?:slab)?(?:\\.[a-z0-9.]+)?\\+0x"),
	},
	.skip = linux_skip,
	.strip_prefixes = linux_strip,
	.stall_anchors = P("process_one_work|do_syscall_|do_fast_syscall_|"
		"sysenter_dispatch|tracesys_phase2|el0_svc_handler|invoke_syscall|"
		"ret_fast_syscall|netif_receive_skb|do_softirq|call_timer_fn|"
		"_run_timers|run_timer_softirq|hrtimer_run|run_ksoftirqd|"
		"smpboot_thread_fn|^kthread$|start_secondary|cpu_startup_entry|"
		"ret_from_fork|vfs_write|vfs_read|vfs_iter_read|vfs_iter_write|"
		"do_iter_read|do_iter_write|call_read_iter|call_write_iter|"
		"new_sync_read|new_sync_write|vfs_ioctl|ksys_ioctl|compat_ioctl|"
		"compat_sys_ioctl|blkdev_driver_ioctl|blkdev_ioctl|^call_read_iter|"
		"^call_write_iter|do_iter_readv_writev|^call_mmap|mmap_region|"
		"do_mmap|do_dentry_open|vfs_open|^sock_sendmsg|^sock_recvmsg|"
		"^sock_release|^__sock_release|^setsockopt$|kernel_setsockopt|"
		"sock_common_setsockopt|^listen$|kernel_listen|sk_common_release|"
		"^sock_mmap|^accept$|kernel_accept|^sock_do_ioctl|^sock_ioctl|"
		"^compat_sock_ioctl|^nfnetlink_rcv_msg|^rtnetlink_rcv_msg|"
		"^netlink_dump|^(sys_)?(socketpair|connect|ioctl)|__do_fault|"
		"do_page_fault|^page_fault$|__fput|task_work_run|exit_to_usermode|"
		"smp_call_function|tasklet_action|tasklet_hi_action"),
};

/* Stack recipes. */
#define STACK(...) (&(struct stack_spec){ __VA_ARGS__ })
#define PARTS(...) .parts = { __VA_ARGS__ }
#define PARTS2(...) .parts2 = { __VA_ARGS__ }
#define SKIP(...) .skip = { __VA_ARGS__ }
#define TRACE P(CALL_TRACE), PART_STACK
#define RIP_TRACE P(RIP), P(CALL_TRACE), PART_STACK
#define WARN_STACK(...) STACK(PARTS(P("(?:" RIP "|--- interrupt: [0-9]+ at " FUNC ")"), PART_STACK), \
	PARTS2(P(CALL_TRACE), PART_STACK), SKIP(__VA_ARGS__))
#define T(...) .title = { { __VA_ARGS__ } }
#define R(...) .report = { { __VA_ARGS__ } }
#define ALT(...) .alt = { __VA_ARGS__ }
#define END { .fmt = NULL }

static struct fmt_spec bug_formats[] = {
	{ T(P("BUG: KASAN:")),
	  R(P("BUG: KASAN: ([a-z\\-]+) in " FUNC),
	    P("(Read|Write) (?:of size|at addr) (?:[0-9a-f]+)")),
	  .fmt = "KASAN: $1 $3 in $4", ALT("bad-access in $4"),
	  .stack = STACK(PARTS(P("BUG: KASAN: (?:[a-z\\-]+) in " FUNC), TRACE),
			 SKIP("kernel_fault", "tag_check", "mem_abort", "^el1_", "^el1h_")) },
	{ T(P("BUG: KASAN:")),
	  R(P("BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in " FUNC)),
	  .fmt = "KASAN: invalid-free in $2", ALT("invalid-free in $2"),
	  .stack = STACK(PARTS(P("BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in " FUNC), TRACE),
			 SKIP("slab_", "kfree", "vunmap", "vfree")) },
	{ T(P("BUG: KASAN: ([a-z\\-]+) on address"), P("(Read|Write) of size ([0-9]+)")),
	  .fmt = "KASAN: $1 $2" },
	{ T(P("BUG: KASAN: (.*)")), .fmt = "KASAN: $1", .flags = FMT_CORRUPTED },
	{ T(P("BUG: KMSAN: kernel-usb-infoleak")),
	  R(P("BUG: KMSAN: kernel-usb-infoleak in " FUNC)),
	  .fmt = "KMSAN: kernel-usb-infoleak in $2", ALT("KMSAN origin in $3"),
	  .stack = STACK(PARTS(PART_STACK, P("(Local variable .* created at:|Uninit was created at:)"), PART_STACK),
			 SKIP("alloc_skb", "usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg",
			      "usb_interrupt_msg", "usb_control_msg")),
	  .flags = FMT_NO_STACK },
	{ T(P("BUG: KMSAN:")), R(P("BUG: KMSAN: ([a-z\\-]+) in " FUNC)),
	  .fmt = "KMSAN: $1 in $3", ALT("bad-access in $3"),
	  .stack = STACK(PARTS(PART_STACK, P("(Local variable .* created at:|Uninit was created at:)"), PART_STACK),
			 SKIP("alloc_skb", "netlink_ack", "netlink_rcv_skb", "_encrypt$",
			      "^(?:crypto|cipher|drbg|rng)_")),
	  .flags = FMT_NO_STACK },
	{ T(P("BUG: KCSAN: data-race")), R(P("BUG: KCSAN: (.*)")), .fmt = "KCSAN: $1",
	  .flags = FMT_NO_STACK },
	{ T(P("BUG: KCSAN:")), R(P("BUG: KCSAN: (.*)")), .fmt = "KCSAN: $1",
	  .flags = FMT_NO_STACK },
	{ T(P("BUG: KFENCE: (use-after-free|out-of-bounds) (read|write) in " FUNC)),
	  .fmt = "KFENCE: $1 $2 in $4", ALT("bad-access in $4"),
	  .stack = STACK(PARTS(P("BUG: KFENCE: (?:[a-z\\- ]+) in " FUNC), PART_STACK)) },
	{ T(P("BUG: KFENCE: invalid free in " FUNC)), .fmt = "KFENCE: invalid free in $2",
	  ALT("invalid-free in $2"), .flags = FMT_NO_STACK,
	  .stack = STACK(PARTS(P("BUG: KFENCE: (?:[a-z\\- ]+) in " FUNC), PART_STACK)) },
	{ T(P("BUG: KFENCE: invalid (read|write) in " FUNC)), .fmt = "KFENCE: invalid $1 in $3",
	  ALT("bad-access in $3"),
	  .stack = STACK(PARTS(P("BUG: KFENCE: (?:[a-z\\- ]+) in " FUNC), PART_STACK)) },
	{ T(P("BUG: KFENCE: memory corruption in " FUNC)), .fmt = "KFENCE: memory corruption in $2",
	  .flags = FMT_NO_STACK,
	  .stack = STACK(PARTS(P("BUG: KFENCE: (?:[a-z\\- ]+) in " FUNC), PART_STACK)) },
	{ T(P("BUG: (?:unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel data access)")),
	  .fmt = "BUG: unable to handle kernel paging request in $1", ALT("bad-access in $1"),
	  .stack = STACK(PARTS(RIP_TRACE)) },
	{ T(P("BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference|Kernel NULL pointer dereference)")),
	  .fmt = "BUG: unable to handle kernel NULL pointer dereference in $1", ALT("bad-access in $1"),
	  .stack = STACK(PARTS(RIP_TRACE)) },
	{ T(P("BUG: (?:unable to handle kernel|Unable to handle kernel)")),
	  .fmt = "BUG: unable to handle kernel", .flags = FMT_CORRUPTED },
	{ T(P("BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)")),
	  .fmt = "BUG: $1 $2 in $3",
	  .stack = STACK(PARTS(TRACE), SKIP("spin_", "_lock", "_unlock")) },
	{ T(P("BUG: soft lockup")), .fmt = "BUG: soft lockup in $1", ALT("stall in $1"),
	  .stack = STACK(PARTS(RIP_TRACE), .extractor = EXTRACT_STALL) },
	{ T(P("BUG: .*still has locks held!")),
	  R(P("BUG: .*still has locks held!"), P(PC " +" FUNC)),
	  .fmt = "BUG: still has locks held in $1" },
	{ T(P("BUG: scheduling while atomic")), .fmt = "BUG: scheduling while atomic in $1",
	  .stack = STACK(PARTS(TRACE), SKIP("schedule")) },
	{ T(P("BUG: lock held when returning to user space")),
	  R(P("BUG: lock held when returning to user space"),
	    P("leaving the kernel with locks still held"), P("at: (?:" PC " +)?" FUNC)),
	  .fmt = "BUG: lock held when returning to user space in $1", .flags = FMT_NO_STACK },
	{ T(P("BUG: bad unlock balance detected!")), .fmt = "BUG: bad unlock balance in $1",
	  .stack = STACK(PARTS(P(PC " +" FUNC), TRACE)) },
	{ T(P("BUG: held lock freed!")), R(P("BUG: held lock freed!"), P(PC " +" FUNC)),
	  .fmt = "BUG: held lock freed in $1" },
	{ T(P("BUG: Bad rss-counter state")), .fmt = "BUG: Bad rss-counter state",
	  .flags = FMT_NO_STACK },
	{ T(P("BUG: non-zero nr_ptes on freeing mm")), .fmt = "BUG: non-zero nr_ptes on freeing mm",
	  .flags = FMT_NO_STACK },
	{ T(P("BUG: non-zero nr_pmds on freeing mm")), .fmt = "BUG: non-zero nr_pmds on freeing mm",
	  .flags = FMT_NO_STACK },
	{ T(P("BUG: Dentry .* still in use")),
	  R(P("BUG: Dentry .* still in use \\([0-9]+\\) \\[(unmount) of ([^\\]]+)\\]")),
	  .fmt = "BUG: Dentry still in use in $1", ALT("BUG: Dentry still in use [$1 of $2]") },
	{ T(P("BUG: Bad page (state|cache)")), .fmt = "BUG: Bad page $1 in $2",
	  .stack = STACK(PARTS(P("page last allocated"), PART_STACK),
			 SKIP("(free|put|get|update|release)_page", "free_unref", "^_*folio",
			      "truncate_inode_pages", "page_frag_free", "alloc", "vmap",
			      "page_owner")) },
	{ T(P("BUG: Bad page map")), .fmt = "BUG: Bad page map" },
	{ T(P("BUG: workqueue lockup")), .fmt = "BUG: workqueue lockup", .flags = FMT_NO_STACK },
	{ T(P("BUG: sleeping function called from invalid context at (.*)")),
	  .fmt = "BUG: sleeping function called from invalid context in $2",
	  .stack = STACK(PARTS(TRACE)) },
	{ T(P("BUG: using ([a-z_]+)\\(\\) in preemptible")),
	  .fmt = "BUG: using $1() in preemptible code in $2",
	  .stack = STACK(PARTS(TRACE), SKIP("dump_stack", "preemption", "preempt", "debug_",
					    "processor_id", "this_cpu")) },
	{ T(P("BUG: workqueue leaked lock or atomic")),
	  R(P("BUG: workqueue leaked lock or atomic"), P("last function: ([a-zA-Z0-9_]+)$")),
	  .fmt = "BUG: workqueue leaked lock or atomic in $1", .flags = FMT_NO_STACK },
	{ T(P("BUG: memory leak")), .fmt = "memory leak in $1",
	  .stack = STACK(PARTS(P("backtrace(?: \\(crc [[:xdigit:]]*\\))?:"), PART_STACK),
			 SKIP("kmemleak", "mmap", "kmem", "slab", "alloc", "create_object",
			      "idr_get", "list_lru_init", "kasprintf", "kvasprintf",
			      "pcpu_create", "strdup", "strndup", "memdup")) },
	{ T(P("BUG: .*stack guard page was hit at")), .fmt = "BUG: stack guard page was hit in $1",
	  ALT("stack-overflow in $1"),
	  .stack = STACK(PARTS(RIP_TRACE), .extractor = EXTRACT_STALL) },
	{ T(P("BUG: Invalid wait context")), .fmt = "WARNING: locking bug in $1",
	  .stack = STACK(PARTS(TRACE), SKIP("lock_sock", "release_sock")) },
	{ T(P("BUG:[ \t]*$")), .fmt = "BUG: corrupted", .flags = FMT_CORRUPTED },
	END,
};

static struct fmt_spec warning_formats[] = {
	{ T(P("WARNING: .*lib/debugobjects\\.c.* (?:debug_print|debug_check|at)")),
	  .fmt = "WARNING: ODEBUG bug in $1",
	  .stack = WARN_STACK("debug_", "rcu", "hrtimer_", "timer_", "work_", "percpu_",
			      "vunmap", "vfree", "__free_", "debug_check", "kobject_") },
	{ T(P("WARNING: .*mm/usercopy\\.c.* (?:usercopy_warn|at)")),
	  .fmt = "WARNING: bad usercopy in $1", .stack = WARN_STACK("usercopy", "__check") },
	{ T(P("WARNING: .*lib/kobject\\.c.* (?:kobject_|at)")),
	  .fmt = "WARNING: kobject bug in $1", .stack = WARN_STACK("kobject_") },
	{ T(P("WARNING: .*fs/proc/generic\\.c.* (?:proc_register|at)")),
	  .fmt = "WARNING: proc registration bug in $1", .stack = WARN_STACK("proc_") },
	{ T(P("WARNING: .*lib/refcount\\.c.* (?:refcount_|at)")),
	  .fmt = "WARNING: refcount bug in $1", .stack = WARN_STACK("refcount", "kobject_") },
	{ T(P("WARNING: .*kernel/locking/lockdep\\.c.*lock_")),
	  .fmt = "WARNING: locking bug in $1", .stack = WARN_STACK("lock_sock", "release_sock") },
	{ T(P("WARNING: .*still has locks held!")),
	  R(P("WARNING: .*still has locks held!"), P("at: " FUNC)),
	  .fmt = "WARNING: still has locks held in $1" },
	{ T(P("WARNING: Nested lock was not taken")),
	  .fmt = "WARNING: nested lock was not taken in $1", .stack = WARN_STACK(NULL) },
	{ T(P("WARNING: lock held when returning to user space")),
	  R(P("WARNING: lock held when returning to user space"),
	    P("leaving the kernel with locks still held"), P("at: (?:" PC " +)?" FUNC)),
	  .fmt = "WARNING: lock held when returning to user space in $1", .flags = FMT_NO_STACK },
	{ T(P("WARNING: .*mm/.*\\.c.* k?.?malloc")),
	  .fmt = "WARNING: kmalloc bug in $1", .stack = WARN_STACK("kmalloc", "krealloc", "slab", "kmem") },
	{ T(P("WARNING: .*mm/vmalloc.c.*__vmalloc_node")),
	  .fmt = "WARNING: zero-size vmalloc in $1", .stack = WARN_STACK(NULL) },
	{ T(P("WARNING: .* usb_submit_urb")), .fmt = "WARNING in $1/usb_submit_urb",
	  .stack = WARN_STACK("usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg",
			      "usb_interrupt_msg", "usb_control_msg") },
	{ T(P("WARNING: " SRC " at 0x\\d+, CPU#\\d+")), .fmt = "WARNING in $2",
	  .stack = WARN_STACK(NULL) },
	{ T(P("WARNING: .* at " SRC " " FUNC)), .fmt = "WARNING in $3", .stack = WARN_STACK(NULL) },
	{ T(P("WARNING: " SRC " at " FUNC)), .fmt = "WARNING in $3", .stack = WARN_STACK(NULL) },
	{ T(P("WARNING: \\[.*\\] " SRC " at " FUNC ".*")), .fmt = "WARNING in $3",
	  .stack = WARN_STACK(NULL) },
	{ T(P("WARNING: possible circular locking dependency detected")),
	  R(P("WARNING: possible circular locking dependency detected"), P("is trying to acquire lock")),
	  .fmt = "possible deadlock in $1",
	  .stack = STACK(PARTS(P("at: (?:" PC " +)?" FUNC), P("at: (?:" PC " +)?" FUNC), PART_STACK),
			 SKIP("process_one_work", "flush_workqueue", "drain_workqueue",
			      "destroy_workqueue")) },
	{ T(P("WARNING: possible irq lock inversion dependency detected")),
	  R(P("WARNING: possible irq lock inversion dependency detected"),
	    P("just changed the state of lock"), P("at: (?:" PC " +)?" FUNC)),
	  .fmt = "possible deadlock in $1" },
	{ T(P("WARNING: .*-safe -> .*-unsafe lock order detected")),
	  .fmt = "possible deadlock in $1",
	  .stack = STACK(PARTS(P("which became (?:.*) at:"), PART_STACK)) },
	{ T(P("WARNING: possible recursive locking detected")),
	  R(P("WARNING: possible recursive locking detected"), P("is trying to acquire lock"),
	    P("at: (?:" PC " +)?" FUNC)),
	  .fmt = "possible deadlock in $1" },
	{ T(P("WARNING: inconsistent lock state")),
	  R(P("WARNING: inconsistent lock state"), P("takes"), P("at: (?:" PC " +)?" FUNC)),
	  .fmt = "inconsistent lock state in $2", .stack = STACK(PARTS(TRACE)) },
	{ T(P("WARNING: suspicious RCU usage")), R(P("WARNING: suspicious RCU usage"), P(SRC)),
	  .fmt = "WARNING: suspicious RCU usage in $2",
	  .stack = STACK(PARTS(TRACE), SKIP("rcu", "kmem", "slab")) },
	{ T(P("WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value")),
	  .fmt = "WARNING: kernel stack regs has bad '$1' value", .flags = FMT_NO_STACK },
	{ T(P("WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]* has bad value")),
	  .fmt = "WARNING: kernel stack frame pointer has bad value", .flags = FMT_NO_STACK },
	{ T(P("WARNING: bad unlock balance detected!")), .fmt = "WARNING: bad unlock balance in $1",
	  .stack = STACK(PARTS(P(PC " +" FUNC), TRACE)) },
	{ T(P("WARNING: held lock freed!")), R(P("WARNING: held lock freed!"), P("at:(?: " PC ")? +" FUNC)),
	  .fmt = "WARNING: held lock freed in $1" },
	{ T(P("WARNING: kernel stack regs .* has bad 'bp' value")),
	  .fmt = "WARNING: kernel stack regs has bad value", .flags = FMT_NO_STACK },
	{ T(P("WARNING: kernel stack frame pointer .* has bad value")),
	  .fmt = "WARNING: kernel stack regs has bad value", .flags = FMT_NO_STACK },
	{ T(P("WARNING:[ \t]*$")), .fmt = "WARNING: corrupted", .flags = FMT_CORRUPTED },
	END,
};

static struct fmt_spec info_formats[] = {
	{ T(P("INFO: possible circular locking dependency detected")),
	  R(P("INFO: possible circular locking dependency detected \\]"), P("is trying to acquire lock"),
	    P("at: " PC " +" FUNC)),
	  .fmt = "possible deadlock in $1" },
	{ T(P("INFO: possible irq lock inversion dependency detected")),
	  R(P("INFO: possible irq lock inversion dependency detected \\]"),
	    P("just changed the state of lock"), P("at: " PC " +" FUNC)),
	  .fmt = "possible deadlock in $1" },
	{ T(P("INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected")),
	  R(P("INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected \\]"), P("is trying to acquire"),
	    P("at: " PC " +" FUNC)),
	  .fmt = "possible deadlock in $1" },
	{ T(P("INFO: possible recursive locking detected")),
	  R(P("INFO: possible recursive locking detected \\]"), P("is trying to acquire lock"),
	    P("at: " PC " +" FUNC)),
	  .fmt = "possible deadlock in $1" },
	{ T(P("INFO: inconsistent lock state")),
	  R(P("INFO: inconsistent lock state \\]"), P("takes"), P("at: " PC " +" FUNC)),
	  .fmt = "inconsistent lock state in $1" },
	{ T(P("INFO: rcu_(?:preempt|sched|bh) (?:self-)?detected(?: expedited)? stall")),
	  .fmt = "INFO: rcu detected stall in $1", ALT("stall in $1"),
	  .stack = STACK(PARTS(P("apic_timer_interrupt"), P(RIP), PART_STACK),
			 PARTS2(P("(?:apic_timer_interrupt|Exception stack|el1h_64_irq)"), PART_STACK),
			 SKIP("apic_timer_interrupt", "rcu"), .extractor = EXTRACT_STALL) },
	{ T(P("INFO: trying to register non-static key")),
	  .fmt = "INFO: trying to register non-static key in $1",
	  .stack = STACK(PARTS(TRACE), SKIP("stack", "lock", "IRQ")) },
	{ T(P("INFO: suspicious RCU usage")), R(P("INFO: suspicious RCU usage"), P(SRC)),
	  .fmt = "INFO: suspicious RCU usage in $2",
	  .stack = STACK(PARTS(TRACE), SKIP("rcu", "kmem", "slab")) },
	{ T(P("INFO: task .* blocked (?:in I/O wait )?for more than [0-9]+ seconds")),
	  .fmt = "INFO: task hung in $1", ALT("hang in $1"),
	  .stack = STACK(PARTS(TRACE), .extractor = EXTRACT_HANG) },
	{ T(P("INFO: task .*"), P("^.*:[0-9]+ blocked (?:in I/O wait )?for more than [0-9]+ seconds")),
	  .fmt = "INFO: task hung in $1", ALT("hang in $1"),
	  .stack = STACK(PARTS(TRACE), .extractor = EXTRACT_HANG) },
	{ T(P("INFO: task .* can't die for more than .* seconds")),
	  .fmt = "INFO: task can't die in $1", ALT("hang in $1"),
	  .stack = STACK(PARTS(TRACE), SKIP("schedule")) },
	{ T(P("INFO: (Freed|Allocated) in (.*)")), .fmt = "INFO: $1 in $2", .flags = FMT_CORRUPTED },
	{ T(P("INFO:[ \t]*$")), .fmt = "INFO: corrupted", .flags = FMT_CORRUPTED },
	END,
};

static struct fmt_spec unable_formats[] = {
	{ T(P("Unable to handle kernel (paging request|NULL pointer dereference|access to user memory)")),
	  .fmt = "BUG: unable to handle kernel $1 in $2", ALT("bad-access in $2"),
	  .stack = STACK(PARTS(RIP_TRACE)) },
	END,
};

static struct fmt_spec gpf_formats[] = {
	{ T(P("general protection fault.*:")), .fmt = "general protection fault in $1",
	  ALT("bad-access in $1"), .stack = STACK(PARTS(RIP_TRACE)) },
	END,
};

static struct fmt_spec stack_segment_formats[] = {
	{ T(P("stack segment: ")), .fmt = "stack segment fault in $1",
	  .stack = STACK(PARTS(RIP_TRACE)) },
	END,
};

static struct fmt_spec panic_formats[] = {
	{ T(P("Kernel panic - not syncing: stack-protector:")),
	  R(P("Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: " FUNC)),
	  .fmt = "kernel panic: stack is corrupted in $1", .flags = FMT_NO_STACK },
	{ T(P("Kernel panic - not syncing: stack-protector:")),
	  R(P("Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: [a-f0-9]+")),
	  .fmt = "kernel panic: stack is corrupted in $1",
	  .stack = STACK(PARTS(TRACE), SKIP("stack_chk")) },
	{ T(P("Kernel panic - not syncing: corrupted stack end")),
	  R(P("Kernel panic - not syncing: corrupted stack end detected inside scheduler")),
	  .fmt = "kernel panic: corrupted stack end in $1", ALT("stack-overflow in $1"),
	  .stack = STACK(PARTS(TRACE), SKIP("schedule", "retint_kernel"), .extractor = EXTRACT_STALL) },
	{ T(P("Kernel panic - not syncing: kernel stack overflow")),
	  .fmt = "kernel stack overflow in $1", ALT("stack-overflow in $1"),
	  .stack = STACK(PARTS(TRACE), SKIP("bad_stack"), .extractor = EXTRACT_STALL) },
	{ T(P("Kernel panic - not syncing: Attempted to kill init!")),
	  .fmt = "kernel panic: Attempted to kill init!" },
	{ T(P("Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error -[0-9]+")),
	  .fmt = "kernel panic: Couldn't open N_TTY ldisc" },
	{ T(P("Kernel panic - not syncing: Fatal exception")), .fmt = "kernel panic: Fatal exception",
	  .flags = FMT_CORRUPTED },
	{ T(P("Kernel panic - not syncing: panic_on_warn set")),
	  .fmt = "kernel panic: panic_on_warn set", .flags = FMT_CORRUPTED },
	{ T(P("Kernel panic - not syncing: hung_task: blocked tasks")),
	  .fmt = "kernel panic: hung_task: blocked tasks", .flags = FMT_CORRUPTED },
	{ T(P("Kernel panic - not syncing: (.*)")), .fmt = "kernel panic: $1" },
	END,
};

static struct fmt_spec double_fault_formats[] = {
	{ T(P("PANIC: double fault")), .fmt = "PANIC: double fault in $1",
	  .stack = STACK(PARTS(P(RIP))) },
	END,
};

static struct fmt_spec rust_formats[] = {
	{ T(P("rust_kernel: panicked")), R(P("rust_kernel: panicked at"), P("^(.+)$")),
	  .fmt = "$1 in $2",
	  .stack = STACK(PARTS(TRACE), SKIP("__rustc::rust_begin_unwind")) },
	END,
};

static struct fmt_spec kernel_bug_formats[] = {
	{ T(P("kernel BUG at mm/usercopy.c")), .fmt = "BUG: bad usercopy in $1",
	  .stack = STACK(PARTS(TRACE), SKIP("usercopy", "__check")) },
	{ T(P("kernel BUG at lib/list_debug.c")), .fmt = "BUG: corrupted list in $1",
	  ALT("bad-access in $1"), .stack = STACK(PARTS(TRACE)) },
	{ T(P("kernel BUG at (.*)")), .fmt = "kernel BUG in $2",
	  .stack = STACK(PARTS(RIP_TRACE), SKIP("^skb_")) },
	END,
};

static struct fmt_spec kernel_bug2_formats[] = {
	{ T(P("Kernel BUG (.*)")), .fmt = "kernel BUG $1" },
	END,
};

static struct fmt_spec kmalloc_formats[] = {
	{ T(P("BUG kmalloc-.*: Object already free")), .fmt = "BUG: Object already free" },
	END,
};

static struct fmt_spec divide_formats[] = {
	{ T(P("divide error: ")), .fmt = "divide error in $1", .stack = STACK(PARTS(P(RIP))) },
	END,
};

static struct fmt_spec divide2_formats[] = {
	{ T(P("divide_error: ")), .fmt = "divide error in $1", .stack = STACK(PARTS(P(RIP))) },
	END,
};

static struct fmt_spec opcode_formats[] = {
	{ T(P("invalid opcode: ")), .fmt = "invalid opcode in $1", .stack = STACK(PARTS(P(RIP))) },
	END,
};

static struct fmt_spec ubsan_formats[] = {
	{ T(P("UBSAN:")), R(P("UBSAN: Undefined behaviour in")),
	  .fmt = "UBSAN: undefined-behaviour in $1",
	  .stack = STACK(PARTS(TRACE), SKIP("ubsan", "overflow")) },
	{ T(P("UBSAN: array-index-out-of-bounds in")),
	  .fmt = "UBSAN: array-index-out-of-bounds in $1", ALT("bad-access in $1"),
	  .stack = STACK(PARTS(TRACE), SKIP("ubsan", "overflow")) },
	{ T(P("UBSAN:")), R(P("UBSAN: ([^ ]+) in")), .fmt = "UBSAN: $1 in $2",
	  .stack = STACK(PARTS(TRACE), SKIP("ubsan", "overflow")) },
	END,
};

static struct fmt_spec reboot_formats[] = {
	{ T(P("^Booting the kernel")), .fmt = "unexpected kernel reboot", .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec netdev_formats[] = {
	{ T(P("unregister_netdevice: waiting for (?:.*) to become free")),
	  .fmt = "unregister_netdevice: waiting for DEV to become free", .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec vfs_close_formats[] = {
	{ T(P("VFS: Close: file count is 0")),
	  .fmt = "VFS: Close: file count is zero (use-after-free)", .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec vfs_busy_formats[] = {
	{ T(P("VFS: Busy inodes after unmount")),
	  .fmt = "VFS: Busy inodes after unmount (use-after-free)", .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec internal_error_formats[] = {
	{ T(P("Internal error:")), .fmt = "Internal error in $1", ALT("bad-access in $1"),
	  .stack = STACK(PARTS(RIP_TRACE)) },
	END,
};

static struct fmt_spec unhandled_formats[] = {
	{ T(P("Unhandled fault:")), .fmt = "Unhandled fault in $1", ALT("bad-access in $1"),
	  .stack = STACK(PARTS(RIP_TRACE)) },
	END,
};

static struct fmt_spec alignment_formats[] = {
	{ T(P("Alignment trap:")), .fmt = "Alignment trap in $1", .stack = STACK(PARTS(RIP_TRACE)) },
	END,
};

static struct fmt_spec trusty_formats[] = {
	{ T(P("trusty: panic.* ASSERT FAILED")),
	  R(P("trusty: panic \\([^)]*\\):(?: DEBUG)? ASSERT FAILED at \\([^)]*\\): (.+)")),
	  .fmt = "trusty: ASSERT FAILED: $1", .flags = FMT_NO_STACK },
	{ T(P("trusty: panic.* ASSERT FAILED.*: *(.*)")), .fmt = "trusty: ASSERT FAILED: $1",
	  .flags = FMT_CORRUPTED },
	{ T(P("trusty: panic")), R(P("trusty: panic \\([^)]*\\): (.+)")), .fmt = "trusty: panic: $1",
	  .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec go_formats[] = {
	{ T(P("fatal error:")), .fmt = "go runtime error", .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec syzfail_formats[] = {
	{ T(P("SYZFAIL:(.*)")), .fmt = "SYZFAIL:$1", .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec syzfatal_formats[] = {
	{ T(P("SYZFATAL:(.*)()")), .fmt = "SYZFATAL:$1", ALT("SYZFATAL$2"), .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec gopanic_formats[] = {
	{ T(P("panic: Sentry detected .* stuck task")), .fmt = "panic: Sentry detected stuck tasks",
	  .flags = FMT_NO_STACK },
	{ T(P("panic:(.*)")), .fmt = "panic:$1", .flags = FMT_NO_STACK },
	END,
};

struct oops linux_oopses[] = {
	{ "BUG:", bug_formats, { P("ODEBUG:"), P("Boot_DEBUG:"), P("xlog_status:"), P("DEBUG:"),
				 P("BUG: no syscalls can create resource") } },
	{ "WARNING:", warning_formats, {
		P("WARNING: /etc/ssh/moduli does not exist, using fixed modulus"),
		P("WARNING: workqueue cpumask: online intersect > possible intersect"),
		P("WARNING: [Tt]he mand mount option"),
		P("WARNING: Unsupported flag value\\(s\\) of 0x%x in DT_FLAGS_1"),
		P("WARNING: Unprivileged eBPF is enabled with eIBRS"),
		P("WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size"),
		P("WARNING: See https.* for mitigation options."),
		P("WARNING: kernel not compiled with CPU_SRSO"),
		P("EXT4-[Ff][Ss](?: \\(.*\\))?:"),
		P("(?i)warning: .* uses (deprecated v2 capabilities|wireless extensions)"),
		P("XFS \\([a-zA-Z0-9_]+\\): WARNING") } },
	{ "INFO:", info_formats, { P("INFO: lockdep is turned off"),
		P("INFO: Stall ended before state dump start"), P("INFO: NMI handler"),
		P("INFO: recovery required on readonly filesystem"),
		P("(handler|interrupt).*took too long"),
		P("INFO: sys_.* is not present in /proc/kallsyms"),
		P("INFO: no syscalls can create resource"), P("rmt_storage:INFO:"), P("_INFO:") } },
	{ "Unable to handle kernel", unable_formats, { NULL } },
	{ "general protection fault", gpf_formats, { P("general protection fault .* error:\\d+ in ") } },
	{ "stack segment: ", stack_segment_formats, { NULL } },
	{ "Kernel panic", panic_formats, { NULL } },
	{ "PANIC: double fault", double_fault_formats, { NULL } },
	{ "rust_kernel: panicked", rust_formats, { NULL } },
	{ "kernel BUG", kernel_bug_formats, { NULL } },
	{ "Kernel BUG", kernel_bug2_formats, { NULL } },
	{ "BUG kmalloc-", kmalloc_formats, { NULL } },
	{ "divide error:", divide_formats, { NULL } },
	{ "divide_error:", divide2_formats, { NULL } },
	{ "invalid opcode:", opcode_formats, { NULL } },
	{ "UBSAN:", ubsan_formats, { NULL } },
	{ "Booting the kernel.", reboot_formats,
	  { P("Parsing ELF|Decompressing Linux|Unknown parameter '") } },
	{ "unregister_netdevice: waiting for", netdev_formats, { NULL } },
	{ "VFS: Close: file count is 0", vfs_close_formats, { NULL } },
	{ "VFS: Busy inodes after unmount", vfs_busy_formats, { NULL } },
	{ "Internal error:", internal_error_formats, { NULL } },
	{ "Unhandled fault:", unhandled_formats, { NULL } },
	{ "Alignment trap:", alignment_formats, { NULL } },
	{ "trusty: panic", trusty_formats, { NULL } },
	{ "fatal error:", go_formats, { P("ALSA"), P("fatal error: cannot create timer") } },
	{ "SYZFAIL:", syzfail_formats, { NULL } },
	{ "SYZFATAL:", syzfatal_formats, { NULL } },
	{ "panic:", gopanic_formats, { P("_panic:"), P("xlog_status:"), P("ddb\\.onpanic:"),
				       P("evtlog_status:") } },
	{ NULL, NULL, { NULL } },
};
