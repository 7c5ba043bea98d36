/*
 * The streaming engine: finds the first crash line in console output,
 * collects the report text that belongs to it (same console context,
 * console prefixes cut) and turns it into a struct cp_report.
 *
 * Memory is bounded: before the crash only a window of recent lines is
 * kept; after it the report text is capped at CP_REPORT_MAX_TEXT and a
 * single line at MAX_LINE bytes.  Lines are found with memchr and crash
 * lines with a bigram prefilter, so a log without a crash is scanned at
 * memory speed.
 */
#include "report/internal.h"

#include <pthread.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE (64u << 10)
/* Input examined for report text after the crash line. */
#define COLLECT_MAX (8u << 20)
#define RING_LINES 128
#define RING_LINE_MAX 1024

struct oref {
	const struct oops *o;
	const struct family *fam;
};

/* Immutable after report_tables_init(). */
static struct oref orefs[96];
static size_t n_orefs;
static uint8_t bigram[65536 / 8];
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_status;
static struct cp_error init_err;

static const char *const scan_keys[] = {
	"Out of memory: Kill process", "Killed process", "lowmemorykiller: Killing",
	"signal SIGBUS", "***: terminated", "INIT: PANIC",
	"serialport: VM disconnected.", "Kernel panic - not syncing", NULL,
};

/* Whole-log suppressions; the regex runs only on lines with the key. */
static struct {
	const char *key;
	struct pat *re;
} suppressions[] = {
#define SUPP(k, r) { k, &(struct pat){ .src = r } }
	SUPP("panic: ", "panic: failed to start executor binary"),
	SUPP("panic: ", "panic: executor failed: pthread_create failed"),
	SUPP("panic: ", "panic: failed to create temp dir"),
	SUPP("fatal error: ", "fatal error: unexpected signal during runtime execution"),
	SUPP("SIGBUS", "signal SIGBUS: bus error"),
	SUPP("SIGBUS", "SYZFAIL: SIGBUS"),
	SUPP("Out of memory", "Out of memory: Kill process .* \\(syz-executor\\)"),
	SUPP("Out of memory", "Out of memory: Kill process .* \\(sshd\\)"),
	SUPP("Killed process", "Killed process .* \\(syz-executor\\)"),
	SUPP("Killed process", "Killed process .* \\(sshd\\)"),
	SUPP("lowmemorykiller", "lowmemorykiller: Killing 'syz-executor'"),
	SUPP("lowmemorykiller", "lowmemorykiller: Killing 'sshd'"),
	SUPP("INIT: PANIC", "INIT: PANIC: segmentation violation!"),
	SUPP("stack smashing", "\\*\\*\\* stack smashing detected \\*\\*\\*: terminated"),
	SUPP("fatal error: ", "fatal error: runtime: out of memory"),
	SUPP("fatal error: ", "fatal error: runtime: cannot allocate memory"),
	SUPP("fatal error: ", "fatal error: out of memory"),
	SUPP("fatal error: ", "fatal error: newosproc"),
	SUPP("panic: ", "panic: .*cannot allocate memory"),
#undef SUPP
	{ NULL, NULL },
};

/*
 * The prefilter: every crash marker has an anchor, a trigram of it that
 * contains a key byte (':' for most markers, a capital for the others).
 * The scan looks for key bytes 16 at a time (SSE2) and, at each one, looks
 * the trigrams around it up in a 64 Kbit table of anchors; only lines with
 * a hit get the exact checks.  Markers without a usable anchor switch the
 * scan to checking every position (correct, slower).
 */
static const char key_bytes[] = ":UgKBSIF`";
static bool slow_scan;

static const struct {
	const char *marker;
	unsigned char off;
} anchors[] = {
	{ "BUG:", 1 }, { "WARNING:", 5 }, { "INFO:", 2 }, { "Unable to handle kernel", 0 },
	{ "general protection fault", 0 }, { "stack segment: ", 11 }, { "Kernel panic", 0 },
	{ "PANIC: double fault", 3 }, { "rust_kernel: panicked", 9 }, { "kernel BUG", 5 },
	{ "Kernel BUG", 0 }, { "BUG kmalloc-", 0 }, { "divide error:", 10 },
	{ "divide_error:", 10 }, { "invalid opcode:", 12 }, { "UBSAN:", 3 },
	{ "Booting the kernel.", 0 }, { "unregister_netdevice: waiting for", 18 },
	{ "VFS: Close: file count is 0", 2 }, { "VFS: Busy inodes after unmount", 2 },
	{ "Internal error:", 12 }, { "Unhandled fault:", 13 }, { "Alignment trap:", 12 },
	{ "trusty: panic", 4 }, { "fatal error:", 9 }, { "SYZFAIL:", 5 }, { "SYZFATAL:", 6 },
	{ "panic:", 3 }, { "ERROR: AddressSanitizer", 3 }, { "ERROR: LeakSanitizer", 3 },
	{ "WARNING: MemorySanitizer", 5 }, { "WARNING: ThreadSanitizer", 5 },
	{ "ERROR: libFuzzer: ", 3 },
	{ "runtime error: ", 11 }, { "Assertion `", 8 }, { "Assertion failed: ", 15 },
	{ "Segmentation fault", 0 }, { "Bus error", 0 }, { "Illegal instruction", 0 },
	{ "Floating point exception", 0 }, { "Out of memory: Kill process", 11 },
	{ "Killed process", 0 }, { "lowmemorykiller: Killing", 13 }, { "signal SIGBUS", 7 },
	{ "***: terminated", 1 }, { "INIT: PANIC", 2 }, { "serialport: VM disconnected.", 8 },
	{ "Kernel panic - not syncing", 0 },
};

#ifdef HAVE_AVX2_PATH
static bool have_avx2;	/* set once by init_tables() */
#endif

/* For each key byte, where it sits in anchor trigrams (bit d: the
 * trigram starts d bytes before it). */
static uint8_t key_offsets[256];

/* Anchors entered in the table, to confirm a hit with one memcmp. */
static struct {
	unsigned h;
	const char *marker;
	size_t len, off;
} entries[128];
static size_t n_entries;

static bool is_key(unsigned char c)
{
	return c && strchr(key_bytes, c);
}

static inline unsigned trigram(const unsigned char *p)
{
	return (((unsigned)p[0] | (unsigned)p[1] << 8) ^ ((unsigned)p[2] << 5) ^
		((unsigned)p[2] >> 3)) & 0xffff;
}

static void bigram_add(const char *s)
{
	size_t n = strlen(s), best = n;
	unsigned h;

	for (size_t a = 0; a < sizeof(anchors) / sizeof(anchors[0]); a++)
		if (!strcmp(anchors[a].marker, s) && anchors[a].off + 3u <= n)
			best = anchors[a].off;
	for (size_t i = 0; best == n && i + 2 < n; i++)
		if (is_key((unsigned char)s[i]) || is_key((unsigned char)s[i + 1]) ||
		    is_key((unsigned char)s[i + 2]))
			best = i;
	if (best == n || !(is_key((unsigned char)s[best]) || is_key((unsigned char)s[best + 1]) ||
			   is_key((unsigned char)s[best + 2]))) {
		slow_scan = true;
		if (best == n)
			return;
	}
	h = trigram((const unsigned char *)s + best);
	bigram[h >> 3] |= (uint8_t)(1u << (h & 7));
	for (size_t q = 0; q < 3; q++)
		if (is_key((unsigned char)s[best + q]))
			key_offsets[(unsigned char)s[best + q]] |= (uint8_t)(1u << q);
	if (n_entries < sizeof(entries) / sizeof(entries[0])) {
		entries[n_entries].h = h;
		entries[n_entries].marker = s;
		entries[n_entries].len = n;
		entries[n_entries].off = best;
		n_entries++;
	} else {
		slow_scan = true;
	}
}

/* True when a marker whose anchor is the trigram at p[s] is really there. */
static bool confirm(const unsigned char *p, size_t s, size_t n)
{
	unsigned h = trigram(p + s);

	for (size_t i = 0; i < n_entries; i++)
		if (entries[i].h == h && s >= entries[i].off &&
		    s - entries[i].off + entries[i].len <= n &&
		    !memcmp(p + s - entries[i].off, entries[i].marker, entries[i].len))
			return true;
	return false;
}

static int compile_pats(struct pat *const *p, size_t n, struct cp_error *err)
{
	int rc;

	for (size_t i = 0; i < n && p[i]; i++)
		if (p[i] != PART_STACK && (rc = pat_compile(p[i], err)))
			return rc;
	return 0;
}

static int compile_family(struct family *fam, struct cp_error *err)
{
	int rc;

	if ((rc = compile_pats(fam->stack_start, 12, err)) ||
	    (rc = compile_pats(fam->frame_res, 3, err)) ||
	    (rc = compile_pats(fam->corrupted_lines, 2, err)) ||
	    (rc = pat_compile(fam->stall_anchors, err)))
		return rc;
	return 0;
}

static int index_oopses(struct oops *list, const struct family *fam,
			struct cp_error *err)
{
	for (struct oops *o = list; o->header; o++) {
		if (n_orefs >= sizeof(orefs) / sizeof(orefs[0]))
			return cp_error_set(err, CP_ERR_INTERNAL, "too many formats");
		orefs[n_orefs].o = o;
		orefs[n_orefs].fam = fam;
		n_orefs++;
		bigram_add(o->header);
	}
	return 0;
}

static int compile_oopses(struct oops *list, const struct family *fam,
			  struct cp_error *err)
{
	int rc;

	for (struct oops *o = list; o->header; o++) {
		if ((rc = compile_pats(o->supp, OOPS_SUPP_MAX, err)))
			return rc;
		for (struct fmt_spec *f = o->formats; f->fmt; f++) {
			if ((rc = compile_pats(f->title.p, SEQ_MAX, err)) ||
			    (rc = compile_pats(f->report.p, SEQ_MAX, err)))
				return rc;
			if (!f->stack)
				continue;
			if ((rc = compile_pats(f->stack->parts, PARTS_MAX, err)) ||
			    (rc = compile_pats(f->stack->parts2, PARTS_MAX, err)))
				return rc;
			if (stack_skip_ready(fam, f->stack))
				return cp_error_set(err, CP_ERR_INTERNAL, "bad skip patterns");
		}
	}
	return 0;
}

static void init_tables(void)
{
	struct cp_error *err = &init_err;
	int rc;

	if ((rc = index_oopses(user_oopses, &user_family, err)) ||
	    (rc = index_oopses(linux_oopses, &linux_family, err)) ||
	    (rc = index_oopses(user_signal_oopses, &user_family, err))) {
		init_status = rc;
		return;
	}
	for (const char *const *k = scan_keys; *k; k++)
		bigram_add(*k);
#ifdef HAVE_AVX2_PATH
	__builtin_cpu_init();
	have_avx2 = __builtin_cpu_supports("avx2");
#endif
}

static int compile_suppressions(struct cp_error *err)
{
	int rc;

	for (size_t i = 0; suppressions[i].key; i++)
		if ((rc = pat_compile(suppressions[i].re, err)))
			return rc;
	return 0;
}

int report_tables_compile_all(struct cp_error *err)
{
	int rc;

	if ((rc = report_tables_init(err)) ||
	    (rc = compile_family(&linux_family, err)) ||
	    (rc = compile_family(&user_family, err)) ||
	    (rc = pat_compile(&linux_frame_re, err)) ||
	    (rc = pat_compile(&linux_corrupted_title, err)) ||
	    (rc = compile_suppressions(err)) ||
	    (rc = compile_oopses(user_oopses, &user_family, err)) ||
	    (rc = compile_oopses(linux_oopses, &linux_family, err)) ||
	    (rc = compile_oopses(user_signal_oopses, &user_family, err)))
		return rc;
	return 0;
}

bool report_prefilter_fast(void)
{
	return !slow_scan;
}

int report_tables_init(struct cp_error *err)
{
	pthread_once(&init_once, init_tables);
	if (init_status) {
		if (err)
			*err = init_err;
		return init_status;
	}
	return 0;
}

/* ---- console lines ---- */

enum { CTX_NONE = 0, CTX_CONSOLE = 1, CTX_CALLER = 2 };

struct ctx {
	int kind;
	char id[24];	/* "[ T123]" for CTX_CALLER */
};

static bool digits(const char *l, size_t n, size_t *i)
{
	size_t s = *i;

	while (*i < n && l[*i] >= '0' && l[*i] <= '9')
		(*i)++;
	return *i > s;
}

/* Matches "<N>"? "[ sec.usec]" ("[ *[CT]N]")? " " at l+i. */
static bool stamp_at(const char *l, size_t n, size_t i, struct ctx *c)
{
	size_t j, id0;

	if (i < n && l[i] == '<') {
		j = i + 1;
		if (digits(l, n, &j) && j < n && l[j] == '>')
			i = j + 1;
	}
	if (i >= n || l[i] != '[')
		return false;
	i++;
	while (i < n && l[i] == ' ')
		i++;
	if (!digits(l, n, &i) || i >= n || l[i] != '.')
		return false;
	i++;
	if (!digits(l, n, &i) || i >= n || l[i] != ']')
		return false;
	i++;
	id0 = i;
	if (i < n && l[i] == '[') {
		j = i + 1;
		while (j < n && l[j] == ' ')
			j++;
		if (j < n && (l[j] == 'C' || l[j] == 'T')) {
			j++;
			if (digits(l, n, &j) && j < n && l[j] == ']' &&
			    j + 1 < n && l[j + 1] == ' ') {
				size_t len = j + 1 - id0;

				c->kind = CTX_CALLER;
				if (len >= sizeof(c->id))
					len = sizeof(c->id) - 1;
				memcpy(c->id, l + id0, len);
				c->id[len] = '\0';
				return true;
			}
		}
	}
	if (i < n && l[i] == ' ') {
		c->kind = CTX_CONSOLE;
		c->id[0] = '\0';
		return true;
	}
	return false;
}

static void line_context(const char *l, size_t n, struct ctx *c)
{
	static const char dropped[] = "** ";
	size_t i = 0;
	const char *p;

	c->kind = CTX_NONE;
	c->id[0] = '\0';
	if (n >= 3 && !memcmp(l, dropped, 3)) {
		const char *e = mem_find(l, n, " printk messages dropped ** ");

		if (e) {
			size_t k = 3;

			if (digits(l, n, &k) && l + k == e)
				i = (size_t)(e - l) + strlen(" printk messages dropped ** ");
		}
	}
	if (stamp_at(l, n, i, c))
		return;
	/* "... login: [ 1.2] ...": try after each " login: ". */
	for (p = l + i; (p = mem_find(p, n - (size_t)(p - l), " login: ")); p++)
		if (stamp_at(l, n, (size_t)(p - l) + 8, c))
			return;
	c->kind = CTX_NONE;
}

static bool ctx_equal(const struct ctx *a, const struct ctx *b)
{
	return a->kind == b->kind && !strcmp(a->id, b->id);
}

static bool ctx_is_cpu(const struct ctx *c)
{
	const char *s = c->id;

	if (c->kind != CTX_CALLER)
		return false;
	s++;
	while (*s == ' ')
		s++;
	return *s == 'C';
}

/* Cuts the console prefix; flags frames printed as unreliable. */
static void strip_line(const char *l, size_t n, const struct ctx *c,
		       const char **out, size_t *on, bool *questionable)
{
	const char *q;

	*questionable = false;
	if (n && l[n - 1] == '\r')
		n--;
	if (c->kind == CTX_NONE) {
		*out = l;
		*on = n;
		return;
	}
	q = mem_find(l, n, "] ");
	if (q) {
		n -= (size_t)(q + 2 - l);
		l = q + 2;
	}
	*out = l;
	*on = n;
	if (mem_find(l, n, "<EOI>"))
		return;
	q = mem_find(l, n, " ? ");
	if (q) {
		*out = q + 2;
		*on = n - (size_t)(q + 2 - l);
		*questionable = true;
		return;
	}
	if (n >= 13 && !memcmp(l + n - 13, " (unreliable)", 13)) {
		*on = n - 13;
		*questionable = true;
	}
}

bool oops_match_line(const struct oops *o, const char *line, size_t len)
{
	if (!mem_find(line, len, o->header))
		return false;
	for (int i = 0; i < OOPS_SUPP_MAX && o->supp[i]; i++)
		if (pat_match_line(o->supp[i], line, len, NULL))
			return false;
	if (o->no_console) {
		struct ctx c;

		line_context(line, len, &c);
		if (c.kind != CTX_NONE)
			return false;
	}
	return true;
}

static inline bool bigram_hit(const unsigned char *p)
{
	unsigned k = trigram(p);

	return bigram[k >> 3] & (1u << (k & 7));
}

/* A trigram in the table that covers the key byte at pos, or n. */
static inline size_t check_key(const unsigned char *p, size_t pos, size_t from,
			       size_t n)
{
	unsigned offs = key_offsets[p[pos]];

	for (size_t d = 0; d < 3; d++) {
		size_t s;

		if (!(offs & (1u << d)))
			continue;
		if (pos < from + d)
			break;
		s = pos - d;
		if (s + 3 <= n && bigram_hit(p + s) && confirm(p, s, n))
			return s;
	}
	return n;
}

#ifdef HAVE_AVX2_PATH
/* The same key-byte search 32 bytes at a time, on CPUs with AVX2. */
__attribute__((target("avx2")))
static size_t scan_keys_avx2(const unsigned char *p, size_t *jp, size_t from, size_t n)
{
	const __m256i k0 = _mm256_set1_epi8(':'), k1 = _mm256_set1_epi8('U'),
		      k2 = _mm256_set1_epi8('g'), k3 = _mm256_set1_epi8('K'),
		      k4 = _mm256_set1_epi8('B'), k5 = _mm256_set1_epi8('S'),
		      k6 = _mm256_set1_epi8('I'), k7 = _mm256_set1_epi8('F'),
		      k8 = _mm256_set1_epi8('`');
	size_t j = *jp, r;

	for (; j + 32 <= n; j += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(p + j));
		__m256i m = _mm256_or_si256(
			_mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, k0), _mm256_cmpeq_epi8(v, k1)),
					_mm256_or_si256(_mm256_cmpeq_epi8(v, k2), _mm256_cmpeq_epi8(v, k3))),
			_mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, k4), _mm256_cmpeq_epi8(v, k5)),
					_mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, k6),
									_mm256_cmpeq_epi8(v, k7)),
							_mm256_cmpeq_epi8(v, k8))));
		unsigned bits = (unsigned)_mm256_movemask_epi8(m);

		while (bits) {
			size_t pos = j + (size_t)__builtin_ctz(bits);

			if ((r = check_key(p, pos, from, n)) < n) {
				*jp = j;
				return r;
			}
			bits &= bits - 1;
		}
	}
	*jp = j;
	return n;
}

#endif

/* A position >= from of a line that may hold a marker, or n. */
static size_t scan_hits(const unsigned char *p, size_t from, size_t n)
{
	size_t j = from, r;

#ifdef HAVE_AVX2_PATH
	if (have_avx2 && !slow_scan && (r = scan_keys_avx2(p, &j, from, n)) < n)
		return r;
#endif
	if (slow_scan) {
		for (; j + 3 <= n; j++)
			if (bigram_hit(p + j) && (slow_scan || confirm(p, j, n)))
				return j;
		return n;
	}
#ifdef __SSE2__
	{
		const __m128i k0 = _mm_set1_epi8(':'), k1 = _mm_set1_epi8('U'),
			      k2 = _mm_set1_epi8('g'), k3 = _mm_set1_epi8('K'),
			      k4 = _mm_set1_epi8('B'), k5 = _mm_set1_epi8('S'),
			      k6 = _mm_set1_epi8('I'), k7 = _mm_set1_epi8('F'),
			      k8 = _mm_set1_epi8('`');

		for (; j + 16 <= n; j += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(p + j));
			__m128i m = _mm_or_si128(
				_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, k0), _mm_cmpeq_epi8(v, k1)),
					     _mm_or_si128(_mm_cmpeq_epi8(v, k2), _mm_cmpeq_epi8(v, k3))),
				_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, k4), _mm_cmpeq_epi8(v, k5)),
					     _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, k6),
								       _mm_cmpeq_epi8(v, k7)),
							  _mm_cmpeq_epi8(v, k8))));
			unsigned bits = (unsigned)_mm_movemask_epi8(m);

			while (bits) {
				size_t pos = j + (size_t)__builtin_ctz(bits);

				if ((r = check_key(p, pos, from, n)) < n)
					return r;
				bits &= bits - 1;
			}
		}
	}
#endif
	for (; j < n; j++)
		if (is_key(p[j]) && (r = check_key(p, j, from, n)) < n)
			return r;
	return n;
}

/* ---- the stream ---- */

enum phase { PH_SEARCH, PH_REPORT, PH_DONE };

struct cp_report_stream {
	enum phase phase;
	uint64_t off;		/* absolute offset of the next byte fed */
	struct buf carry;	/* incomplete last line (capped) */
	uint64_t carry_off, carry_real;
	struct buf ring[RING_LINES];	/* recent raw lines before the crash */
	size_t ring_head, ring_count;
	/* Whole-log flags. */
	bool suppressed, gce_hangup, panicked;
	/* The report. */
	const struct oref *oops;
	struct ctx ctx;
	char oops_line_kmsan;
	uint64_t start, end, second, skip_pos;
	bool have_second, body_full, collect_done;
	struct buf prefix;
	struct buf body;
	size_t report_end;
	int text_lines;
	bool skip_text, cpu_traceback;
	struct buf raw;		/* raw bytes from the crash line (capped) */
};

int cp_report_stream_new(struct cp_report_stream **out, struct cp_error *err)
{
	struct cp_report_stream *st;
	int rc;

	*out = NULL;
	if ((rc = report_tables_init(err)))
		return rc;
	st = calloc(1, sizeof(*st));
	if (!st)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	*out = st;
	return 0;
}

void cp_report_stream_free(struct cp_report_stream *st)
{
	if (!st)
		return;
	buf_dispose(&st->carry);
	for (size_t i = 0; i < RING_LINES; i++)
		buf_dispose(&st->ring[i]);
	buf_dispose(&st->prefix);
	buf_dispose(&st->body);
	buf_dispose(&st->raw);
	free(st);
}

bool cp_report_stream_found(const struct cp_report_stream *st)
{
	return st->oops != NULL;
}

static int ring_push(struct cp_report_stream *st, const char *l, size_t n)
{
	struct buf *b;

	if (n > RING_LINE_MAX)
		n = RING_LINE_MAX;
	b = &st->ring[(st->ring_head + st->ring_count) % RING_LINES];
	if (st->ring_count == RING_LINES)
		st->ring_head = (st->ring_head + 1) % RING_LINES;
	else
		st->ring_count++;
	b->len = 0;
	return buf_add(b, l, n);
}

/* Pushes the last RING_LINES lines of p[0..n) (n: end of last line). */
static int ring_push_tail(struct cp_report_stream *st, const char *p, size_t n)
{
	size_t starts[RING_LINES], k = 0, e = n;
	int rc;

	while (k < RING_LINES) {
		const char *nl = e ? memrchr(p, '\n', e) : NULL;
		size_t s = nl ? (size_t)(nl - p) + 1 : 0;

		starts[k++] = s;
		if (!nl)
			break;
		e = (size_t)(nl - p);
	}
	while (k--) {
		size_t s = starts[k];
		const char *nl = memchr(p + s, '\n', n - s);
		size_t le = nl ? (size_t)(nl - p) : n;

		if ((rc = ring_push(st, p + s, le - s)))
			return rc;
	}
	return 0;
}

/* Checks the whole-log flags and the crash markers of one raw line. */
static const struct oref *check_line(struct cp_report_stream *st,
				     const char *l, size_t n)
{
	const struct oref *found = NULL;

	if (mem_find(l, n, "Kernel panic - not syncing"))
		st->panicked = true;
	if (mem_find(l, n, "serialport: VM disconnected."))
		st->gce_hangup = true;
	for (size_t i = 0; !st->suppressed && suppressions[i].key; i++)
		if (mem_find(l, n, suppressions[i].key) &&
		    pat_match_line(suppressions[i].re, l, n, NULL))
			st->suppressed = true;
	for (size_t i = 0; i < n_orefs; i++)
		if (oops_match_line(orefs[i].o, l, n)) {
			found = &orefs[i];
			break;
		}
	return found;
}

static bool line_has_hit(const char *l, size_t n)
{
	return scan_hits((const unsigned char *)l, 0, n) < n;
}

static bool starts_second(const char *l, size_t n)
{
	return !mem_find(l, n, "invalid opcode: 0000") &&
	       !mem_find(l, n, "Kernel panic - not syncing") &&
	       !mem_find(l, n, "unregister_netdevice: waiting for") &&
	       !mem_find(l, n, "PANIC: double fault") &&
	       !mem_find(l, n, "Internal error:");
}

static bool info_with_stack(const char *l, size_t n)
{
	return mem_find(l, n, "vmalloc: allocation failure:") ||
	       mem_find(l, n, "FAULT_INJECTION: forcing a failure") ||
	       mem_find(l, n, "FAULT_FLAG_ALLOW_RETRY missing");
}

static int add_text(struct cp_report_stream *st, const char *s, size_t n)
{
	int rc;

	if (st->body_full)
		return 0;
	if (st->body.len + n + 1 > CP_REPORT_MAX_TEXT) {
		st->body_full = true;
		return 0;
	}
	if ((rc = buf_add(&st->body, s, n)) || (rc = buf_addc(&st->body, '\n')))
		return rc;
	return 0;
}

/* One line at or after the crash line.  next = offset of its end. */
static int report_line(struct cp_report_stream *st, const char *l, size_t n,
		       uint64_t pos, uint64_t next, const struct oref *hit,
		       bool checked)
{
	bool is_oops = pos == st->start;
	const struct oref *o = hit;
	struct ctx c;
	const char *s;
	size_t sn;
	bool q, skip;
	int rc;

	if (!checked && line_has_hit(l, n))
		o = check_line(st, l, n);
	else if (!checked)
		o = NULL;
	if (o) {
		st->end = next;
		if (!is_oops && !st->have_second && starts_second(l, n)) {
			st->have_second = true;
			st->second = pos;
		}
	} else if (!is_oops && !st->have_second && info_with_stack(l, n)) {
		st->have_second = true;
		st->second = pos;
	}
	if (st->body_full || pos - st->start > COLLECT_MAX) {
		/* Text is complete: from now on only crash lines matter. */
		st->collect_done = true;
		return 0;
	}
	if (st->raw.len < CP_REPORT_MAX_TEXT) {
		/* Raw text of the crash lines, for the fallback title. */
		if ((rc = buf_add(&st->raw, l, n)) || (rc = buf_addc(&st->raw, '\n')))
			return rc;
	}
	line_context(l, n, &c);
	strip_line(l, n, &c, &s, &sn, &q);
	if (!is_oops && (q || (!ctx_equal(&c, &st->ctx) &&
			       (!st->cpu_traceback || !ctx_is_cpu(&c)))))
		return 0;
	st->text_lines++;
	skip = st->skip_text;
	if (mem_find(l, n, "Disabling lock debugging due to kernel taint")) {
		skip = true;
	} else if (mem_find(l, n, "Sending NMI from CPU")) {
		st->cpu_traceback = true;
	} else if ((mem_find(l, n, "Kernel panic - not syncing") ||
		    mem_find(l, n, "WARNING: possible circular locking dependency detected")) &&
		   st->text_lines > (st->oops_line_kmsan ? 16 : 22)) {
		st->skip_text = true;
		skip = true;
	}
	if (!is_oops && skip)
		return 0;
	if ((rc = add_text(st, s, sn)))
		return rc;
	if (!st->have_second || st->ctx.kind == CTX_CALLER)
		st->report_end = st->body.len;
	return 0;
}

/* Starts the report at the crash line l; before: lines preceding it in
 * the same buffer (p[0..before)). */
static int start_report(struct cp_report_stream *st, const struct oref *o,
			const char *p, size_t before, const char *l, size_t n,
			uint64_t pos)
{
	const char *lines[RING_LINES];
	size_t lens[RING_LINES], k = 0, e = before, max;
	int rc;
	const char *nl;

	st->oops = o;
	st->start = pos;
	st->phase = PH_REPORT;
	line_context(l, n, &st->ctx);
	st->oops_line_kmsan = mem_find(l, n, "BUG: KMSAN:") != NULL;
	nl = memchr(l, '\n', n);
	st->skip_pos = pos + (nl ? (size_t)(nl - l) : n);
	max = st->ctx.kind == CTX_CALLER && ctx_is_cpu(&st->ctx) == false ? 50 : 5;
	/* Lines of this buffer before the crash, newest first. */
	while (e > 0 && k < RING_LINES) {
		const char *pn = memrchr(p, '\n', e - 1);
		size_t s = pn ? (size_t)(pn - p) + 1 : 0;

		lines[k] = p + s;
		/* as the ring keeps them, so a stream cut anywhere agrees */
		lens[k] = e - 1 - s < RING_LINE_MAX ? e - 1 - s : RING_LINE_MAX;
		k++;
		e = s;
	}
	{
		/* Gather newest-first candidates, then emit oldest-first. */
		const char *cand[50];
		size_t cl[50], nc = 0;

		for (size_t i = 0; i < k && nc < max; i++) {
			struct ctx c;
			const char *s;
			size_t sn;
			bool q;

			line_context(lines[i], lens[i], &c);
			strip_line(lines[i], lens[i], &c, &s, &sn, &q);
			if (ctx_equal(&c, &st->ctx) && sn && !q) {
				cand[nc] = s;
				cl[nc++] = sn;
			}
		}
		for (size_t i = 0; i < st->ring_count && nc < max && e == 0; i++) {
			struct buf *b = &st->ring[(st->ring_head + st->ring_count - 1 - i) % RING_LINES];
			struct ctx c;
			const char *s;
			size_t sn;
			bool q;

			line_context(b->p, b->len, &c);
			strip_line(b->p, b->len, &c, &s, &sn, &q);
			if (ctx_equal(&c, &st->ctx) && sn && !q) {
				cand[nc] = s;
				cl[nc++] = sn;
			}
		}
		while (nc--)
			if ((rc = buf_add(&st->prefix, cand[nc], cl[nc])) ||
			    (rc = buf_addc(&st->prefix, '\n')))
				return rc;
	}
	return report_line(st, l, n, pos, pos + n, o, true);
}

/* Processes complete lines p[0..n], p[n] being the last newline (the
 * last line may be empty); base = absolute offset of p. */
static int process(struct cp_report_stream *st, const char *p, size_t n,
		   uint64_t base)
{
	size_t i = 0;
	int rc;

	while (i <= n) {
		if (st->phase == PH_SEARCH) {
			const unsigned char *u = (const unsigned char *)p;
			size_t j = i;

			for (;;) {
				const char *nl;
				size_t ls, le;
				const struct oref *o;

				j = scan_hits(u, j, n);
				if (j >= n)
					return ring_push_tail(st, p, n);
				nl = memrchr(p, '\n', j);
				ls = nl ? (size_t)(nl - p) + 1 : 0;
				nl = memchr(p + j, '\n', n - j);
				le = nl ? (size_t)(nl - p) : n;
				o = check_line(st, p + ls, le - ls);
				if (o) {
					rc = start_report(st, o, p, ls, p + ls, le - ls,
							  base + ls);
					if (rc)
						return rc;
					i = le + 1;
					break;
				}
				j = le + 1;
				if (j >= n)
					return ring_push_tail(st, p, n);
			}
		} else if (st->collect_done) {
			/* Only crash lines (for the end offset and flags). */
			size_t j = scan_hits((const unsigned char *)p, i, n), ls, le;
			const char *nl;

			if (j >= n)
				break;
			nl = memrchr(p + i, '\n', j - i);
			ls = nl ? (size_t)(nl - p) + 1 : i;
			nl = memchr(p + j, '\n', n - j);
			le = nl ? (size_t)(nl - p) : n;
			if (check_line(st, p + ls, le - ls))
				st->end = base + le;
			i = le + 1;
		} else {
			const char *nl = memchr(p + i, '\n', n - i);
			size_t le = nl ? (size_t)(nl - p) : n;

			if ((rc = report_line(st, p + i, le - i, base + i, base + le,
					      NULL, false)))
				return rc;
			i = le + 1;
		}
	}
	return 0;
}

/* The carried line is complete: process it alone. */
static int flush_carry(struct cp_report_stream *st)
{
	uint64_t pos = st->carry_off;
	int rc = 0;

	if (!st->carry_real)
		return 0;
	if (st->phase == PH_SEARCH) {
		const struct oref *o = NULL;

		if (line_has_hit(st->carry.p, st->carry.len))
			o = check_line(st, st->carry.p, st->carry.len);
		if (o)
			rc = start_report(st, o, st->carry.p, 0, st->carry.p,
					  st->carry.len, pos);
		else
			rc = ring_push(st, st->carry.p, st->carry.len);
		/* start_report assumed the line ends at pos + stored length. */
		if (o && st->end == pos + st->carry.len)
			st->end = pos + st->carry_real;
	} else if (st->phase == PH_REPORT) {
		rc = report_line(st, st->carry.p, st->carry.len, pos,
				 pos + st->carry_real, NULL, false);
	}
	st->carry.len = 0;
	st->carry_real = 0;
	return rc;
}

static int carry_add(struct cp_report_stream *st, const char *p, size_t n)
{
	size_t room;

	if (!st->carry_real)
		st->carry_off = st->off;
	st->carry_real += n;
	room = st->carry.len < MAX_LINE ? MAX_LINE - st->carry.len : 0;
	if (n > room)
		n = room;
	return n ? buf_add(&st->carry, p, n) : 0;
}

int cp_report_stream_feed(struct cp_report_stream *st, const char *buf,
			  size_t n, struct cp_error *err)
{
	const char *nl, *last;
	size_t head;
	int rc;

	if (st->phase == PH_DONE)
		return cp_error_set(err, CP_ERR_INTERNAL, "report stream already finished");
	if (!n)
		return 0;
	if (st->carry_real) {
		nl = memchr(buf, '\n', n);
		head = nl ? (size_t)(nl - buf) : n;
		if ((rc = carry_add(st, buf, head)))
			goto fail;
		st->off += head;
		if (!nl)
			return 0;
		if ((rc = flush_carry(st)))
			goto fail;
		st->off += 1;
		buf += head + 1;
		n -= head + 1;
	}
	last = n ? memrchr(buf, '\n', n) : NULL;
	if (last) {
		size_t k = (size_t)(last - buf);

		if ((rc = process(st, buf, k, st->off)))
			goto fail;
		st->off += k + 1;
		buf += k + 1;
		n -= k + 1;
	}
	if (n) {
		if ((rc = carry_add(st, buf, n)))
			goto fail;
		st->off += n;
	}
	return 0;
fail:
	return cp_error_set(err, rc, "out of memory");
}

/* ---- building the report ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static char *title_frame(const char *title)
{
	const char *in = NULL, *p = title, *e;

	while ((p = strstr(p, " in ")))
		in = p++;
	if (!in)
		return NULL;
	p = in + 4;
	e = p;
	if (*e == '<') {
		const char *c = strchr(e, '>');

		if (c)
			e = c + 1;
	}
	while ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') ||
	       (*e >= '0' && *e <= '9') || *e == '_' || *e == ':')
		e++;
	if (e == p)
		return NULL;
	return dup_n(p, (size_t)(e - p));
}

static char *find_executor(const char *text, size_t len)
{
	const char *p = text, *e = text + len;
	char out[64];

	while ((p = mem_find(p, (size_t)(e - p), " Comm: syz."))) {
		const char *a = p + 11, *b;
		long proc, id;
		char *end;

		proc = strtol(a, &end, 10);
		if (end == a || *end != '.')
			goto next;
		b = end + 1;
		id = strtol(b, &end, 10);
		if (end == b || *end != ' ')
			goto next;
		snprintf(out, sizeof(out), "proc=%ld, id=%ld", proc, id);
		return strdup(out);
next:
		p++;
	}
	return NULL;
}

static int build(struct cp_report_stream *st, struct cp_report **out)
{
	struct cp_report *rep;
	struct desc d;
	const char *text = st->body.p ? st->body.p : "";
	size_t tlen = st->body.len;
	const char *reason;
	bool fallback = false;
	int rc;

	rc = describe(st->oops->o, st->oops->fam, text, st->report_end, &d);
	if (rc)
		return rc;
	if (!d.title) {
		desc_dispose(&d);
		fallback = true;
		text = st->raw.p ? st->raw.p : "";
		tlen = st->raw.len;
		if (st->end - st->start + 1 < tlen)
			tlen = (size_t)(st->end - st->start + 1);
		rc = describe(st->oops->o, st->oops->fam, text, tlen, &d);
		if (rc)
			return rc;
		if (!d.title) {
			d.title = strdup(st->oops->o->header);
			if (!d.title)
				return CP_ERR_NOMEM;
		}
	}
	rep = calloc(1, sizeof(*rep));
	if (!rep) {
		desc_dispose(&d);
		return CP_ERR_NOMEM;
	}
	reason = d.corrupted;
	rep->type = cp_report_title_type(d.title);
	if (!reason)
		reason = check_corrupted(d.title, text, tlen, d.format, st->oops->fam);
	if (!reason && st->gce_hangup)
		reason = "serialport: VM disconnected";
	rep->corrupted = reason != NULL;
	rep->user_space = st->oops->fam == &user_family;
	rep->suppressed = st->suppressed;
	rep->panicked = st->panicked;
	rep->start = st->start;
	rep->end = st->end > st->skip_pos ? st->end : st->skip_pos;
	rep->title = cp_report_normalize_title(d.title);
	if (!rep->title)
		goto oom;
	if (reason && !(rep->corrupted_reason = strdup(reason)))
		goto oom;
	if (d.n_alts) {
		rep->alt_titles = calloc(d.n_alts, sizeof(char *));
		if (!rep->alt_titles)
			goto oom;
		for (size_t i = 0; i < d.n_alts; i++) {
			rep->alt_titles[i] = cp_report_normalize_title(d.alts[i]);
			if (!rep->alt_titles[i])
				goto oom;
			rep->n_alt_titles++;
		}
		qsort(rep->alt_titles, rep->n_alt_titles, sizeof(char *), cmp_str);
	}
	rep->frame = title_frame(rep->title);
	{
		struct buf t = { 0 };

		if ((!fallback && buf_add(&t, st->prefix.p ? st->prefix.p : "", st->prefix.len)) ||
		    buf_add(&t, text, tlen))
			goto oom_t;
		rep->text_len = t.len;
		rep->prefix_len = fallback ? 0 : st->prefix.len;
		rep->text = buf_steal(&t);
		if (!rep->text)
			goto oom_t;
		goto text_done;
oom_t:
		buf_dispose(&t);
		goto oom;
	}
text_done:
	rep->executor = find_executor(rep->text, rep->text_len);
	if (!rep->user_space)
		rep->guilty_file = report_guilty_file(rep->title, rep->text + rep->prefix_len,
						      rep->text_len - rep->prefix_len);
	if (frames_parse(rep->text, rep->text_len, &rep->frames, &rep->n_frames))
		goto oom;
	desc_dispose(&d);
	*out = rep;
	return 0;
oom:
	desc_dispose(&d);
	cp_report_free(rep);
	return CP_ERR_NOMEM;
}

int cp_report_stream_finish(struct cp_report_stream *st,
			    struct cp_report **out, struct cp_error *err)
{
	int rc;

	*out = NULL;
	if (st->phase == PH_DONE)
		return cp_error_set(err, CP_ERR_INTERNAL, "report stream already finished");
	if ((rc = flush_carry(st)))
		return cp_error_set(err, rc, "out of memory");
	if (st->phase == PH_SEARCH) {
		st->phase = PH_DONE;
		return 0;
	}
	st->phase = PH_DONE;
	if ((rc = build(st, out)))
		return cp_error_set(err, rc, "building the crash report: out of memory");
	return 0;
}

int cp_report_parse(const char *buf, size_t len, struct cp_report **out,
		    struct cp_error *err)
{
	struct cp_report_stream *st;
	int rc;

	*out = NULL;
	if ((rc = cp_report_stream_new(&st, err)))
		return rc;
	rc = cp_report_stream_feed(st, buf, len, err);
	if (!rc)
		rc = cp_report_stream_finish(st, out, err);
	cp_report_stream_free(st);
	return rc;
}

bool cp_report_contains_crash(const char *buf, size_t len)
{
	struct cp_report_stream *st;
	bool found = false;

	if (cp_report_stream_new(&st, NULL))
		return false;
	/* Feed in slices so that a crash near the start ends the scan. */
	for (size_t off = 0; off < len && !found;) {
		size_t n = len - off < (1u << 20) ? len - off : (1u << 20);

		if (cp_report_stream_feed(st, buf + off, n, NULL))
			break;
		off += n;
		found = st->oops != NULL;
	}
	if (!found) {
		struct cp_report *rep = NULL;

		if (!cp_report_stream_finish(st, &rep, NULL))
			found = rep != NULL;
		cp_report_free(rep);
	}
	cp_report_stream_free(st);
	return found;
}

void cp_report_free(struct cp_report *rep)
{
	if (!rep)
		return;
	free(rep->title);
	for (size_t i = 0; i < rep->n_alt_titles; i++)
		free(rep->alt_titles[i]);
	free(rep->alt_titles);
	free(rep->frame);
	free(rep->corrupted_reason);
	free(rep->executor);
	free(rep->guilty_file);
	free(rep->text);
	frames_free(rep->frames, rep->n_frames);
	free(rep);
}
