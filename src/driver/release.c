/* No good commit given: the release search, newest tag first, as syzkaller does. */
#include "driver/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No good commit given: the newest release tag that does not crash. */
int drv_find_release(struct driver *d, const struct cp_oid *bad, struct cp_oid *good)
{
	struct cp_release *rel = NULL;
	size_t n = 0, i;
	int ret, found = 0;

	ret = cp_repo_release_tags(d->repo, bad, &rel, &n, d->err);
	if (ret)
		return ret;
	for (i = 0; i < n && !ret && !found; i++) {
		char label[64];
		enum verdict v;

		char why[600], hex[CP_OID_HEXSZ + 1];
		int usable;

		if (cp_oid_equal(&rel[i].commit, bad))
			continue;
		ret = drv_release_usable(d, &rel[i].commit, &usable, why, sizeof(why));
		if (ret)
			break;
		if (!usable) {
			/* thinned: its build needs a compiler or config culprit cannot give */
			drv_log(d, "skipping release %s: %s\n", rel[i].name, why);
			cp_oid_to_hex(&rel[i].commit, hex);
			if (!d->releases_skipped)
				d->releases_skipped = json_array();
			if (!d->releases_skipped ||
			    json_array_append_new(d->releases_skipped,
						  json_pack("{s:s, s:s, s:s}", "tag", rel[i].name,
							    "commit", hex, "reason", why))) {
				ret = cp_error_set(d->err, CP_ERR_NOMEM, "out of memory");
				break;
			}
			continue;
		}
		snprintf(label, sizeof(label), "release %s", rel[i].name);
		ret = drv_test_commit(d, &rel[i].commit, label, &v);
		if (!ret && v == V_CLEAN) {
			*good = rel[i].commit;
			found = 1;
		}
	}
	cp_releases_free(rel, n);
	if (!ret && !found)
		ret = cp_error_set(d->err, CP_ERR_RANGE,
				   "no good commit: every release tag before the bad commit crashes or cannot be tested (give --good)");
	return ret;
}
