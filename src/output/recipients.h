/*
 * Who must read a bisection result: the culprit's people and the
 * maintainers of what it touches, split into To and Cc as syzbot does.
 *
 * - The author and every address in Signed-off-by, Reviewed-by, Acked-by,
 *   Tested-by, Co-developed-by trailers and their "-and-" forms
 *   (Reviewed-and-tested-by, ...) are To.  Cc: trailers and stable@ are not
 *   taken.  Addresses are lowercased.
 * - The repository's MAINTAINERS file as of the culprit (read from the
 *   commit's tree) is matched against every changed path (old and new for
 *   renames) and, with K: lines, against the +/- lines of the patch:
 *   maintainers of Maintained/Supported sections and mailing lists are To;
 *   reviewers, maintainers of other sections (Odd Fixes, Orphan, no S:) are
 *   Cc; linux-kernel@vger.kernel.org is Cc when another list is To.
 * - An address is listed once (To wins); both lists are sorted.
 *
 * Caller's steps: cp_recipients_for_commit(), read to/cc,
 * cp_recipients_dispose().
 */
#ifndef CULPRIT_OUTPUT_RECIPIENTS_H
#define CULPRIT_OUTPUT_RECIPIENTS_H

#include <stddef.h>

#include "output/maintainers.h"
#include "util/error.h"
#include "util/oid.h"

struct cp_repo;
struct cp_trailer;

/* Invariant: to/cc hold malloc'd lowercased addresses, sorted, disjoint. */
struct cp_recipients {
	char **to;
	size_t nto;
	char **cc;
	size_t ncc;
};

int cp_recipients_for_commit(struct cp_repo *repo, const struct cp_oid *id,
			     struct cp_recipients *out, struct cp_error *err);
void cp_recipients_dispose(struct cp_recipients *r);

/*
 * 1 when a trailer key is one whose address is a recipient
 * (case-insensitive): Signed-off-by, Reviewed-by, Acked-by, Tested-by,
 * Co-developed-by, and "-and-" joins of them.
 */
int cp_recipient_trailer(const char *key);

/*
 * The MAINTAINERS file in the tree of commit id (directories checked in that
 * tree).  *out is NULL (and 0 returned) when the tree has none.
 */
int cp_maintainers_load_commit(struct cp_repo *repo, const struct cp_oid *id,
			       struct cp_maintainers **out, struct cp_error *err);

/*
 * dir/MAINTAINERS on the file system (directories checked under dir).
 * CP_ERR_IO when it cannot be read.
 */
int cp_maintainers_load_dir(const char *dir, struct cp_maintainers **out,
			    struct cp_error *err);

#endif
