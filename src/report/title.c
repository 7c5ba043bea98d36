/*
 * Titles: normalization (syzkaller's dynamic-part replacements and
 * sanitizing), crash types derived from titles, and title comparison.
 */
#include "report/internal.h"

#include <stdlib.h>
#include <string.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_word(char c) { return is_alnum(c) || c == '_'; }
static bool is_lhex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * A rule looks at s[i] and, if a match starts there, returns its length
 * and appends the replacement to out.  0 means no match at i.
 */
typedef size_t (*rule_fn)(const char *s, size_t n, size_t i, struct buf *out,
			  int *rc);

static size_t run_digits(const char *s, size_t n, size_t i)
{
	size_t j = i;

	while (j < n && is_digit(s[j]))
		j++;
	return j - i;
}

static size_t rule_named_pid(const char *s, size_t n, size_t i, const char *name,
			     bool dot, struct buf *out, int *rc)
{
	size_t k = strlen(name), j, d;

	if (n - i < k || memcmp(s + i, name, k))
		return 0;
	j = i + k;
	if (dot && j < n && s[j] == '.' && j + 1 < n && is_digit(s[j + 1]))
		j++;
	d = run_digits(s, n, j);
	if (!d)
		return 0;
	j += d;
	if (j < n && (s[j] == '/' || s[j] == ':') && (d = run_digits(s, n, j + 1)))
		j += 1 + d;
	*rc = buf_adds(out, name);
	return j - i;
}

static size_t rule_executor(const char *s, size_t n, size_t i, struct buf *out, int *rc)
{
	return rule_named_pid(s, n, i, "syz-executor", true, out, rc);
}

static size_t rule_syzkaller(const char *s, size_t n, size_t i, struct buf *out, int *rc)
{
	return rule_named_pid(s, n, i, "syzkaller", false, out, rc);
}

static size_t hex_run(const char *s, size_t n, size_t i)
{
	size_t j = i;

	while (j < n && is_lhex(s[j]))
		j++;
	return j - i;
}

static size_t rule_addr(const char *s, size_t n, size_t i, struct buf *out, int *rc)
{
	size_t h;

	if (is_alnum(s[i]) || i + 1 >= n)
		return 0;
	if (s[i + 1] == '0' && i + 2 < n && s[i + 2] == 'x' &&
	    (h = hex_run(s, n, i + 3)) >= 6)
		h += 2;
	else if ((h = hex_run(s, n, i + 1)) < 6)
		return 0;
	if (!(*rc = buf_addc(out, s[i])))
		*rc = buf_adds(out, "ADDR");
	return 1 + h;
}

/* Greedy 1-3 digit groups with backtracking, like [0-9]{1,3}. */
static size_t ip_from(const char *s, size_t n, size_t i, int part)
{
	size_t d = run_digits(s, n, i);

	if (d > 3)
		d = 3;
	for (; d >= 1; d--) {
		size_t j = i + d, r;

		if (part == 3)
			return d;
		if (j < n && s[j] == '.' && (r = ip_from(s, n, j + 1, part + 1)))
			return d + 1 + r;
	}
	return 0;
}

static size_t rule_ip(const char *s, size_t n, size_t i, struct buf *out, int *rc)
{
	size_t len = ip_from(s, n, i, 0);

	if (len)
		*rc = buf_adds(out, "IP");
	return len;
}

static size_t rule_line(const char *s, size_t n, size_t i, struct buf *out, int *rc)
{
	size_t j = i + 1, w, d, k;

	if (s[i] != '.')
		return 0;
	while (j < n && is_word(s[j]))
		j++;
	w = j;
	if (w == i + 1)
		return 0;
	k = w;
	while (k < n && s[k] == ':' && (d = run_digits(s, n, k + 1)))
		k += 1 + d;
	if (k == w)
		return 0;
	if (!(*rc = buf_add(out, s + i, w - i)))
		*rc = buf_adds(out, ":LINE");
	return k - i;
}

static bool is_fclass(char c) { return is_alnum(c) || c == '_' || c == '.'; }
static bool is_l36(char c) { return is_digit(c) || (c >= 'a' && c <= 'z'); }

static size_t rule_offset(const char *s, size_t n, size_t i, struct buf *out, int *rc)
{
	size_t j = i + 1, k;

	if (!is_alpha(s[i]))
		return 0;
	while (j < n && is_fclass(s[j]))
		j++;
	if (j == i + 1 || n - j < 4 || memcmp(s + j, "+0x", 3))
		return 0;
	k = j + 3;
	if (k >= n || !is_l36(s[k]))
		return 0;
	while (k < n && is_l36(s[k]))
		k++;
	if (n - k < 4 || memcmp(s + k, "/0x", 3) || !is_l36(s[k + 3]))
		return 0;
	k += 3;
	while (k < n && is_l36(s[k]))
		k++;
	*rc = buf_add(out, s + i, j - i);
	return k - i;
}

static size_t rule_cpu(const char *s, size_t n, size_t i, struct buf *out, int *rc)
{
	size_t d;

	if (n - i < 5 || memcmp(s + i, "CPU#", 4) || !(d = run_digits(s, n, i + 4)))
		return 0;
	*rc = buf_adds(out, "CPU");
	return 4 + d;
}

static size_t rule_num(const char *s, size_t n, size_t i, struct buf *out, int *rc)
{
	size_t d, j;

	if (is_word(s[i]) || !(d = run_digits(s, n, i + 1)))
		return 0;
	j = i + 1 + d;
	if (j < n && is_word(s[j]))
		return 0;
	if (!(*rc = buf_addc(out, s[i])) && !(*rc = buf_adds(out, "NUM")) && j < n)
		*rc = buf_addc(out, s[j]);
	return j < n ? j + 1 - i : j - i;
}

static size_t rule_long_num(const char *s, size_t n, size_t i, struct buf *out, int *rc)
{
	size_t d = run_digits(s, n, i);

	if (d < 7)
		return 0;
	*rc = buf_adds(out, "NUM");
	return d;
}

/* One ReplaceAll pass; returns the new string (owned) or NULL. */
static char *apply(rule_fn rule, const char *s, int *rc)
{
	struct buf out = { 0 };
	size_t n = strlen(s), i = 0, m;

	*rc = 0;
	while (i < n) {
		m = rule(s, n, i, &out, rc);
		if (*rc)
			goto fail;
		if (m) {
			i += m;
			continue;
		}
		if ((*rc = buf_addc(&out, s[i])))
			goto fail;
		i++;
	}
	return buf_steal(&out);
fail:
	buf_dispose(&out);
	return NULL;
}

char *cp_report_normalize_title(const char *title)
{
	static const rule_fn rules[] = { rule_executor, rule_syzkaller, rule_addr,
		rule_ip, rule_line, rule_offset, rule_cpu, rule_num, rule_long_num };
	char *s = strdup(title ? title : ""), *t, *res;
	size_t n, k = 0;
	char prev = ' ';
	int rc;

	if (!s)
		return NULL;
	for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
		for (;;) {
			t = apply(rules[r], s, &rc);
			if (!t) {
				free(s);
				return NULL;
			}
			if (!strcmp(t, s)) {
				free(t);
				break;
			}
			free(s);
			s = t;
		}
	}
	n = strlen(s);
	res = malloc(n + 1);
	if (!res) {
		free(s);
		return NULL;
	}
	for (size_t i = 0; i < n && i < 120; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\t')
			c = ' ';
		else if (c < 0x20 || c >= 0x7f)
			continue;
		if (c == ' ' && prev == ' ')
			continue;
		res[k++] = (char)c;
		prev = (char)c;
	}
	while (k && res[k - 1] == ' ')
		k--;
	res[k] = '\0';
	free(s);
	return res;
}

struct type_row {
	const char *type;
	const char *prefixes[20];
};

static const struct type_row type_table[] = {
	{ "KFENCE-USE-AFTER-FREE-WRITE", { "KFENCE: use-after-free write" } },
	{ "KFENCE-USE-AFTER-FREE-READ", { "KFENCE: use-after-free read", "KFENCE: use-after-free" } },
	{ "KFENCE-WRITE", { "KFENCE: invalid write", "KFENCE: out-of-bounds write" } },
	{ "KFENCE-READ", { "KFENCE: invalid read", "KFENCE: out-of-bounds read", "KFENCE: out-of-bounds" } },
	{ "KFENCE-MEMORY-CORRUPTION", { "KFENCE: memory corruption" } },
	{ "KFENCE-INVALID-FREE", { "KFENCE: invalid free" } },
	{ "KMSAN-UNINIT-VALUE", { "KMSAN: uninit-value" } },
	{ "KMSAN-USE-AFTER-FREE-READ", { "KMSAN: kernel-infoleak-after-free",
		"KMSAN: kernel-usb-infoleak-after-free", "KMSAN: use-after-free" } },
	{ "KMSAN-INFO-LEAK", { "KMSAN: kernel-infoleak", "KMSAN: kernel-usb-infoleak" } },
	{ "KASAN-NULL-POINTER-DEREFERENCE-WRITE", { "KASAN: null-ptr-deref Write" } },
	{ "KASAN-NULL-POINTER-DEREFERENCE-READ", { "KASAN: null-ptr-deref Read" } },
	{ "NULL-POINTER-DEREFERENCE", { "BUG: unable to handle kernel NULL pointer dereference in" } },
	{ "KASAN-WRITE", { "KASAN: global-out-of-bounds Write", "KASAN: out-of-bounds Write",
		"KASAN: slab-out-of-bounds Write", "KASAN: stack-out-of-bounds Write",
		"KASAN: user-memory-access Write", "KASAN: vmalloc-out-of-bounds Write",
		"KASAN: wild-memory-access Write" } },
	{ "KASAN-READ", { "KASAN: global-out-of-bounds Read", "KASAN: invalid-access Read",
		"KASAN: out-of-bounds Read", "KASAN: slab-out-of-bounds Read",
		"KASAN: slab-out-of-bounds", "KASAN: stack-out-of-bounds Read",
		"KASAN: stack-out-of-bounds", "KASAN: unknown-crash Read",
		"KASAN: user-memory-access Read", "KASAN: vmalloc-out-of-bounds Read",
		"KASAN: wild-memory-access Read", "KASAN: wild-memory-access" } },
	{ "KASAN-INVALID-FREE", { "KASAN: double-free or invalid-free", "KASAN: invalid-free" } },
	{ "KASAN-USE-AFTER-FREE-WRITE", { "KASAN: slab-use-after-free Write", "KASAN: use-after-free Write" } },
	{ "KASAN-USE-AFTER-FREE-READ", { "KASAN: slab-use-after-free Read", "KASAN: use-after-free Read",
		"KASAN: use-after-free" } },
	{ "MEMORY_SAFETY_BUG", { "BUG: corrupted list", "BUG: unable to handle kernel paging request" } },
	{ "REFCOUNT_WARNING", { "WARNING: refcount bug" } },
	{ "MEMORY_SAFETY_UBSAN", { "UBSAN: array-index-out-of-bounds" } },
	{ "KCSAN-DATARACE", { "KCSAN: data-race" } },
	{ "KCSAN-ASSERT", { "KCSAN: assert: race in" } },
	{ "LOCKDEP", { "BUG: bad unlock balance in", "BUG: held lock freed in", "BUG: rwlock",
		"BUG: spinlock", "BUG: still has locks held in", "BUG: using",
		"WARNING: bad unlock balance in", "WARNING: held lock freed in", "WARNING: lock held",
		"WARNING: locking bug in", "WARNING: nested lock was not taken in",
		"WARNING: still has locks held in", "WARNING: suspicious RCU usage in",
		"inconsistent lock state in", "possible deadlock in" } },
	{ "ATOMIC_SLEEP", { "BUG: scheduling while atomic in",
		"BUG: sleeping function called from invalid context in" } },
	{ "LEAK", { "memory leak in", "LeakSanitizer:" } },
	{ "BUG", { "BUG: bad usercopy in", "kernel BUG" } },
	{ "WARNING", { "WARNING in" } },
	{ "", { "BUG: stack guard page was hit in", "WARNING: corrupted",
		"WARNING: kernel stack frame pointer has bad value", "WARNING: kernel stack regs has bad" } },
	{ "HANG", { "BUG: soft lockup in", "INFO: rcu detected stall in", "INFO: task can't die in",
		"INFO: task hung in" } },
	{ "DoS", { "Alignment trap in", "BUG: Object already free", "Internal error in",
		"PANIC: double fault", "Unhandled fault in",
		"VFS: Busy inodes after unmount (use-after-free)",
		"VFS: Close: file count is zero (use-after-free)", "divide error in",
		"general protection fault in", "go runtime error", "invalid opcode in",
		"kernel panic:", "kernel stack overflow", "panic:", "rust_kernel panicked",
		"stack segment fault in", "trusty:",
		"unregister_netdevice: waiting for DEV to become free" } },
	{ "REBOOT", { "unexpected kernel reboot" } },
	{ "SYZ_FAILURE", { "SYZFAIL", "SYZFATAL:" } },
	/* User space. */
	{ "ASAN-USE-AFTER-FREE", { "AddressSanitizer: heap-use-after-free" } },
	{ "ASAN-DOUBLE-FREE", { "AddressSanitizer: attempting double-free" } },
	{ "ASAN-INVALID-FREE", { "AddressSanitizer: attempting free" } },
	{ "ASAN-OUT-OF-BOUNDS", { "AddressSanitizer: heap-buffer-overflow",
		"AddressSanitizer: stack-buffer-overflow", "AddressSanitizer: global-buffer-overflow",
		"AddressSanitizer: stack-buffer-underflow", "AddressSanitizer: dynamic-stack-buffer-overflow",
		"AddressSanitizer: container-overflow" } },
	{ "ASAN-USE-AFTER-RETURN", { "AddressSanitizer: stack-use-after-return",
		"AddressSanitizer: stack-use-after-scope" } },
	{ "ASAN-SEGV", { "AddressSanitizer: SEGV" } },
	{ "ASAN-STACK-OVERFLOW", { "AddressSanitizer: stack-overflow" } },
	{ "ASAN-UNKNOWN", { "AddressSanitizer:" } },
	{ "MSAN-UNINIT-VALUE", { "MemorySanitizer: use-of-uninitialized-value" } },
	{ "MSAN-UNKNOWN", { "MemorySanitizer:" } },
	{ "TSAN-DATARACE", { "ThreadSanitizer: data race" } },
	{ "TSAN-UNKNOWN", { "ThreadSanitizer:" } },
	{ "UBSAN", { "UndefinedBehaviorSanitizer:" } },
	{ "ASSERT", { "assertion failed" } },
	{ "FUZZER-TIMEOUT", { "libFuzzer: timeout" } },
	{ "FUZZER-OOM", { "libFuzzer: out-of-memory" } },
	{ "FUZZER-CRASH", { "libFuzzer:" } },
	{ "SIGNAL", { "fatal signal:" } },
	/* Defaults. */
	{ "WARNING", { "WARNING:" } },
	{ "", { "BUG:", "INFO:" } },
	{ "KASAN-UNKNOWN", { "KASAN:" } },
	{ "KFENCE-UNKNOWN", { "KFENCE:" } },
	{ "KMSAN-UNKNOWN", { "KMSAN:" } },
	{ "UBSAN", { "UBSAN:" } },
	{ "KCSAN-UNKNOWN", { "KCSAN:" } },
};

const char *cp_report_title_type(const char *title)
{
	for (size_t r = 0; r < sizeof(type_table) / sizeof(type_table[0]); r++)
		for (int i = 0; i < 20 && type_table[r].prefixes[i]; i++)
			if (!strncmp(title, type_table[r].prefixes[i],
				     strlen(type_table[r].prefixes[i])))
				return type_table[r].type;
	return "";
}

bool cp_report_same_title(const char *a, const char *b)
{
	char *na, *nb;
	bool same;

	if (!a || !b)
		return false;
	na = cp_report_normalize_title(a);
	nb = cp_report_normalize_title(b);
	same = na && nb && *na && strcmp(na, nb) == 0;
	free(na);
	free(nb);
	return same;
}

bool cp_report_same_crash(const struct cp_report *rep,
			  const struct cp_report *other)
{
	if (!rep || !other)
		return false;
	if (cp_report_same_title(rep->title, other->title))
		return true;
	for (size_t i = 0; i < rep->n_alt_titles; i++) {
		if (cp_report_same_title(rep->alt_titles[i], other->title))
			return true;
		for (size_t j = 0; j < other->n_alt_titles; j++)
			if (cp_report_same_title(rep->alt_titles[i], other->alt_titles[j]))
				return true;
	}
	for (size_t j = 0; j < other->n_alt_titles; j++)
		if (cp_report_same_title(rep->title, other->alt_titles[j]))
			return true;
	return false;
}
