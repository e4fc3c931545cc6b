/* What an interposer calls after (or around) the real call.  Each function
 * forwards nothing itself; it takes the reentrancy guard, makes sure the
 * library is initialised, tells the registry, and leaves errno exactly as
 * the real call left it. */
#ifndef EXITGUARD_TRACK_H
#define EXITGUARD_TRACK_H

#include "registry.h"
#include "start_state.h"

#include <stdatomic.h>
#include <sys/types.h>


/* Materialises the registry once (also when an interposer runs before
 * our constructor); returns 0 if exitguard cannot work in this process.
 * Inline: every acquisition asks. */
int eg_ensure_init_slow(void);
static inline int eg_ensure_init(void)
{
    return atomic_load_explicit(&eg_init_state, memory_order_acquire) == EG_READY ||
           eg_ensure_init_slow();
}


/* In a new child process (fork's atfork handler, _Fork). */
void eg_after_fork_in_child(void);

/* pid was just started by `via`: eg_child_record (children.h) under the
 * reentrancy guard, once the registry is ready, errno left alone. */
struct eg_child *eg_track_child(pid_t pid, enum eg_via via, char *const argv[],
                                const void *stream, enum eg_unchecked unchecked);

/* eg_track_child around a fork (eg_child_prepare, children.h): before
 * it, under the guard; after it, with what it returned (in the child,
 * nothing). */
struct eg_child *eg_track_child_before(enum eg_via via);
void eg_track_child_after(struct eg_child *c, pid_t pid);

void eg_track_fd(int fd, enum eg_via via, unsigned flags);
/* eg_track_fd, keeping `name` (the path the call was given) for a
 * post-mortem (registry.h, eg_fd_acquired_named). */
void eg_track_fd_named(int fd, enum eg_via via, unsigned flags, const char *name);
void eg_track_fds(const int *fds, int n, enum eg_via via);
void eg_track_adopt(int fd, enum eg_via via, unsigned flags);
void eg_track_release_begin(struct eg_release *r, int fd, enum eg_via via, int by_stream);
void eg_track_release_end(struct eg_release *r, int not_open, int kept);
void eg_track_release_range(unsigned first, unsigned last, enum eg_via via);

#endif
