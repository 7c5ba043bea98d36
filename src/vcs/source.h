/*
 * The repository as a struct cp_commit_source, the read-only view of
 * commits that the bisection walk (src/bisect/revwalk.h) takes.
 */
#ifndef CULPRIT_VCS_SOURCE_H
#define CULPRIT_VCS_SOURCE_H

#include "bisect/revwalk.h"
#include "vcs/vcs.h"

/* out stays valid while repo is open. */
void cp_repo_commit_source(struct cp_repo *repo, struct cp_commit_source *out);

#endif
