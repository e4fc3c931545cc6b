#include "track.h"
#include "fork_state.h"

#include <errno.h>

#include "children.h"
#include "finalizers.h"
#include "guard.h"

/* Runs `call` under the reentrancy guard, once the library is initialised,
 * leaving errno as it was: a call made while exitguard itself is working
 * is exitguard's, and is only forwarded. */
#define GUARDED(call)                                                          \
    do {                                                                       \
        int saved_ = errno;                                                    \
        if (eg_enter()) {                                                      \
            if (eg_ensure_init())                                              \
                call;                                                          \
            eg_leave();                                                        \
        }                                                                      \
        errno = saved_;                                                        \
    } while (0)

struct eg_child *eg_track_child(pid_t pid, enum eg_via via, char *const argv[],
                                const void *stream, enum eg_unchecked unchecked)
{
    struct eg_child *c = 0;
    if (pid > 0)
        GUARDED(c = eg_child_record(pid, via, argv, stream, unchecked));
    return c;
}

struct eg_child *eg_track_child_before(enum eg_via via)
{
    struct eg_child *c = 0;
    GUARDED(c = eg_child_prepare(via, 0, 0, EG_UNCHECKED_NO));
    return c;
}

EG_HOT_TEXT void eg_track_child_after(struct eg_child *c, pid_t pid)
{
    if (c && pid > 0)
        eg_child_started(c, pid);
    else if (c && pid < 0)
        eg_child_not_started(c);
}

void eg_track_fd(int fd, enum eg_via via, unsigned flags)
{
    if (fd >= 0)
        GUARDED(eg_fd_acquired(fd, via, flags));
}

void eg_track_fd_named(int fd, enum eg_via via, unsigned flags, const char *name)
{
    if (fd >= 0)
        GUARDED(eg_fd_acquired_named(fd, via, flags, name));
}

void eg_track_fds(const int *fds, int n, enum eg_via via)
{
    for (int i = 0; i < n; i++)
        eg_track_fd(fds[i], via, 0);
}

void eg_track_adopt(int fd, enum eg_via via, unsigned flags)
{
    if (fd >= 0)
        GUARDED(eg_fd_adopted(fd, via, flags));
}

/* Before the process has materialised, a release has nothing to clear:
 * it is settled after the call, and only a failed one (misuse) counts. */
void eg_track_release_begin(struct eg_release *r, int fd, enum eg_via via, int by_stream)
{
    r->active = 0;
    r->deferred = 0;
    if (fd < 0)
        return;
    eg_finalizers_fd_closing(fd); /* while the fd is still there to use */
    if (!eg_materialised()) {
        r->deferred = 1;
        r->fd = fd;
        r->via = via;
        r->by_stream = by_stream;
        return;
    }
    GUARDED(eg_fd_release_begin(r, fd, via, by_stream));
}

void eg_track_release_end(struct eg_release *r, int not_open, int kept)
{
    if (r->deferred && not_open)
        GUARDED((eg_fd_release_begin(r, r->fd, r->via, r->by_stream),
                 eg_fd_release_end(r, not_open, kept)));
    /* the common case: we forgot an open fd and the call released it */
    else if (r->active && r->after && !kept && !r->stream)
        eg_fd_release_done(r);
    else if (r->active)
        GUARDED(eg_fd_release_end(r, not_open, kept));
}

void eg_track_release_range(unsigned first, unsigned last, enum eg_via via)
{
    eg_finalizers_range_closing(first, last);
    if (eg_materialised())
        GUARDED(eg_fd_release_range(first, last, via));
}
