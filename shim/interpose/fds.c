/* Interposers for the calls that create or release a plain fd.  Each one:
 * call the real function, then tell the registry (releases: before). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "guard.h"
#include "real.h"
#include "track.h"
#include "vfork.h"

/* Fortified builds (-D_FORTIFY_SOURCE) call these names instead of open. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

/* open's mode argument exists only when the flags ask for one. */
#define MODE_ARG(flags, last)                                                  \
    ({                                                                         \
        mode_t mode_ = 0;                                                      \
        if (__OPEN_NEEDS_MODE(flags)) {                                        \
            va_list ap_;                                                       \
            va_start(ap_, last);                                               \
            mode_ = va_arg(ap_, mode_t);                                       \
            va_end(ap_);                                                       \
        }                                                                      \
        mode_;                                                                 \
    })

#define TRACKED(via, call)                                                     \
    ({                                                                         \
        int fd_ = (call);                                                      \
        eg_track_fd(fd_, EG_VIA_##via, 0);                                     \
        fd_;                                                                   \
    })

/* A call given the path it opens: the path is kept too. */
#define TRACKED_PATH(via, path, call)                                          \
    ({                                                                         \
        int fd_ = (call);                                                      \
        eg_track_fd_named(fd_, EG_VIA_##via, 0, path);                         \
        fd_;                                                                   \
    })

EG_EXPORT int open(const char *path, int flags, ...)
{
    return TRACKED_PATH(open, path, REAL(open)(path, flags, MODE_ARG(flags, flags)));
}

EG_EXPORT int open64(const char *path, int flags, ...)
{
    return TRACKED_PATH(open64, path, REAL(open64)(path, flags, MODE_ARG(flags, flags)));
}

EG_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
    return TRACKED_PATH(openat, path, REAL(openat)(dirfd, path, flags, MODE_ARG(flags, flags)));
}

EG_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
    return TRACKED_PATH(openat64, path, REAL(openat64)(dirfd, path, flags, MODE_ARG(flags, flags)));
}

EG_EXPORT int creat(const char *path, mode_t mode)
{
    return TRACKED_PATH(creat, path, REAL(creat)(path, mode));
}

EG_EXPORT int creat64(const char *path, mode_t mode)
{
    return TRACKED_PATH(creat64, path, REAL(creat64)(path, mode));
}

EG_EXPORT int __open_2(const char *path, int flags)
{
    return TRACKED_PATH(__open_2, path, REAL(__open_2)(path, flags));
}

EG_EXPORT int __open64_2(const char *path, int flags)
{
    return TRACKED_PATH(__open64_2, path, REAL(__open64_2)(path, flags));
}

EG_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
    return TRACKED_PATH(__openat_2, path, REAL(__openat_2)(dirfd, path, flags));
}

EG_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
    return TRACKED_PATH(__openat64_2, path, REAL(__openat64_2)(dirfd, path, flags));
}

EG_EXPORT int close(int fd)
{
    struct eg_release r;
    eg_track_release_begin(&r, fd, EG_VIA_close, 0);
    int ret = REAL(close)(fd);
    /* Linux releases the fd even when close fails, except with EBADF */
    eg_track_release_end(&r, ret < 0 && errno == EBADF, 0);
    return ret;
}

/* Ranges are forgotten before the call, like every release. */
EG_EXPORT int close_range(unsigned first, unsigned last, int flags)
{
    /* flags the kernel would refuse (EINVAL) close nothing */
    int valid = !(flags & ~(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE)) && first <= last;
    if (valid && !(flags & CLOSE_RANGE_CLOEXEC))
        eg_track_release_range(first, last, EG_VIA_close_range);
    return REAL(close_range)(first, last, flags);
}

EG_EXPORT void closefrom(int first)
{
    if (first >= 0)
        eg_track_release_range((unsigned)first, ~0u, EG_VIA_closefrom);
    REAL(closefrom)(first);
}

EG_EXPORT int dup(int fd)
{
    return TRACKED(dup, REAL(dup)(fd));
}

/* dup2/dup3 onto an open fd close it first: a release, then an acquisition. */
static int dup_onto(int (*real)(int, int, int), int is_dup2, int old, int new,
                    int flags, enum eg_via via)
{
    if (old == new) /* dup2 checks old and returns it; dup3 fails: no change */
        return is_dup2 ? ((int (*)(int, int))(void *)real)(old, new)
                       : real(old, new, flags);
    struct eg_release r;
    eg_track_release_begin(&r, new, via, 0);
    int ret = is_dup2 ? ((int (*)(int, int))(void *)real)(old, new) : real(old, new, flags);
    eg_track_release_end(&r, 0, ret < 0);
    /* A number chosen by the program, without O_CLOEXEC: the way a child
     * is handed an fd on purpose, so exec does not call it a leak. */
    eg_track_fd(ret, via, flags & O_CLOEXEC ? 0 : EG_FD_PASSED); /* dup2: flags 0 */
    if (eg_vfork.in_child && ret >= 0 && !(flags & O_CLOEXEC))
        eg_vfork_child_passed(ret);
    return ret;
}

EG_EXPORT int dup2(int old, int new)
{
    return dup_onto((int (*)(int, int, int))(void *)REAL(dup2), 1, old, new, 0, EG_VIA_dup2);
}

EG_EXPORT int dup3(int old, int new, int flags)
{
    return dup_onto(REAL(dup3), 0, old, new, flags, EG_VIA_dup3);
}

/* Clearing FD_CLOEXEC by hand is handing the fd to a child on purpose;
 * setting it again takes that back.  Not under the reentrancy guard (see
 * eg_fd_set_passed), but never for exitguard's own calls. */
static void cloexec_changed(int fd, int cloexec)
{
    if (eg_vfork.in_child && !cloexec)
        eg_vfork_child_passed(fd); /* the registry is its parent's */
    else if (!eg_busy)
        eg_fd_set_passed(fd, !cloexec);
}

/* The third argument is an int or a pointer depending on cmd; on x86_64
 * both travel in the same register, so reading it as a pointer is exact. */
#define FCNTL_BODY(real)                                                       \
    va_list ap;                                                                \
    va_start(ap, cmd);                                                         \
    void *arg = va_arg(ap, void *);                                            \
    va_end(ap);                                                                \
    int ret = (real)(fd, cmd, arg);                                            \
    if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)                              \
        eg_track_fd(ret, EG_VIA_fcntl, 0);                                     \
    else if (cmd == F_SETFD && ret == 0)                                       \
        cloexec_changed(fd, (int)(intptr_t)arg & FD_CLOEXEC);                  \
    return ret;

EG_EXPORT int fcntl(int fd, int cmd, ...) { FCNTL_BODY(REAL(fcntl)) }
EG_EXPORT int fcntl64(int fd, int cmd, ...) { FCNTL_BODY(REAL(fcntl64)) }

/* FIOCLEX and FIONCLEX are F_SETFD by another name. */
EG_EXPORT int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    int ret = REAL(ioctl)(fd, request, arg);
    if (ret == 0 && (request == FIOCLEX || request == FIONCLEX))
        cloexec_changed(fd, request == FIOCLEX);
    return ret;
}

static void track_pair(int ret, const int fds[2], enum eg_via via)
{
    if (ret == 0)
        eg_track_fds(fds, 2, via);
}

EG_EXPORT int pipe(int fds[2])
{
    int ret = REAL(pipe)(fds);
    track_pair(ret, fds, EG_VIA_pipe);
    return ret;
}

EG_EXPORT int pipe2(int fds[2], int flags)
{
    int ret = REAL(pipe2)(fds, flags);
    track_pair(ret, fds, EG_VIA_pipe2);
    return ret;
}

EG_EXPORT int eventfd(unsigned int count, int flags)
{
    return TRACKED(eventfd, REAL(eventfd)(count, flags));
}

EG_EXPORT int timerfd_create(int clock, int flags)
{
    return TRACKED(timerfd_create, REAL(timerfd_create)(clock, flags));
}

EG_EXPORT int signalfd(int fd, const sigset_t *mask, int flags)
{
    int ret = REAL(signalfd)(fd, mask, flags);
    if (fd == -1) /* otherwise it changed the mask of an existing signalfd */
        eg_track_fd(ret, EG_VIA_signalfd, 0);
    return ret;
}

EG_EXPORT int epoll_create(int size)
{
    return TRACKED(epoll_create, REAL(epoll_create)(size));
}

EG_EXPORT int epoll_create1(int flags)
{
    return TRACKED(epoll_create1, REAL(epoll_create1)(flags));
}

EG_EXPORT int inotify_init(void)
{
    return TRACKED(inotify_init, REAL(inotify_init)());
}

EG_EXPORT int inotify_init1(int flags)
{
    return TRACKED(inotify_init1, REAL(inotify_init1)(flags));
}

EG_EXPORT int memfd_create(const char *name, unsigned int flags)
{
    return TRACKED(memfd_create, REAL(memfd_create)(name, flags));
}

EG_EXPORT int pidfd_open(pid_t pid, unsigned int flags)
{
    return TRACKED(pidfd_open, REAL(pidfd_open)(pid, flags));
}

EG_EXPORT int pidfd_getfd(int pidfd, int targetfd, unsigned int flags)
{
    return TRACKED(pidfd_getfd, REAL(pidfd_getfd)(pidfd, targetfd, flags));
}

EG_EXPORT int fanotify_init(unsigned int flags, unsigned int event_flags)
{
    return TRACKED(fanotify_init, REAL(fanotify_init)(flags, event_flags));
}

EG_EXPORT int posix_openpt(int flags)
{
    return TRACKED(posix_openpt, REAL(posix_openpt)(flags));
}
