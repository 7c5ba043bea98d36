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

		if (cp_oid_equal(&rel[i].commit, bad))
			continue;
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
