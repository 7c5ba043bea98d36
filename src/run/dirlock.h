/*
 * The output directory lock: one culprit per output directory.
 *
 * cp_dirlock_acquire() takes a non-blocking flock() on <dir>/lock and
 * writes culprit's pid into it; a second culprit gets CP_ERR_LOCKED naming
 * the holder.  The kernel drops the lock when the holder dies, even by
 * SIGKILL, so a stale lock file never blocks a resume.  (Children forked
 * but not yet exec'd share the lock for an instant; when the recorded
 * holder is dead, acquiring waits up to 3 s for them to die.)  The descriptor is
 * close-on-exec and the executor closes it in its children, so a leftover
 * child cannot keep the directory locked.
 */
#ifndef CULPRIT_RUN_DIRLOCK_H
#define CULPRIT_RUN_DIRLOCK_H

#include "util/error.h"

/* Locks dir (which must exist); *fd_out holds the lock until released. */
int cp_dirlock_acquire(int *fd_out, const char *dir, struct cp_error *err);

/* Releases the lock (the file stays).  A negative fd is ignored. */
void cp_dirlock_release(int fd);

#endif
