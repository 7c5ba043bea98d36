/*
 * User-space crash formats: AddressSanitizer, UndefinedBehaviorSanitizer,
 * MemorySanitizer, ThreadSanitizer, LeakSanitizer, assertion failures and
 * fatal signals.  Titles follow the kernel style ("<what> in <function>"),
 * the function being the first frame outside the sanitizer runtime and libc.
 */
#include "report/internal.h"

/* Table rows leave trailing fields zero on purpose. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define P(s) (&(struct pat){ .src = (s) })
#define STACK(...) (&(struct stack_spec){ __VA_ARGS__ })
#define PARTS(...) .parts = { __VA_ARGS__ }
#define SKIP(...) .skip = { __VA_ARGS__ }
#define T(...) .title = { { __VA_ARGS__ } }
#define R(...) .report = { { __VA_ARGS__ } }
#define ALT(...) .alt = { __VA_ARGS__ }
#define END { .fmt = NULL }
/* "    #0 0x4011d6 in foo /src/a.c:5:3" or "#1 0x.. in foo (/bin/x+0x..)" */
#define UFRAME "^ *#[0-9]+ +(?:0x[0-9a-f]+ +in +)?([A-Za-z_][A-Za-z0-9_:.~<>]*)"

static const char *const user_skip[] = {
	"^__asan", "^__lsan", "^__msan", "^__tsan", "^__ubsan", "^__sanitizer",
	"^__interceptor", "^___interceptor", "^__interception", "^_?_?sanitizer",
	"^asan_", "^msan_", "^tsan_", "^malloc$", "^calloc$", "^realloc$",
	"^free$", "^operator", "^mem(cpy|move|set|cmp|chr)$", "^str[a-z]*$",
	"^__libc_", "^_start$", "^abort$", "^raise$", "^__assert", "^__GI_",
	"^pthread_kill", "^__pthread_kill", "^posix_memalign$", "^aligned_alloc$",
	"^reallocarray$", "^valloc$", "^strdup$", "^__strdup$", "^fuzzer::",
	"^__restore_rt$", "^_Unwind_", "^__cxa_", "^std::", "^__GI_abort$", "^gsignal$",
	NULL,
};

struct family user_family = {
	.stack_start = {
		P("^(?:freed|previously allocated|allocated) by thread"),
		P("^ *Previous (?:read|write|atomic)"), P("^SUMMARY: "),
		P("^(?:Direct|Indirect) leak of"), P("^ *(?:Location|Mutex|Thread) "),
		P("^ *Uninitialized value was"),
	},
	.frame_res = {
		P(UFRAME),
	},
	.corrupted_lines = { NULL },
	.skip = user_skip,
	.strip_prefixes = NULL,
	.stall_anchors = P("^main$"),
};

#define UTRACE PART_STACK

static struct fmt_spec asan_formats[] = {
	{ T(P("ERROR: AddressSanitizer: (?:heap-|stack-|global-|dynamic-stack-)?(?:buffer-overflow|use-after-free|use-after-return|use-after-scope|buffer-underflow|container-overflow|use-after-poison)")),
	  R(P("ERROR: AddressSanitizer: ([a-z-]+) on address"), P("^(READ|WRITE) of size")),
	  .fmt = "AddressSanitizer: $1 $2 in $3",
	  .stack = STACK(PARTS(P("^(?:READ|WRITE) of size"), UTRACE)), .flags = FMT_NO_STACK },
	{ T(P("ERROR: AddressSanitizer: (?:attempting double-free|attempting free on address which was not malloc|alloc-dealloc-mismatch|new-delete-type-mismatch)")),
	  R(P("ERROR: AddressSanitizer: ([a-z -]+[a-z])(?: on| \\(|:|$)")),
	  .fmt = "AddressSanitizer: $1 in $2",
	  .stack = STACK(PARTS(UTRACE)), .flags = FMT_NO_STACK },
	{ T(P("ERROR: AddressSanitizer: (SEGV|BUS|FPE|ILL|ABRT|stack-overflow|[a-z-]+)")),
	  .fmt = "AddressSanitizer: $1 in $2",
	  .stack = STACK(PARTS(UTRACE)), .flags = FMT_NO_STACK },
	{ T(P("ERROR: AddressSanitizer")), .fmt = "AddressSanitizer: unknown-crash",
	  .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec lsan_formats[] = {
	{ T(P("ERROR: LeakSanitizer: detected memory leaks")),
	  .fmt = "LeakSanitizer: memory leak in $1",
	  .stack = STACK(PARTS(P("(?:Direct|Indirect) leak of"), UTRACE)), .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec msan_formats[] = {
	{ T(P("WARNING: MemorySanitizer: ([a-z-]+)")),
	  .fmt = "MemorySanitizer: $1 in $2", .stack = STACK(PARTS(UTRACE)), .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec tsan_formats[] = {
	{ T(P("WARNING: ThreadSanitizer: ([a-z -]*[a-z])")),
	  .fmt = "ThreadSanitizer: $1 in $2", .stack = STACK(PARTS(UTRACE)), .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec ubsan_formats[] = {
	{ T(P("[^ :]+:[0-9]+:[0-9]+: runtime error: ([a-z]+(?: [a-z]+)*)")),
	  .fmt = "UndefinedBehaviorSanitizer: $1 in $2",
	  .stack = STACK(PARTS(UTRACE),
			 .parts2 = { P("([^ :/]+\\.[a-z]+):[0-9]+:[0-9]+: runtime error") }),
	  .flags = FMT_NO_STACK },
	{ T(P("runtime error: ([a-z]+(?: [a-z]+)*)")),
	  .fmt = "UndefinedBehaviorSanitizer: $1", .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec assert_formats[] = {
	{ T(P(": ([A-Za-z_][A-Za-z0-9_]*): Assertion `(.*)' failed")),
	  .fmt = "assertion failed: $2 in $1", .flags = FMT_NO_STACK },
	{ T(P("Assertion `(.*)' failed")), .fmt = "assertion failed: $1", .flags = FMT_NO_STACK },
	{ T(P("Assertion failed: (.*), function ([A-Za-z_][A-Za-z0-9_]*)")),
	  .fmt = "assertion failed: $1 in $2", .flags = FMT_NO_STACK },
	{ T(P("Assertion failed: (.*)")), .fmt = "assertion failed: $1", .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec libfuzzer_formats[] = {
	{ T(P("ERROR: libFuzzer: out-of-memory")), .fmt = "libFuzzer: out-of-memory",
	  .flags = FMT_NO_STACK },
	{ T(P("ERROR: libFuzzer: (timeout|deadly signal|fuzz target exited)")),
	  .fmt = "libFuzzer: $1 in $2", .stack = STACK(PARTS(UTRACE)), .flags = FMT_NO_STACK },
	{ T(P("ERROR: libFuzzer: ([a-z -]*[a-z])")), .fmt = "libFuzzer: $1", .flags = FMT_NO_STACK },
	END,
};

static struct fmt_spec signal_formats[] = {
	{ T(P("(Segmentation fault|Bus error|Illegal instruction|Floating point exception|Aborted)")),
	  .fmt = "fatal signal: $1", .flags = FMT_NO_STACK },
	END,
};

struct oops user_oopses[] = {
	{ "ERROR: AddressSanitizer", asan_formats, { NULL } },
	{ "ERROR: LeakSanitizer", lsan_formats, { NULL } },
	{ "WARNING: MemorySanitizer", msan_formats, { NULL } },
	{ "WARNING: ThreadSanitizer", tsan_formats, { NULL } },
	{ "runtime error: ", ubsan_formats, { P("panic: runtime error"), P("go runtime") } },
	{ "ERROR: libFuzzer: ", libfuzzer_formats, { NULL } },
	{ "Assertion `", assert_formats, { NULL } },
	{ "Assertion failed: ", assert_formats, { NULL } },
	{ NULL, NULL, { NULL } },
};

/* Fatal signals are matched last (after the kernel formats). */
struct oops user_signal_oopses[] = {
	{ "Segmentation fault", signal_formats, { NULL }, .no_console = true },
	{ "Bus error", signal_formats, { P("SIGBUS") }, .no_console = true },
	{ "Illegal instruction", signal_formats, { NULL }, .no_console = true },
	{ "Floating point exception", signal_formats, { NULL }, .no_console = true },
	{ NULL, NULL, { NULL } },
};
