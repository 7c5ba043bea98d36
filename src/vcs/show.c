/*
 * cp_commit_format_show(): the bytes `git show --stat --summary
 * --no-abbrev-commit --diff-merges=first-parent` (git 2.39, no colour, not
 * a terminal, 80 columns) prints for a commit.  Follows git's pretty.c
 * (medium format), log-tree.c and diff.c (show_stats, diff_summary).
 */
#include "vcs/changes.h"
#include "vcs/vcs_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STAT_WIDTH 80

/*
 * A growing string; a failed allocation sets failed and stops appending.
 * quote_fully is core.quotePath, for the paths written into it.
 */
struct sbuf {
	char *s;
	size_t len, cap;
	int failed;
	int quote_fully;
};

static void sb_grow(struct sbuf *b, size_t more)
{
	size_t cap;
	char *s;

	if (b->failed || b->len + more + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 1024;
	while (cap < b->len + more + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->failed = 1;
		return;
	}
	b->s = s;
	b->cap = cap;
}

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	if (b->failed)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_chars(struct sbuf *b, char c, size_t n)
{
	sb_grow(b, n);
	if (b->failed)
		return;
	memset(b->s + b->len, c, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	sb_grow(b, (size_t)n);
	if (b->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void sb_rtrim(struct sbuf *b)
{
	while (b->len && isspace((unsigned char)b->s[b->len - 1]))
		b->len--;
	if (b->s)
		b->s[b->len] = '\0';
}

/* git's quote_c_style(): which bytes need quoting (fully: >= 0x80 too). */
static int needs_quote(unsigned char c, int fully)
{
	return c < 0x20 || c == '"' || c == '\\' || c == 0x7f ||
		(c >= 0x80 && fully);
}

static void sb_quoted(struct sbuf *b, const char *name)
{
	const unsigned char *p;
	int quote = 0;

	for (p = (const unsigned char *)name; *p; p++)
		quote |= needs_quote(*p, b->quote_fully);
	if (!quote) {
		sb_puts(b, name);
		return;
	}
	sb_add(b, "\"", 1);
	for (p = (const unsigned char *)name; *p; p++) {
		static const char esc[] = "\aa\bb\tt\nn\vv\ff\rr";
		const char *e = NULL;

		if (!needs_quote(*p, b->quote_fully)) {
			sb_add(b, (const char *)p, 1);
			continue;
		}
		if (*p && *p < 0x20)
			e = memchr(esc, *p, sizeof(esc) - 1);
		if (e && (e - esc) % 2 == 0)
			sb_printf(b, "\\%c", e[1]);
		else if (*p == '"' || *p == '\\')
			sb_printf(b, "\\%c", *p);
		else
			sb_printf(b, "\\%03o", *p);
	}
	sb_add(b, "\"", 1);
}

static int name_needs_quote(const char *name, int fully)
{
	for (; *name; name++)
		if (needs_quote((unsigned char)*name, fully))
			return 1;
	return 0;
}

/* git's pprint_rename(): "dir/{old => new}/file". */
static void sb_rename(struct sbuf *b, const char *a, const char *bn)
{
	const char *old_name = a, *new_name = bn;
	long len_a = (long)strlen(a), len_b = (long)strlen(bn);
	long pfx = 0, sfx = 0, adjust, a_mid, b_mid;

	if (name_needs_quote(a, b->quote_fully) ||
	    name_needs_quote(bn, b->quote_fully)) {
		sb_quoted(b, a);
		sb_puts(b, " => ");
		sb_quoted(b, bn);
		return;
	}
	while (*old_name && *new_name && *old_name == *new_name) {
		if (*old_name == '/')
			pfx = old_name - a + 1;
		old_name++;
		new_name++;
	}
	old_name = a + len_a;
	new_name = bn + len_b;
	adjust = pfx ? 1 : 0;
	while (a + pfx - adjust <= old_name && bn + pfx - adjust <= new_name &&
	       *old_name == *new_name) {
		if (*old_name == '/')
			sfx = len_a - (old_name - a);
		old_name--;
		new_name--;
	}
	a_mid = len_a - pfx - sfx;
	b_mid = len_b - pfx - sfx;
	if (a_mid < 0)
		a_mid = 0;
	if (b_mid < 0)
		b_mid = 0;
	if (pfx + sfx) {
		sb_add(b, a, (size_t)pfx);
		sb_add(b, "{", 1);
	}
	sb_add(b, a + pfx, (size_t)a_mid);
	sb_puts(b, " => ");
	sb_add(b, bn + pfx, (size_t)b_mid);
	if (pfx + sfx) {
		sb_add(b, "}", 1);
		sb_add(b, a + len_a - sfx, (size_t)sfx);
	}
}

/* Objects in the pack indexes of one objects directory. */
static unsigned long count_packs(const char *objects)
{
	unsigned long count = 0;
	char path[4096];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/pack", objects);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		unsigned char head[8 + 256 * 4];
		size_t n = strlen(de->d_name), off;
		FILE *f;

		if (n < 4 || strcmp(de->d_name + n - 4, ".idx"))
			continue;
		snprintf(path, sizeof(path), "%s/pack/%s", objects, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(head, 1, sizeof(head), f);
		fclose(f);
		/* version 2 starts with "\377tOc" and a version; v1 has none */
		off = (n >= 8 && !memcmp(head, "\377tOc", 4)) ? 8 : 0;
		if (n < off + 256 * 4)
			continue;
		off += 255 * 4;
		count += (unsigned long)head[off] << 24 | (unsigned long)head[off + 1] << 16 |
			 (unsigned long)head[off + 2] << 8 | head[off + 3];
	}
	closedir(dir);
	return count;
}

/*
 * Packed objects of the repository and its alternates, as git's
 * repo_approximate_object_count() (which ignores loose objects).
 */
static unsigned long packed_object_count(git_repository *repo)
{
	const char *common = git_repository_commondir(repo);
	char objects[4096], line[4200], alt[8400];
	unsigned long count;
	FILE *f;

	snprintf(objects, sizeof(objects), "%sobjects", common);
	count = count_packs(objects);
	snprintf(line, sizeof(line), "%s/info/alternates", objects);
	f = fopen(line, "r");
	if (!f)
		return count;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (line[0] == '/')
			snprintf(alt, sizeof(alt), "%s", line);
		else
			snprintf(alt, sizeof(alt), "%s/%s", objects, line);
		count += count_packs(alt);
	}
	fclose(f);
	return count;
}

/* git's default abbreviation length (core.abbrev, or auto). */
static int default_abbrev(git_repository *repo)
{
	git_config *cfg = NULL;
	int32_t v = 0;
	int len = -1, bits = 0;
	unsigned long count;

	if (git_repository_config_snapshot(&cfg, repo) == 0) {
		const char *s = NULL;

		if (git_config_get_string(&s, cfg, "core.abbrev") == 0 && s) {
			if (!strcasecmp(s, "no"))
				len = GIT_OID_HEXSZ;
			else if (strcasecmp(s, "auto") &&
				 git_config_get_int32(&v, cfg, "core.abbrev") == 0)
				len = v < 4 ? 4 : v > GIT_OID_HEXSZ ? GIT_OID_HEXSZ : v;
		}
		git_config_free(cfg);
	}
	git_error_clear();
	if (len > 0)
		return len;
	count = packed_object_count(repo);
	while (count >> (bits + 1))
		bits++;		/* msb(count) */
	len = (bits + 1 + 1) / 2;
	return len < 7 ? 7 : len;
}

static void sb_abbrev(struct sbuf *b, git_repository *repo, const git_oid *id,
		      int len)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_odb *odb = NULL;

	if (git_repository_odb(&odb, repo) == 0) {
		while (len < GIT_OID_HEXSZ &&
		       git_odb_exists_prefix(NULL, odb, id, (size_t)len) ==
		       GIT_EAMBIGUOUS)
			len++;
		git_odb_free(odb);
	}
	git_error_clear();
	git_oid_tostr(hex, sizeof(hex), id);
	sb_add(b, hex, (size_t)len);
}

/* log.date formats git show can use here (others print as default). */
enum date_mode {
	DATE_NORMAL,		/* Thu Jan 2 03:04:05 2020 +0100 */
	DATE_ISO,		/* 2020-01-02 03:04:05 +0100 */
	DATE_ISO_STRICT,	/* 2020-01-02T03:04:05+01:00 (+00:00 for UTC) */
	DATE_RFC,		/* Thu, 2 Jan 2020 03:04:05 +0100 */
	DATE_SHORT,		/* 2020-01-02 */
	DATE_RAW,		/* 1577930645 +0100 */
	DATE_UNIX,		/* 1577930645 */
};

static enum date_mode parse_date_mode(const char *s)
{
	static const struct {
		const char *name;
		enum date_mode mode;
	} modes[] = {
		{ "iso", DATE_ISO }, { "iso8601", DATE_ISO },
		{ "iso-strict", DATE_ISO_STRICT },
		{ "iso8601-strict", DATE_ISO_STRICT },
		{ "rfc", DATE_RFC }, { "rfc2822", DATE_RFC },
		{ "short", DATE_SHORT }, { "raw", DATE_RAW },
		{ "unix", DATE_UNIX },
	};
	size_t i;

	for (i = 0; s && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(s, modes[i].name))
			return modes[i].mode;
	return DATE_NORMAL;
}

/* git's show_date() for mode, in the author's own time zone. */
static void sb_date(struct sbuf *b, const git_time *when, enum date_mode mode)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int off = when->offset, a = off < 0 ? -off : off;
	time_t t = (time_t)(when->time + (git_time_t)off * 60);
	int tz = (off < 0 ? -1 : 1) * (a / 60 * 100 + a % 60);
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_mday = 1;
		tm.tm_year = 70;
		tm.tm_wday = 4;
	}
	switch (mode) {
	case DATE_ISO:
		sb_printf(b, "%04d-%02d-%02d %02d:%02d:%02d %+05d",
			  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			  tm.tm_hour, tm.tm_min, tm.tm_sec, tz);
		break;
	case DATE_ISO_STRICT:
		sb_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
			  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			  tm.tm_sec);
		/* git 2.39 writes +00:00, not Z */
		sb_printf(b, "%c%02d:%02d", tz >= 0 ? '+' : '-',
			  (tz < 0 ? -tz : tz) / 100, (tz < 0 ? -tz : tz) % 100);
		break;
	case DATE_RFC:
		sb_printf(b, "%.3s, %d %.3s %d %02d:%02d:%02d %+05d",
			  days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
			  tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, tz);
		break;
	case DATE_SHORT:
		sb_printf(b, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			  tm.tm_mday);
		break;
	case DATE_RAW:
		sb_printf(b, "%lld %+05d", (long long)when->time, tz);
		break;
	case DATE_UNIX:
		sb_printf(b, "%lld", (long long)when->time);
		break;
	default:
		sb_printf(b, "%.3s %.3s %d %02d:%02d:%02d %d %+05d",
			  days[tm.tm_wday], months[tm.tm_mon], tm.tm_mday,
			  tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900, tz);
		break;
	}
}

/* Columns of one code point: 0 combining, 2 East Asian wide, else 1. */
static int cp_width(unsigned long c)
{
	static const unsigned long zero[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
		{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x200b, 0x200f },
		{ 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f },
	};
	static const unsigned long wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
		{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
		{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe30, 0xfe4f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
	};
	size_t i;

	for (i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (c >= zero[i][0] && c <= zero[i][1])
			return 0;
	for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (c >= wide[i][0] && c <= wide[i][1])
			return 2;
	return 1;
}

/* Display width of UTF-8 text, like git's utf8_strnwidth(); -1 if invalid. */
static long utf8_width(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + n;
	long w = 0;

	while (s < end) {
		unsigned long c;
		int more;

		if (*s < 0x80) {
			c = *s++;
			if (c >= 0x20 && c != 0x7f)
				w++;
			continue;
		}
		if ((*s & 0xe0) == 0xc0) {
			c = *s & 0x1f;
			more = 1;
		} else if ((*s & 0xf0) == 0xe0) {
			c = *s & 0x0f;
			more = 2;
		} else if ((*s & 0xf8) == 0xf0) {
			c = *s & 0x07;
			more = 3;
		} else {
			return -1;
		}
		s++;
		while (more--) {
			if (s >= end || (*s & 0xc0) != 0x80)
				return -1;
			c = c << 6 | (*s++ & 0x3f);
		}
		w += cp_width(c);
	}
	return w;
}

/* Width of a path in the diffstat: bytes when it is not UTF-8, as git. */
static long name_width_of(const char *s)
{
	long w = utf8_width(s, strlen(s));

	return w < 0 ? (long)strlen(s) : w;
}

/* A message line after 4 spaces, tabs expanded to 8 columns. */
static void sb_message_line(struct sbuf *b, const char *line, size_t len)
{
	const char *tab;

	sb_chars(b, ' ', 4);
	while ((tab = memchr(line, '\t', len))) {
		size_t n = (size_t)(tab - line);
		long w = utf8_width(line, n);

		if (w < 0)
			w = (long)n;	/* not UTF-8: git counts bytes */
		sb_add(b, line, n);
		sb_chars(b, ' ', (size_t)(8 - w % 8));
		line = tab + 1;
		len -= n + 1;
	}
	sb_add(b, line, len);
}

static size_t line_len(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? (size_t)(nl - s) + 1 : strlen(s);
}

static size_t trimmed(const char *s, size_t len)
{
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return len;
}

/* pretty.c: header, blank line, indented message; trailing space trimmed. */
static void sb_header_message(struct sbuf *b, git_repository *repo,
			      git_commit *c, int as_root,
			      const git_signature *author, enum date_mode dates)
{
	const char *enc = git_commit_message_encoding(c);
	const char *msg = git_commit_message_raw(c);
	unsigned i, n = as_root ? 0 : git_commit_parentcount(c);
	char *umsg = cp__to_utf8(msg, enc);
	char *uname = cp__to_utf8(author->name, enc);
	char *umail = cp__to_utf8(author->email, enc);
	int first = 1;

	if (umsg)
		msg = umsg;

	if (n > 1) {
		int len = default_abbrev(repo);

		sb_puts(b, "Merge:");
		for (i = 0; i < n; i++) {
			sb_add(b, " ", 1);
			sb_abbrev(b, repo, git_commit_parent_id(c, i), len);
		}
		sb_add(b, "\n", 1);
	}
	sb_printf(b, "Author: %s <%s>\n", uname ? uname : author->name,
		  umail ? umail : author->email);
	free(uname);
	free(umail);
	sb_puts(b, "Date:   ");
	sb_date(b, &author->when, dates);
	sb_puts(b, "\n\n");
	while (msg && *msg) {
		size_t ll = line_len(msg), t = trimmed(msg, ll);

		if (!t && first) {
			msg += ll;
			continue;
		}
		first = 0;
		sb_message_line(b, msg, t);
		sb_add(b, "\n", 1);
		msg += ll;
	}
	sb_rtrim(b);
	sb_add(b, "\n", 1);
	free(umsg);
}

/* "\nNotes:\n    ..." from refs/notes/commits, as git show adds it. */
static void sb_notes(struct sbuf *b, git_repository *repo, const git_oid *id)
{
	git_note *note = NULL;
	const char *m;
	size_t len;

	if (git_note_read(&note, repo, NULL, id) < 0) {
		git_error_clear();
		return;
	}
	m = git_note_message(note);
	len = m ? strlen(m) : 0;
	if (len && m[len - 1] == '\n')
		len--;
	sb_puts(b, "\nNotes:\n");
	while (m && len) {
		const char *nl = memchr(m, '\n', len);
		size_t n = nl ? (size_t)(nl - m) : len;

		sb_chars(b, ' ', 4);
		sb_add(b, m, n);
		sb_add(b, "\n", 1);
		if (!nl)
			break;
		m += n + 1;
		len -= n + 1;
	}
	git_note_free(note);
}

static int decimal_width(unsigned long long n)
{
	int w = 1;

	while (n >= 10) {
		n /= 10;
		w++;
	}
	return w;
}

static long scale_linear(long it, long width, long max_change)
{
	if (!it)
		return 0;
	return 1 + (it * (width - 1) / max_change);
}

static void stat_print_names(struct sbuf *names, const struct cp__changes *ch,
			     size_t *off)
{
	size_t i;

	for (i = 0; i < ch->n; i++) {
		const struct cp__change *c = &ch->v[i];

		off[i] = names->len;
		if (c->status == 'R')
			sb_rename(names, c->old_path, c->new_path);
		else
			sb_quoted(names, c->new_path);
		sb_add(names, "\0", 1);
	}
}

/* diff.c show_stats() and print_stat_summary(), for stat_width 80. */
static void sb_stat(struct sbuf *b, const struct cp__changes *ch,
		    struct sbuf *names, size_t *off, long stat_graph_width)
{
	unsigned long long max_change = 0, adds = 0, dels = 0;
	long width = STAT_WIDTH, name_width, graph_width, max_len = 0;
	long number_width = 0, bin_width = 0;
	size_t i;

	stat_print_names(names, ch, off);
	if (names->failed)
		return;
	for (i = 0; i < ch->n; i++) {
		const struct cp__change *c = &ch->v[i];
		long len = name_width_of(names->s + off[i]);

		if (max_len < len)
			max_len = len;
		if (c->binary) {
			long w = 14 + decimal_width(c->new_size) +
				decimal_width(c->old_size);

			if (bin_width < w)
				bin_width = w;
			number_width = 3;
			continue;
		}
		if (max_change < c->insertions + c->deletions)
			max_change = c->insertions + c->deletions;
	}
	if (decimal_width(max_change) > number_width)
		number_width = decimal_width(max_change);
	if (width < 16 + 6 + number_width)
		width = 16 + 6 + number_width;
	graph_width = (long)max_change + 4 > bin_width ? (long)max_change :
		bin_width - 4;
	if (stat_graph_width && stat_graph_width < graph_width)
		graph_width = stat_graph_width;
	name_width = max_len;
	if (name_width + number_width + 6 + graph_width > width) {
		if (graph_width > width * 3 / 8 - number_width - 6) {
			graph_width = width * 3 / 8 - number_width - 6;
			if (graph_width < 6)
				graph_width = 6;
		}
		if (stat_graph_width && graph_width > stat_graph_width)
			graph_width = stat_graph_width;
		if (name_width > width - number_width - 6 - graph_width)
			name_width = width - number_width - 6 - graph_width;
		else
			graph_width = width - number_width - 6 - name_width;
	}
	for (i = 0; i < ch->n; i++) {
		const struct cp__change *c = &ch->v[i];
		const char *name = names->s + off[i], *prefix = "";
		unsigned long long added = c->insertions, deleted = c->deletions;
		long len = name_width, name_len = name_width_of(name);
		long add, del, padding;

		if (name_width < name_len) {
			const char *slash;

			prefix = "...";
			len -= 3;
			/* git advances by columns counted as bytes, too */
			name += name_len - len;
			slash = strchr(name, '/');
			if (slash)
				name = slash;
		}
		padding = len - name_width_of(name);
		if (padding < 0)
			padding = 0;
		sb_printf(b, " %s%s%*s |", prefix, name, (int)padding, "");
		if (c->binary) {
			sb_printf(b, " %*s", (int)number_width, "Bin");
			if (!c->old_size && !c->new_size) {
				sb_add(b, "\n", 1);
				continue;
			}
			sb_printf(b, " %zu -> %zu bytes\n", c->old_size,
				  c->new_size);
			continue;
		}
		add = (long)added;
		del = (long)deleted;
		if (graph_width <= (long)max_change) {
			long total = scale_linear(add + del, graph_width,
						  (long)max_change);

			if (total < 2 && add && del)
				total = 2;
			if (add < del) {
				add = scale_linear(add, graph_width, (long)max_change);
				del = total - add;
			} else {
				del = scale_linear(del, graph_width, (long)max_change);
				add = total - del;
			}
		}
		sb_printf(b, " %*llu%s", (int)number_width, added + deleted,
			  added + deleted ? " " : "");
		if (add > 0)
			sb_chars(b, '+', (size_t)add);
		if (del > 0)
			sb_chars(b, '-', (size_t)del);
		sb_add(b, "\n", 1);
	}
	for (i = 0; i < ch->n; i++) {
		if (ch->v[i].binary)
			continue;
		adds += ch->v[i].insertions;
		dels += ch->v[i].deletions;
	}
	sb_printf(b, ch->n == 1 ? " %zu file changed" : " %zu files changed",
		  ch->n);
	if (adds || !dels)
		sb_printf(b, adds == 1 ? ", %llu insertion(+)" :
			  ", %llu insertions(+)", adds);
	if (dels || !adds)
		sb_printf(b, dels == 1 ? ", %llu deletion(-)" :
			  ", %llu deletions(-)", dels);
	sb_add(b, "\n", 1);
}

static void sb_mode_change(struct sbuf *b, const struct cp__change *c,
			   int show_name)
{
	if (!c->old_mode || !c->new_mode || c->old_mode == c->new_mode)
		return;
	sb_printf(b, " mode change %06o => %06o", c->old_mode, c->new_mode);
	if (show_name) {
		sb_add(b, " ", 1);
		sb_quoted(b, c->new_path);
	}
	sb_add(b, "\n", 1);
}

/* diff.c diff_summary() */
static void sb_summary(struct sbuf *b, const struct cp__changes *ch)
{
	size_t i;

	for (i = 0; i < ch->n; i++) {
		const struct cp__change *c = &ch->v[i];

		switch (c->status) {
		case 'A':
			sb_printf(b, " create mode %06o ", c->new_mode);
			sb_quoted(b, c->new_path);
			sb_add(b, "\n", 1);
			break;
		case 'D':
			sb_printf(b, " delete mode %06o ", c->old_mode);
			sb_quoted(b, c->old_path);
			sb_add(b, "\n", 1);
			break;
		case 'R':
			sb_puts(b, " rename ");
			sb_rename(b, c->old_path, c->new_path);
			sb_printf(b, " (%d%%)\n", c->score * 100 / CP__MAX_SCORE);
			sb_mode_change(b, c, 0);
			break;
		default:
			sb_mode_change(b, c, 1);
			break;
		}
	}
}

/* The settings git show reads that change its output here. */
struct show_config {
	int quote_fully;	/* core.quotePath */
	int mailmap;		/* log.mailmap */
	int show_root;		/* log.showRoot: the diff of a root commit */
	long graph_width;	/* diff.statGraphWidth, 0: no limit */
	enum date_mode dates;	/* log.date */
	int decorate;		/* log.decorate: 0 no (auto), 1 short, 2 full */
	int all_refs;		/* log.initialDecorationSet=all */
};

static void read_show_config(git_repository *repo, struct show_config *sc)
{
	const char *str = NULL;
	git_config *cfg = NULL;
	int32_t w;
	int v;

	sc->quote_fully = 1;
	sc->mailmap = 1;
	sc->show_root = 1;
	sc->graph_width = 0;
	sc->dates = DATE_NORMAL;
	sc->decorate = 0;
	sc->all_refs = 0;
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		git_error_clear();
		return;
	}
	if (git_config_get_bool(&v, cfg, "core.quotePath") == 0)
		sc->quote_fully = v;
	if (git_config_get_bool(&v, cfg, "log.mailmap") == 0)
		sc->mailmap = v;
	if (git_config_get_bool(&v, cfg, "log.showRoot") == 0)
		sc->show_root = v;
	if (git_config_get_int32(&w, cfg, "diff.statGraphWidth") == 0 && w > 0)
		sc->graph_width = w;
	if (git_config_get_string(&str, cfg, "log.date") == 0)
		sc->dates = parse_date_mode(str);
	/* "auto" decorates a terminal only; culprit writes to no terminal */
	if (git_config_get_string(&str, cfg, "log.decorate") == 0 && str) {
		if (!strcasecmp(str, "full"))
			sc->decorate = 2;
		else if (!strcasecmp(str, "short"))
			sc->decorate = 1;
		else if (strcasecmp(str, "auto") &&
			 git_config_get_bool(&v, cfg, "log.decorate") == 0)
			sc->decorate = v;
	}
	if (git_config_get_string(&str, cfg, "log.initialDecorationSet") == 0 &&
	    str && !strcmp(str, "all"))
		sc->all_refs = 1;
	git_config_free(cfg);
	git_error_clear();
}

/* The diffstat and the --summary lines; out of memory marks b failed. */
static void sb_stat_summary(struct sbuf *b, struct sbuf *names,
			    const struct cp__changes *ch, long graph_width)
{
	size_t *off = calloc(ch->n, sizeof(*off));

	if (!off) {
		b->failed = 1;
		return;
	}
	sb_stat(b, ch, names, off, graph_width);
	sb_summary(b, ch);
	free(off);
}

/* The opening both formats share: the commit, the show config, the buffers. */
static int begin_commit_text(struct cp_repo *repo, const struct cp_oid *id, git_commit **c,
			     struct show_config *sc, struct sbuf *b, struct sbuf *names,
			     char **out, struct cp_error *err)
{
	int grc;

	*out = NULL;
	grc = git_commit_lookup(c, repo->git, cp__git_oid(id));
	if (grc < 0) {
		*c = NULL;
		return cp__object_error(grc, cp__git_oid(id), err);
	}
	read_show_config(repo->git, sc);
	b->quote_fully = names->quote_fully = sc->quote_fully;
	return 0;
}

int cp_commit_format_show(struct cp_repo *repo, const struct cp_oid *id,
			  char **out, struct cp_error *err)
{
	struct sbuf b = { NULL, 0, 0, 0, 1 }, names = { NULL, 0, 0, 0, 1 };
	struct cp__changes ch = { NULL, 0, 0 };
	git_signature *author = NULL;
	git_mailmap *mailmap = NULL;
	git_commit *c = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	struct show_config sc;
	int rc = 0, grc, as_root;

	rc = begin_commit_text(repo, id, &c, &sc, &b, &names, out, err);
	if (rc)
		goto out;
	if (sc.mailmap && git_mailmap_from_repository(&mailmap, repo->git) < 0)
		mailmap = NULL;
	grc = git_commit_author_with_mailmap(&author, c, mailmap);
	if (grc < 0) {
		author = NULL;
		rc = cp_error_set(err, CP_ERR_REPO_CORRUPT,
				  "cannot read the author of %s: %s",
				  git_oid_tostr(hex, sizeof(hex), cp__git_oid(id)),
				  cp__git_msg());
		goto out;
	}
	/* git shows a shallow clone's boundary commit as a root */
	as_root = cp__repo_is_shallow_boundary(repo, id);
	if (sc.show_root || (!as_root && git_commit_parentcount(c))) {
		rc = cp__changes_load(repo->git, c, as_root, &ch, err);
		if (rc)
			goto out;
	}
	sb_printf(&b, "commit %s", git_oid_tostr(hex, sizeof(hex),
						 cp__git_oid(id)));
	if (sc.decorate) {
		char *deco = cp__decorations(repo->git, cp__git_oid(id),
					     sc.decorate == 2, sc.all_refs);

		if (deco)
			sb_puts(&b, deco);
		free(deco);
	}
	sb_add(&b, "\n", 1);
	sb_header_message(&b, repo->git, c, as_root, author, sc.dates);
	sb_notes(&b, repo->git, cp__git_oid(id));
	if (ch.n) {
		sb_add(&b, "\n", 1);
		sb_stat_summary(&b, &names, &ch, sc.graph_width);
	}
	if (b.failed || names.failed || !b.s) {
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	*out = b.s;
	b.s = NULL;
out:
	free(b.s);
	free(names.s);
	cp__changes_free(&ch);
	git_signature_free(author);
	git_mailmap_free(mailmap);
	git_commit_free(c);
	return rc;
}

/*
 * What git bisect 2.39 prints after "<sha> is the first bad commit": its
 * internal `git diff-tree --pretty --stat --summary --cc`.  Unlike git show:
 * nothing at all for a root commit or a commit that changes nothing (not
 * even the header), merges always with their header and the stat against
 * the first parent, no mailmap, notes or decorations, and renames detected
 * only when diff.renames says so.
 */
int cp_commit_format_bisect(struct cp_repo *repo, const struct cp_oid *id,
			    char **out, struct cp_error *err)
{
	struct sbuf b = { NULL, 0, 0, 0, 1 }, names = { NULL, 0, 0, 0, 1 };
	struct cp__changes ch = { NULL, 0, 0 };
	git_commit *c = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	struct show_config sc;
	int rc = 0, merge;

	rc = begin_commit_text(repo, id, &c, &sc, &b, &names, out, err);
	if (rc)
		goto out;
	if (!git_commit_parentcount(c) || cp__repo_is_shallow_boundary(repo, id))
		goto empty;
	merge = git_commit_parentcount(c) > 1;
	rc = cp__changes_load_renames(repo->git, c, 0, 0, &ch, err);
	if (rc)
		goto out;
	if (!ch.n && !merge)
		goto empty;
	sb_printf(&b, "commit %s\n", git_oid_tostr(hex, sizeof(hex), cp__git_oid(id)));
	sb_header_message(&b, repo->git, c, 0, git_commit_author(c), sc.dates);
	sb_add(&b, "\n", 1);
	if (ch.n)
		sb_stat_summary(&b, &names, &ch, sc.graph_width);
	if (b.failed || names.failed || !b.s) {
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
		goto out;
	}
	*out = b.s;
	b.s = NULL;
	goto out;
empty:
	*out = strdup("");
	if (!*out)
		rc = cp_error_set(err, CP_ERR_NOMEM, "out of memory");
out:
	free(b.s);
	free(names.s);
	cp__changes_free(&ch);
	git_commit_free(c);
	return rc;
}
