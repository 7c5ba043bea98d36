/* A report as one JSON object (jansson). */
#include "report/internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A JSON string from arbitrary bytes: invalid UTF-8 bytes become U+FFFD. */
static json_t *jstr(const char *s, size_t n)
{
	unsigned char *out = malloc(n * 3 + 1);
	size_t k = 0;
	json_t *v;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		bool ok = len > 0 && i + len <= n && c != 0;

		for (size_t j = 1; ok && j < len; j++)
			ok = ((unsigned char)s[i + j] >> 6) == 2;
		if (ok && len == 2 && c < 0xc2)
			ok = false;
		if (ok && len == 3) {
			unsigned cp = (c & 0xfu) << 12 | ((unsigned char)s[i + 1] & 0x3fu) << 6 |
				      ((unsigned char)s[i + 2] & 0x3fu);
			ok = cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff);
		}
		if (ok && len == 4) {
			unsigned cp = (c & 0x7u) << 18 | ((unsigned char)s[i + 1] & 0x3fu) << 12;
			ok = cp >= 0x10000 && cp <= 0x10ffff;
		}
		if (ok) {
			memcpy(out + k, s + i, len);
			k += len;
			i += len;
		} else {
			memcpy(out + k, "\xef\xbf\xbd", 3);
			k += 3;
			i++;
		}
	}
	v = json_stringn((const char *)out, k);
	free(out);
	return v;
}

static json_t *jcstr(const char *s)
{
	return jstr(s, strlen(s));
}

static int set(json_t *o, const char *k, json_t *v)
{
	return v ? json_object_set_new(o, k, v) : -1;
}

static json_t *str_or_null(const char *s)
{
	return s ? jcstr(s) : json_null();
}

static json_t *frame_json(const struct cp_frame *f)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (set(o, "func", jcstr(f->func)) ||
	    (f->file && set(o, "file", jcstr(f->file))) ||
	    (f->file && set(o, "line", json_integer(f->line))) ||
	    (f->module && set(o, "module", jcstr(f->module))) ||
	    (f->inlined && set(o, "inline", json_true()))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int cp_report_to_json(const struct cp_report *rep, char **out,
		      struct cp_error *err)
{
	json_t *o = json_object(), *alts = json_array(), *frames = json_array();
	char *s = NULL;

	*out = NULL;
	if (!o || !alts || !frames)
		goto oom;
	for (size_t i = 0; i < rep->n_alt_titles; i++)
		if (json_array_append_new(alts, jcstr(rep->alt_titles[i])))
			goto oom;
	for (size_t i = 0; i < rep->n_frames; i++)
		if (json_array_append_new(frames, frame_json(&rep->frames[i])))
			goto oom;
	if (set(o, "title", jcstr(rep->title)) ||
	    set(o, "alt_titles", alts) ||
	    set(o, "type", json_string(rep->type)) ||
	    set(o, "frame", str_or_null(rep->frame)) ||
	    set(o, "corrupted", json_boolean(rep->corrupted)) ||
	    set(o, "corrupted_reason", str_or_null(rep->corrupted_reason)) ||
	    set(o, "suppressed", json_boolean(rep->suppressed)) ||
	    set(o, "panicked", json_boolean(rep->panicked)) ||
	    set(o, "user_space", json_boolean(rep->user_space)) ||
	    (rep->executor && set(o, "executor", jcstr(rep->executor))) ||
	    set(o, "guilty_file", jcstr(rep->guilty_file ? rep->guilty_file : "")) ||
	    set(o, "start", json_integer((json_int_t)rep->start)) ||
	    set(o, "end", json_integer((json_int_t)rep->end)) ||
	    set(o, "frames", frames) ||
	    set(o, "report", jstr(rep->text, rep->text_len))) {
		alts = frames = NULL;
		goto oom;
	}
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (!s)
		return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
	*out = s;
	return 0;
oom:
	json_decref(o);
	json_decref(alts);
	json_decref(frames);
	return cp_error_set(err, CP_ERR_NOMEM, "out of memory");
}
