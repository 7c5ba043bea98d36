/* Stack frames of a report text: kernel "func+0xoff/0xsize [module]" lines
 * and user-space "#N 0xpc in func file:line:col" lines. */
#include "report/internal.h"

#include <stdlib.h>
#include <string.h>

void frames_free(struct cp_frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].func);
		free(f[i].module);
		free(f[i].file);
	}
	free(f);
}

static char *dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* "path/file.c:123" after the frame, as symbolized reports print it. */
static void file_line(const char *s, size_t n, struct cp_frame *f, int *rc)
{
	size_t i = 0, fs, fe;

	while (i < n && s[i] == ' ')
		i++;
	fs = i;
	while (i < n && s[i] != ':' && s[i] != ' ' && s[i] != ')')
		i++;
	fe = i;
	if (fe == fs || i >= n || s[i] != ':' || i + 1 >= n || s[i + 1] < '0' || s[i + 1] > '9')
		return;
	if (!memchr(s + fs, '.', fe - fs))
		return;
	f->line = atoi(s + i + 1);
	f->file = dupn(s + fs, fe - fs);
	if (!f->file)
		*rc = CP_ERR_NOMEM;
}

static int add(struct cp_frame **out, size_t *n, size_t *cap, struct cp_frame *f)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct cp_frame *p = realloc(*out, nc * sizeof(*p));

		if (!p)
			return CP_ERR_NOMEM;
		*out = p;
		*cap = nc;
	}
	(*out)[(*n)++] = *f;
	return 0;
}

static bool user_frame(const char *l, size_t n, struct cp_frame *f, int *rc)
{
	size_t i = 0, s;

	while (i < n && l[i] == ' ')
		i++;
	if (i >= n || l[i] != '#')
		return false;
	i++;
	if (i >= n || l[i] < '0' || l[i] > '9')
		return false;
	while (i < n && l[i] >= '0' && l[i] <= '9')
		i++;
	while (i < n && l[i] == ' ')
		i++;
	if (n - i > 2 && l[i] == '0' && l[i + 1] == 'x') {
		f->offset = strtoull(l + i, NULL, 16);
		while (i < n && l[i] != ' ')
			i++;
		while (i < n && l[i] == ' ')
			i++;
	}
	if (n - i < 3 || memcmp(l + i, "in ", 3))
		return false;
	i += 3;
	s = i;
	while (i < n && l[i] != ' ')
		i++;
	if (i == s)
		return false;
	f->func = dupn(l + s, i - s);
	if (!f->func) {
		*rc = CP_ERR_NOMEM;
		return true;
	}
	f->inlined = n >= 9 && !memcmp(l + n - 9, " [inline]", 9);
	file_line(l + i, n - i, f, rc);
	return true;
}

/* "name path/file.c:123 [inline]" as symbolized kernel reports print it. */
static bool inline_frame(const char *l, size_t n, struct cp_frame *f, int *rc)
{
	size_t i = 0, s;

	if (n < 9 || memcmp(l + n - 9, " [inline]", 9))
		return false;
	while (i < n && l[i] == ' ')
		i++;
	s = i;
	while (i < n && (l[i] == '_' || l[i] == '.' || (l[i] >= 'a' && l[i] <= 'z') ||
			 (l[i] >= 'A' && l[i] <= 'Z') || (l[i] >= '0' && l[i] <= '9')))
		i++;
	if (i == s || i >= n || l[i] != ' ')
		return false;
	f->func = dupn(l + s, i - s);
	if (!f->func) {
		*rc = CP_ERR_NOMEM;
		return true;
	}
	f->inlined = true;
	file_line(l + i, n - i - 9, f, rc);
	return true;
}

int frames_parse(const char *text, size_t len, struct cp_frame **out, size_t *n)
{
	struct cp_frame *fr = NULL;
	size_t nf = 0, cap = 0, pos = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	while (pos < len && !rc) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
		size_t ln = nl ? (size_t)(nl - l) : len - pos;
		struct cap m[PAT_MAX_CAPS + 1];
		struct cp_frame f = { 0 };

		pos += ln + 1;
		if (ln > 4096)
			continue;
		if (pat_match_line(&linux_frame_re, l, ln, m)) {
			f.func = dupn(l + m[1].so, (size_t)(m[1].eo - m[1].so));
			if (!f.func) {
				rc = CP_ERR_NOMEM;
				break;
			}
			f.offset = strtoull(l + m[2].so, NULL, 16);
			f.size = strtoull(l + m[3].so, NULL, 16);
			if (m[4].so >= 0 && !(f.module = dupn(l + m[4].so, (size_t)(m[4].eo - m[4].so))))
				rc = CP_ERR_NOMEM;
			if (!rc)
				file_line(l + m[0].eo, ln - (size_t)m[0].eo, &f, &rc);
			f.inlined = mem_find(l, ln, "[inline]") != NULL;
			f.questionable = mem_find(l, ln, " ? ") != NULL;
		} else if (!inline_frame(l, ln, &f, &rc) && !user_frame(l, ln, &f, &rc)) {
			continue;
		}
		if (!rc && f.func)
			rc = add(&fr, &nf, &cap, &f);
		if (rc) {
			free(f.func);
			free(f.module);
			free(f.file);
		}
	}
	if (rc) {
		frames_free(fr, nf);
		return rc;
	}
	*out = fr;
	*n = nf;
	return 0;
}
