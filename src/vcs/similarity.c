/*
 * Git's content similarity for rename detection (diffcore-delta): contents
 * are cut into chunks ending at a newline or after 64 bytes, each chunk is
 * hashed, and the bytes of dst whose chunks also occur in src count as
 * copied.  A trailing chunk without newline shorter than 64 bytes does not
 * count, as in git.
 */
#include "vcs/changes.h"

#include <stdlib.h>
#include <string.h>

#define HASHBASE 107927u
#define FIRST_FEW_BYTES 8000u

int cp__is_binary(const void *data, size_t size)
{
	return memchr(data, 0, size < FIRST_FEW_BYTES ? size : FIRST_FEW_BYTES)
		!= NULL;
}

static int span_cmp(const void *a, const void *b)
{
	const struct cp__span *x = a, *y = b;

	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* Sorted, merged (hash, byte count) spans of buf; NULL on no memory. */
static struct cp__span *hash_chars(const unsigned char *buf, size_t sz,
			       size_t *nspans)
{
	int is_text = !cp__is_binary(buf, sz);
	unsigned accum1 = 0, accum2 = 0;
	size_t n = 0, cap = sz / 16 + 16, count = 0, i, j;
	struct cp__span *v = malloc(cap * sizeof(*v));

	*nspans = 0;
	if (!v)
		return NULL;
	while (sz) {
		unsigned c = *buf++;
		unsigned old_1 = accum1;

		sz--;
		if (is_text && c == '\r' && sz && *buf == '\n')
			continue;
		accum1 = (accum1 << 7) ^ (accum2 >> 25);
		accum2 = (accum2 << 7) ^ (old_1 >> 25);
		accum1 += c;
		if (++n < 64 && c != '\n')
			continue;
		if (count == cap) {
			struct cp__span *nv = realloc(v, 2 * cap * sizeof(*v));

			if (!nv) {
				free(v);
				return NULL;
			}
			v = nv;
			cap *= 2;
		}
		v[count].hash = (accum1 + accum2 * 0x61) % HASHBASE;
		v[count].cnt = n;
		count++;
		n = 0;
		accum1 = accum2 = 0;
	}
	if (count)
		qsort(v, count, sizeof(*v), span_cmp);
	for (i = 0, j = 0; i < count; i++) {
		if (j && v[j - 1].hash == v[i].hash)
			v[j - 1].cnt += v[i].cnt;
		else
			v[j++] = v[i];
	}
	*nspans = j;
	return v;
}

int cp__size_ok(size_t src_size, size_t dst_size, int minimum_score)
{
	size_t max_size = src_size > dst_size ? src_size : dst_size;
	size_t base_size = src_size < dst_size ? src_size : dst_size;

	return !((unsigned long long)max_size *
		 (unsigned long long)(CP__MAX_SCORE - minimum_score) <
		 (unsigned long long)(max_size - base_size) * CP__MAX_SCORE);
}

int cp__spans_compute(const void *buf, size_t size, struct cp__spans *out)
{
	out->v = hash_chars(buf, size, &out->n);
	out->size = size;
	out->ready = out->v != NULL;
	return out->ready ? 0 : -1;
}

void cp__spans_free(struct cp__spans *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int cp__spans_score(const struct cp__spans *src, const struct cp__spans *dst)
{
	size_t i = 0, j, copied = 0;
	size_t max_size = src->size > dst->size ? src->size : dst->size;

	if (!dst->size)
		return 0;
	for (j = 0; j < dst->n; j++) {
		while (i < src->n && src->v[i].hash < dst->v[j].hash)
			i++;
		if (i < src->n && src->v[i].hash == dst->v[j].hash) {
			copied += src->v[i].cnt < dst->v[j].cnt ?
				src->v[i].cnt : dst->v[j].cnt;
			i++;
		}
	}
	return (int)((unsigned long long)copied * CP__MAX_SCORE / max_size);
}
