/*
 * The guilty source file of a symbolized kernel report: the first
 * "path/file.c:N" of the stack that is not generic code (headers, lib/,
 * mm/ allocators, locking, scheduling, printk, ...), refined to a deeper
 * file under the same directory when the stack goes on there
 * (fs/ntfs3/x.c beats fs/inode.c).  These are the files whose maintainers
 * are told about the bug.
 */
#include "report/internal.h"

#include <stdlib.h>
#include <string.h>

#define P(s) (&(struct pat){ .src = (s) })

static struct pat *ignored_files[] = {
	P("\\.h$"), P("^lib/"), P("^virt/lib/"), P("^mm/kasan/"), P("^mm/kmsan/"), P("^mm/slab_common\\.c"),
	P("^kernel/kcov\\.c"), P("^mm/sl.b\\.c"), P("^mm/filemap\\.c"), P("^mm/folio-compat\\.c"),
	P("^mm/truncate\\.c"), P("^mm/memory\\.c"), P("^mm/percpu"), P("^mm/vmalloc\\.c"),
	P("^mm/page_alloc\\.c"), P("^mm/mempool\\.c"), P("^mm/util\\.c"), P("^kernel/rcu/"),
	P("^arch/.*/kernel/traps\\.c"), P("^arch/.*/kernel/unwind.*\\.c"), P("^arch/.*/mm/fault\\.c"),
	P("^arch/.*/mm/physaddr\\.c"), P("^arch/.*/kernel/stacktrace\\.c"),
	P("^arch/.*/kernel/apic/apic\\.c"), P("^arch/arm64/kernel/entry.*\\.c"),
	P("^arch/arm64/kernel/process\\.c"), P("^kernel/locking/"), P("^kernel/panic\\.c"),
	P("^kernel/printk/printk.*\\.c"), P("^kernel/softirq\\.c"), P("^kernel/kthread\\.c"),
	P("^kernel/sched/.*\\.c"), P("^kernel/stacktrace\\.c"), P("^kernel/time/timer\\.c"),
	P("^kernel/workqueue\\.c"), P("^net/core/dev\\.c"), P("^net/core/sock\\.c"),
	P("^net/core/skbuff\\.c"), P("^fs/proc/generic\\.c"), P("^trusty/"),
	P("^drivers/usb/core/urb\\.c"), P("^arch/.*/lib/crc"), NULL,
};

static struct pat file_re = { .src = "([-a-zA-Z0-9_./]*[-a-zA-Z0-9_]+\\.[ch]):[0-9]+" };
static struct pat line_ignore = {
	.src = "(hardirqs|softirqs)[[:space:]]+last[[:space:]]+(enabled|disabled)|^Register r[0-9]+ information|, at: |^ *#[0-9]+:"
};
static struct pat deeper_re = { .src = "^/[-a-zA-Z0-9_./]+/[-a-zA-Z0-9_]+\\.[ch]$" };

/* filepath.Clean for relative kernel paths. */
static char *clean(const char *s, size_t n)
{
	char *out = malloc(n + 2);
	size_t k = 0, i = 0;

	if (!out)
		return NULL;
	while (i < n) {
		size_t j = i;

		while (j < n && s[j] != '/')
			j++;
		if (j == i || (j - i == 1 && s[i] == '.')) {
			/* empty or "." segment */
		} else if (j - i == 2 && s[i] == '.' && s[i + 1] == '.' && k &&
			   !(k >= 2 && out[k - 1] == '.' && out[k - 2] == '.')) {
			while (k && out[k - 1] != '/')
				k--;
			if (k)
				k--;
		} else {
			if (k || s[0] == '/')
				out[k++] = '/';
			memcpy(out + k, s + i, j - i);
			k += j - i;
		}
		i = j + 1;
	}
	if (!k)
		out[k++] = '.';
	out[k] = '\0';
	return out;
}

static bool ignored(const char *file)
{
	for (struct pat **p = ignored_files; *p; p++)
		if (pat_match_line(*p, file, strlen(file), NULL))
			return true;
	return false;
}

static char *dir_of(const char *f)
{
	const char *sl = strrchr(f, '/');

	return sl ? strndup(f, (size_t)(sl - f)) : strdup(".");
}

static char *guilty_impl(const char *text, size_t len)
{
	struct cap m[PAT_MAX_CAPS + 1];
	char *guilty = NULL, *dir, *f;
	size_t pos = 0;
	const char *l = NULL;
	size_t n = 0;

	/* The first file, and the first one that is not generic code. */
	while (pos < len) {
		const char *e;

		l = text + pos;
		e = memchr(l, '\n', len - pos);
		n = e ? (size_t)(e - l) : len - pos;
		pos += n + 1;
		if (!pat_match_line(&file_re, l, n, m))
			continue;
		f = strndup(l + m[1].so, (size_t)(m[1].eo - m[1].so));
		if (!f)
			goto oom;
		if (!guilty)
			guilty = strdup(f);
		if (!guilty || ignored(f) || pat_match_line(&line_ignore, l, n, NULL)) {
			free(f);
			if (!guilty)
				goto oom;
			continue;
		}
		free(guilty);
		guilty = clean(f, strlen(f));
		free(f);
		if (!guilty)
			goto oom;
		break;
	}
	if (!guilty)
		return NULL;
	/* Deeper files under the same directory further down the stack. */
	dir = dir_of(guilty);
	if (!dir)
		goto oom;
	while (pos < len) {
		const char *e;
		size_t dl = strlen(dir);

		l = text + pos;
		e = memchr(l, '\n', len - pos);
		n = e ? (size_t)(e - l) : len - pos;
		pos += n + 1;
		if (!pat_match_line(&file_re, l, n, m))
			continue;
		f = strndup(l + m[1].so, (size_t)(m[1].eo - m[1].so));
		if (!f)
			break;
		if (ignored(f) || pat_match_line(&line_ignore, l, n, NULL)) {
			free(f);
			continue;
		}
		{
			char *c = clean(f, strlen(f));

			free(f);
			if (!c)
				break;
			if (!strncmp(c, dir, dl) &&
			    pat_match_line(&deeper_re, c + dl, strlen(c + dl), NULL)) {
				char *nd = dir_of(c);

				if (!nd) {
					free(c);
					break;
				}
				free(guilty);
				free(dir);
				guilty = c;
				dir = nd;
			} else {
				free(c);
			}
		}
	}
	free(dir);
	return guilty;
oom:
	free(guilty);
	return NULL;
}

char *report_guilty_file(const char *title, const char *text, size_t len)
{
	static const char *const irq[] = { "apic_timer_interrupt+0x", "el1h_64_irq+0x",
					   "Exception stack" };

	if (!strncmp(title, "INFO: rcu detected stall", 24))
		for (size_t i = 0; i < 3; i++) {
			const char *p = mem_find(text, len, irq[i]);
			char *g;

			if (p && (g = guilty_impl(p, len - (size_t)(p - text))))
				return g;
		}
	return guilty_impl(text, len);
}
