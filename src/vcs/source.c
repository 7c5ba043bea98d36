#include "vcs/source.h"

static int lookup(void *ctx, const struct cp_oid *id, int64_t *commit_time,
		  const struct cp_oid **parents, size_t *nparents,
		  struct cp_error *err)
{
	return cp_repo_commit_parents(ctx, id, commit_time, parents, nparents, err);
}

void cp_repo_commit_source(struct cp_repo *repo, struct cp_commit_source *out)
{
	out->ctx = repo;
	out->lookup = lookup;
}
