/* The next definition of an interposed symbol, resolved lazily.
 *
 * Lazily, because an interposer can run before our constructor (another
 * preloaded library's constructor opening a file).  dlsym(RTLD_NEXT) does not
 * allocate on success in glibc 2.36, so this is safe in any interposer. */
#ifndef EXITGUARD_REAL_H
#define EXITGUARD_REAL_H

void *eg_real_symbol(const char *name, void *fallback);

/* REAL(open) yields a pointer typed like the prototype of open. */
#define REAL(name)                                                           \
    ({                                                                       \
        static __typeof__(&name) eg_real_##name;                             \
        __typeof__(&name) eg_fn_ =                                           \
            __atomic_load_n(&eg_real_##name, __ATOMIC_RELAXED);              \
        if (!eg_fn_) {                                                       \
            eg_fn_ = (__typeof__(&name))eg_real_symbol(#name, 0);            \
            __atomic_store_n(&eg_real_##name, eg_fn_, __ATOMIC_RELAXED);     \
        }                                                                    \
        eg_fn_;                                                              \
    })

/* What the exit sequence calls from a signal handler, resolved once at
 * start: dlsym takes the loader lock, which the interrupted code may hold. */
struct sigaction;
struct eg_real_fns {
    int (*sigaction)(int, const struct sigaction *, struct sigaction *);
    void (*_exit)(int);
    /* What a forked child nearly always calls first, resolved in the parent
     * before its first fork: a dlsym in each child walks the symbol tables
     * of every object anew (some 10 page faults a child, in pages fork did
     * not copy). */
    void (*exit)(int);
    int (*execve)(const char *, char *const[], char *const[]);
};
extern struct eg_real_fns eg_real;
void eg_real_resolve(void);
void eg_real_resolve_for_children(void);

/* The kernel's calls themselves, for exitguard's own fds (reports, the
 * registry, what a report looks at): never our interposers, never a
 * dlsym, so safe from a signal handler and invisible to the records. */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
static inline int eg_sys_fcntl(int fd, int cmd, long arg)
{
    return (int)syscall(SYS_fcntl, fd, cmd, arg);
}
static inline int eg_sys_open(const char *path, int flags, int mode)
{
    return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}
static inline int eg_sys_close(int fd) { return (int)syscall(SYS_close, fd); }

/* The calls libc has only under versions newer than GLIBC_2.2.5 (stat
 * and its kin 2.33, gettid 2.30, renameat2 2.28, clock_gettime 2.17):
 * each version a library needs is one more check by the loader in every
 * process it is preloaded into (some 300 instructions each, callgrind).
 * These set errno as libc's do. */
#include <sys/stat.h>
#include <time.h>
static inline int eg_fstat(int fd, struct stat *st) { return (int)syscall(SYS_fstat, fd, st); }
static inline int eg_stat(const char *path, struct stat *st)
{
    return (int)syscall(SYS_newfstatat, AT_FDCWD, path, st, 0);
}
static inline int eg_lstat(const char *path, struct stat *st)
{
    return (int)syscall(SYS_newfstatat, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
static inline int eg_gettid(void) { return (int)syscall(SYS_gettid); }
static inline int eg_rename_noreplace(const char *from, const char *to)
{
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 1 /* RENAME_NOREPLACE */);
}
static inline struct timespec eg_monotonic(void)
{
    struct timespec ts = {0, 0};
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
    return ts;
}
static inline long eg_monotonic_ms(void)
{
    struct timespec ts = eg_monotonic();
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the exec checks ask, made in place (raw_syscall.h): a forked
 * child's first call of a libc wrapper its parent never called binds it
 * lazily (symbol lookups through every object's tables: some 10 page
 * faults a child).  errno is left alone; a failure is negative. */
#include "raw_syscall.h"
struct stat;
static inline int eg_sys_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    return (int)eg_raw_syscall(SYS_newfstatat, dirfd, (long)path, (long)st, flags);
}
static inline int eg_sys_fstat(int fd, struct stat *st)
{
    return (int)eg_raw_syscall(SYS_fstat, fd, (long)st, 0, 0);
}
static inline long eg_sys_pread(int fd, void *buf, size_t len, long off)
{
    return eg_raw_syscall(SYS_pread64, fd, (long)buf, (long)len, off);
}
static inline long eg_sys_fgetxattr(int fd, const char *name, void *value, size_t size)
{
    return eg_raw_syscall(SYS_fgetxattr, fd, (long)name, (long)value, (long)size);
}

#endif
