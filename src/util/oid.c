#include "util/oid.h"
#include "util/error.h"

#include <stdlib.h>

void cp_oid_to_hex(const struct cp_oid *oid, char out[CP_OID_HEXSZ + 1])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < CP_OID_RAWSZ; i++) {
		out[2 * i] = digits[oid->id[i] >> 4];
		out[2 * i + 1] = digits[oid->id[i] & 15];
	}
	out[CP_OID_HEXSZ] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cp_oid_from_hex(struct cp_oid *oid, const char *hex)
{
	size_t i;

	for (i = 0; i < CP_OID_RAWSZ; i++) {
		int hi = hexval(hex[2 * i]);
		int lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		oid->id[i] = (unsigned char)(hi << 4 | lo);
	}
	return hex[CP_OID_HEXSZ] == '\0' ? 0 : -1;
}

int cp_oid_push(struct cp_oid **set, size_t *n, const struct cp_oid *id,
		struct cp_error *err)
{
	struct cp_oid *p = realloc(*set, (*n + 1) * sizeof(*p));

	if (!p)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	p[(*n)++] = *id;
	*set = p;
	return 0;
}
