/* Replies every page builds from: a plain-text error, a JSON value. */
#include "serve/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int srv_error(struct srv_reply *r, unsigned status, const char *msg)
{
	r->status = status;
	r->type = "text/plain; charset=utf-8";
	if (asprintf(&r->body, "%s\n", msg) < 0) {
		r->body = NULL;
		r->len = 0;
		return 0;
	}
	r->len = strlen(r->body);
	return 0;
}

int srv_json(struct srv_reply *r, unsigned status, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT);

	json_decref(v);
	if (!s)
		return srv_error(r, 500, "out of memory");
	r->status = status;
	r->type = "application/json";
	r->body = s;
	r->len = strlen(s);
	return 0;
}
