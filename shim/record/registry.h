/* The fd table: what the process holds, kept true under threads without a
 * lock.  Every slot change is a compare-and-swap on the slot's state word.
 *
 * Ordering, verified the hard way (PITFALLS.md): an fd is recorded only
 * after the call creating it returned, and forgotten *before* the call
 * releasing it runs -- otherwise another thread may be handed the same
 * number in between and its record be erased. */
#ifndef EXITGUARD_REGISTRY_H
#define EXITGUARD_REGISTRY_H

#include <stdint.h>

#include "region.h"

/* Process id as seen by the registry (refreshed in a forked child). */
extern int eg_pid;

/* The slot of fd; with `create`, its chunk is made if missing.  NULL
 * beyond the table, or before the registry exists.  Inline: every
 * interposed fd call looks one up. */
struct eg_fd_slot *eg_fd_slot_create(int fd);
static inline struct eg_fd_slot *eg_fd_slot(int fd, int create)
{
    if ((unsigned)fd >= EG_FD_LIMIT || !eg_region)
        return 0;
    uint32_t off = atomic_load_explicit(&eg_region->fd_chunks[fd >> EG_FD_CHUNK_BITS],
                                        memory_order_acquire);
    if (!off)
        return create ? eg_fd_slot_create(fd) : 0;
    return (struct eg_fd_slot *)eg_at(off) + (fd & (EG_FD_CHUNK - 1));
}

/* Calls fn for each fd in [first, last] that has a slot, in order, up to
 * the highest fd ever recorded; stops at the first nonzero fn returns and
 * returns it (0 when the walk ended). */
int eg_fd_walk(int first, int last, int (*fn)(int fd, struct eg_fd_slot *s, void *ctx),
               void *ctx);

/* fd was just returned by `via`; flags: EG_FD_FILE / EG_FD_DIR /
 * EG_FD_PASSED (dup2/dup3 put it on that number for a child). */
void eg_fd_acquired(int fd, enum eg_via via, unsigned flags);

/* The same, for a call that named what it opened (a path): the name is
 * kept for a post-mortem when the registry is a file (region.h,
 * struct eg_fd_name).  No system call: a copy of at most EG_FD_NAME bytes. */
void eg_fd_acquired_named(int fd, enum eg_via via, unsigned flags, const char *name);

/* Adds EG_FD_FILE / EG_FD_DIR to an open fd (fdopen, fdopendir). */
void eg_fd_adopted(int fd, enum eg_via via, unsigned flags);

/* Sets or clears EG_FD_PASSED on an fd recorded open (fcntl F_SETFD
 * clearing or setting FD_CLOEXEC); an fd not recorded open is left alone.
 * Needs no reentrancy guard: it allocates nothing, calls nothing and leaves
 * errno alone; before the registry exists it does nothing. */
void eg_fd_set_passed(int fd, int passed);

/* A release in progress: begin before the real call, end after it. */
struct eg_release {
    struct eg_fd_slot *slot; /* NULL: fd beyond the table */
    int fd;
    int active;
    enum eg_via via;
    uint64_t before; /* the slot word before */
    uint64_t after;  /* the word this release stored, 0 if none */
    uint32_t stack;
    unsigned stream; /* EG_FD_FILE/DIR: a stream's fd, released behind it */
    uint32_t stream_stack; /* where that stream was opened */
    int deferred;  /* before the registry existed: settled after the call */
    int by_stream;
};

/* `by_stream`: the release comes from fclose/closedir/freopen, so closing
 * a stream's fd is not misuse. */
void eg_fd_release_begin(struct eg_release *r, int fd, enum eg_via via, int by_stream);

/* `not_open`: the kernel answered EBADF for this fd (double close, or never
 * opened: reported).  `kept`: the call failed and left the fd as it was. */
void eg_fd_release_end(struct eg_release *r, int not_open, int kept);

/* The common end of a release, which needs no eg_fd_release_end: the fd
 * was recorded open and the call released it.  Notes when (closed_after);
 * like eg_fd_set_passed it needs no reentrancy guard. */
void eg_fd_release_done(struct eg_release *r);

/* Marks the open fds in [first, last] closed (close_range, closefrom). */
void eg_fd_release_range(unsigned first, unsigned last, enum eg_via via);

/* Seeds the table from /proc/self/fd: those fds are inherited. */
void eg_fd_seed_inherited(void);

void eg_record_error(enum eg_error_kind kind, int fd, enum eg_via via,
                     uint32_t stack, uint32_t other_stack, unsigned other_flags);

#endif
