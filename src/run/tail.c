/* The bounded in-memory tail of a child's combined output. */
#include "run/internal.h"

#include <stdlib.h>
#include <string.h>

int cp_tail__init(struct cp_tail *t, size_t cap)
{
	memset(t, 0, sizeof(*t));
	if (cap == 0)
		return CP_ERR_INTERNAL;
	t->buf = malloc(cap);
	if (!t->buf)
		return CP_ERR_NOMEM;
	t->cap = cap;
	return 0;
}

void cp_tail__push(struct cp_tail *t, const char *data, size_t n)
{
	size_t end, first;

	if (n >= t->cap) {
		/* Only the last cap bytes survive. */
		if (n > t->cap || t->len > 0)
			t->dropped = true;
		memcpy(t->buf, data + (n - t->cap), t->cap);
		t->start = 0;
		t->len = t->cap;
		return;
	}
	if (t->len + n > t->cap) {
		size_t drop = t->len + n - t->cap;

		t->start = (t->start + drop) % t->cap;
		t->len -= drop;
		t->dropped = true;
	}
	end = (t->start + t->len) % t->cap;
	first = t->cap - end;
	if (first > n)
		first = n;
	memcpy(t->buf + end, data, first);
	memcpy(t->buf, data + first, n - first);
	t->len += n;
}

int cp_tail__take(const struct cp_tail *t, char **out, size_t *len_out)
{
	size_t first;
	char *s;

	s = malloc(t->len + 1);
	if (!s)
		return CP_ERR_NOMEM;
	first = t->cap - t->start;
	if (first > t->len)
		first = t->len;
	if (t->len)
		memcpy(s, t->buf + t->start, first);
	if (t->len > first)
		memcpy(s + first, t->buf, t->len - first);
	s[t->len] = '\0';
	*out = s;
	*len_out = t->len;
	return 0;
}

void cp_tail__dispose(struct cp_tail *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}
