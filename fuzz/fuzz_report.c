/*
 * libFuzzer target for the crash-report parser: parses the input whole and
 * as a stream cut at input-derived places (both must agree), serializes
 * the report to JSON and normalizes its title and the raw input as a title.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cp_report *parse_stream(const uint8_t *data, size_t size)
{
	struct cp_report_stream *st;
	struct cp_report *rep = NULL;
	struct cp_error err;
	size_t off = 0, step = size ? (size_t)data[0] % 61 + 1 : 1;

	if (cp_report_stream_new(&st, &err))
		abort();
	while (off < size) {
		size_t n = size - off < step ? size - off : step;

		if (cp_report_stream_feed(st, (const char *)data + off, n, &err))
			abort();
		off += n;
		step = step * 7 % 97 + 1;
	}
	if (cp_report_stream_finish(st, &rep, &err))
		abort();
	cp_report_stream_free(st);
	return rep;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_report *whole = NULL, *split;
	struct cp_error err;
	char *json = NULL, *s, *t;

	if (cp_report_parse((const char *)data, size, &whole, &err))
		abort();
	split = parse_stream(data, size);
	if (!whole != !split)
		abort();
	if (whole) {
		if (strcmp(whole->title, split->title) || whole->start != split->start ||
		    whole->end != split->end || whole->corrupted != split->corrupted ||
		    whole->text_len != split->text_len ||
		    memcmp(whole->text, split->text, whole->text_len))
			abort();
		if (!*whole->title || whole->end < whole->start || whole->end > size)
			abort();
		if (cp_report_to_json(whole, &json, &err))
			abort();
		free(json);
		if (!cp_report_same_title(whole->title, split->title))
			abort();
	}
	cp_report_free(whole);
	cp_report_free(split);
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	t = cp_report_normalize_title(s);
	if (t && strlen(t) > 120)
		abort();
	free(t);
	free(s);
	(void)cp_report_title_type((const char *)"");
	return 0;
}
