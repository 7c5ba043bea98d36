/* Small helpers of the report module: growable buffers, substring search. */
#include "report/internal.h"

#include <stdlib.h>
#include <string.h>

int buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return CP_ERR_NOMEM;
		b->p = np;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

char *buf_steal(struct buf *b)
{
	char *p;

	if (!b->p && buf_add(b, "", 0))
		return NULL;
	p = b->p;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void buf_dispose(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

const char *mem_find(const char *hay, size_t hlen, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return hay;
	if (n > hlen)
		return NULL;
	return memmem(hay, hlen, needle, n);
}
