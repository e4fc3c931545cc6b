/* The public finalizer API: weakref.finalize for C, and the finalizers a
 * close runs.  The records themselves are finalizer_records.c's.
 *
 * A finalizer is a record in the registry, never freed, so that a handle
 * stays valid (and dead) for the life of the process.  Records are linked
 * twice: newest first in one list for the exit sequence, and in a bucket
 * by owner (obj, or fd) for exitguard_release and for closes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exitguard.h"
#include "exit.h"
#include "finalizer_records.h"
#include "finalizers.h"
#include "guard.h"
#include "real.h"
#include "registry.h"
#include "stack.h"
#include "track.h"

/* Any finalizer tied to an fd: until then a close pays one load. */
static _Atomic int fd_finalizers;


/* An fd's owner key must not collide with any pointer a program passes as
 * obj: fds are tied by (fd, the fd's creation sequence) in a separate
 * bucket space, obj by address. */
static _Atomic uint32_t *bucket(uint64_t key, int is_fd)
{
    uint32_t off = atomic_load_explicit(&eg_region->fin_buckets, memory_order_acquire);
    if (!off) {
        uint64_t fresh = eg_region_alloc(EG_FIN_BUCKETS * sizeof(uint32_t));
        if (!fresh)
            return 0;
        uint32_t expected = 0;
        off = atomic_compare_exchange_strong(&eg_region->fin_buckets, &expected, (uint32_t)fresh)
                  ? (uint32_t)fresh
                  : expected;
    }
    uint64_t h = (key ^ (is_fd ? 0x5bd1e995u : 0)) * 0x9e3779b97f4a7c15ull;
    return (_Atomic uint32_t *)eg_at(off) + (h >> 50) % EG_FIN_BUCKETS;
}

static exitguard_finalizer *create(void *obj, int fd, void (*fn)(void *), void *arg,
                                   unsigned flags)
{
    int saved = errno, err = 0;
    struct eg_finalizer *f = 0;
    if (!fn || (flags & ~(EXITGUARD_SIGNAL_SAFE | EXITGUARD_IN_CHILDREN)))
        err = EINVAL;
    else if (!eg_ensure_init())
        err = ENOSYS;
    else if (fd >= 0 && eg_sys_fcntl(fd, F_GETFD, 0) < 0)
        err = EBADF;
    if (err) {
        errno = err;
        return 0;
    }
    int outer = eg_enter();
    struct eg_fd_slot *slot = 0;
    if (fd >= 0) {
        /* tie it to this fd's current life; an fd the registry did not see
         * being opened is recorded now: the process holds it */
        slot = eg_fd_slot(fd, 1);
        if (slot && EG_WORD_STATE(atomic_load(&slot->word)) != EG_FD_OPEN)
            eg_fd_acquired(fd, EG_VIA_unknown, 0);
    }
    _Atomic uint32_t *head = bucket(fd >= 0 ? (uint64_t)fd : (uint64_t)(uintptr_t)obj, fd >= 0);
    uint64_t off = head && (fd < 0 || slot) ? eg_region_alloc(sizeof *f) : 0;
    if (off) {
        f = eg_at(off);
        f->flags = flags;
        atomic_init(&f->atexit, 1);
        f->stack = eg_stack_here();
        f->seq = eg_next_seq();
        f->pid = eg_pid;
        f->fd = fd;
        f->fd_seq = slot ? EG_GET(slot->seq) : 0;
        f->obj = (uintptr_t)obj;
        f->fn = (uintptr_t)fn;
        f->arg = (uintptr_t)arg;
        atomic_init(&f->state, EG_FIN_ALIVE);
        eg_list_push(head, &f->owner_next, (uint32_t)off);
        eg_list_push(&eg_region->finalizers, &f->next, (uint32_t)off);
        if (fd >= 0)
            atomic_store(&fd_finalizers, 1);
        eg_exit_hook_finalizers(); /* the first time only */
    } else {
        atomic_fetch_add(&eg_region->dropped, 1);
    }
    if (outer)
        eg_leave();
    errno = f ? saved : ENOMEM;
    return (exitguard_finalizer *)f;
}

EG_EXPORT exitguard_finalizer *exitguard_finalize(void *obj, void (*fn)(void *), void *arg,
                                                  unsigned flags)
{
    return create(obj, -1, fn, arg, flags);
}

EG_EXPORT exitguard_finalizer *exitguard_finalize_fd(int fd, void (*fn)(void *), void *arg,
                                                     unsigned flags)
{
    if (fd < 0) {
        errno = EBADF;
        return 0;
    }
    return create(0, fd, fn, arg, flags);
}

/* Runs a finalizer the caller has claimed, as the program's own code: the
 * calls it makes are tracked like any other. */
static void run_claimed(struct eg_finalizer *f)
{
    int was_busy = eg_busy;
    eg_busy = 0;
    ((void (*)(void *))(uintptr_t)f->fn)((void *)(uintptr_t)f->arg);
    eg_busy = was_busy;
    eg_finalizer_done(f, EG_FIN_CALLED, 0);
}

/* A forked child changing a finalizer its parent registered changes its
 * own copy: the borrowed registry (region_file.h) is copied first, at the
 * same address, so the handle stays good. */
static void own_registry(void)
{
    if (eg_region_borrowed) {
        int saved = errno;
        eg_ensure_init();
        errno = saved;
    }
}

EG_EXPORT int exitguard_call(exitguard_finalizer *handle)
{
    struct eg_finalizer *f = (struct eg_finalizer *)handle;
    own_registry();
    if (!f || !eg_finalizer_claim(f))
        return 0;
    run_claimed(f);
    return 1;
}

EG_EXPORT int exitguard_detach(exitguard_finalizer *handle, void **obj, void (**fn)(void *),
                               void **arg)
{
    struct eg_finalizer *f = (struct eg_finalizer *)handle;
    own_registry();
    uint32_t alive = EG_FIN_ALIVE;
    if (!f || atomic_load(&f->state) != EG_FIN_ALIVE)
        return 0;
    atomic_store(&f->ended_seq, eg_next_seq()); /* before: see eg_finalizer_claim */
    if (!atomic_compare_exchange_strong(&f->state, &alive, EG_FIN_DEAD))
        return 0;
    atomic_store(&f->outcome, EG_FIN_DETACHED);
    if (obj)
        *obj = (void *)(uintptr_t)f->obj;
    if (fn)
        *fn = (void (*)(void *))(uintptr_t)f->fn;
    if (arg)
        *arg = (void *)(uintptr_t)f->arg;
    return 1;
}

EG_EXPORT int exitguard_peek(const exitguard_finalizer *handle, void **obj,
                             void (**fn)(void *), void **arg)
{
    const struct eg_finalizer *f = (const struct eg_finalizer *)handle;
    if (!exitguard_alive(handle))
        return 0;
    if (obj)
        *obj = (void *)(uintptr_t)f->obj;
    if (fn)
        *fn = (void (*)(void *))(uintptr_t)f->fn;
    if (arg)
        *arg = (void *)(uintptr_t)f->arg;
    return 1;
}

EG_EXPORT int exitguard_alive(const exitguard_finalizer *handle)
{
    const struct eg_finalizer *f = (const struct eg_finalizer *)handle;
    own_registry(); /* a borrowed registry shows the parent's as it is now */
    return f && atomic_load(&f->state) == EG_FIN_ALIVE;
}

EG_EXPORT void exitguard_set_atexit(exitguard_finalizer *handle, int on)
{
    struct eg_finalizer *f = (struct eg_finalizer *)handle;
    own_registry();
    if (f)
        atomic_store(&f->atexit, on != 0);
}

EG_EXPORT int exitguard_get_atexit(const exitguard_finalizer *handle)
{
    const struct eg_finalizer *f = (const struct eg_finalizer *)handle;
    own_registry();
    return f && atomic_load(&f->atexit);
}

/* Runs, newest first, the live finalizers of one bucket that `match`
 * accepts.  The bucket only grows at its head, so a walk never misses an
 * older record. */
static int run_owned(_Atomic uint32_t *head, int (*match)(const struct eg_finalizer *, void *),
                     void *ctx)
{
    int ran = 0;
    for (struct eg_finalizer *f = eg_finalizer_at(atomic_load_explicit(head, memory_order_acquire)); f;
         f = eg_finalizer_at(f->owner_next)) {
        if (atomic_load(&f->state) == EG_FIN_ALIVE && match(f, ctx) && eg_finalizer_claim(f)) {
            run_claimed(f);
            ran++;
        }
    }
    return ran;
}

static int owned_by_obj(const struct eg_finalizer *f, void *obj)
{
    return f->fd < 0 && f->obj == (uintptr_t)obj;
}

EG_EXPORT int exitguard_release(void *obj)
{
    if (!eg_region || !atomic_load(&eg_region->finalizers))
        return 0;
    own_registry();
    _Atomic uint32_t *head = bucket((uint64_t)(uintptr_t)obj, 0);
    return head ? run_owned(head, owned_by_obj, obj) : 0;
}

struct fd_life {
    int fd;
    uint64_t seq;
};

static int owned_by_fd(const struct eg_finalizer *f, void *ctx)
{
    const struct fd_life *life = ctx;
    return f->fd == life->fd && f->fd_seq == life->seq;
}

void eg_finalizers_fd_closing(int fd)
{
    if (!atomic_load_explicit(&fd_finalizers, memory_order_relaxed) || eg_busy)
        return;
    own_registry();
    struct eg_fd_slot *slot = eg_fd_slot(fd, 0);
    _Atomic uint32_t *head = slot ? bucket((uint64_t)fd, 1) : 0;
    if (!head)
        return;
    struct fd_life life = {fd, EG_GET(slot->seq)};
    int saved = errno; /* the close's caller sees the close's errno only */
    run_owned(head, owned_by_fd, &life);
    errno = saved;
}

void eg_finalizers_range_closing(unsigned first, unsigned last)
{
    if (!atomic_load_explicit(&fd_finalizers, memory_order_relaxed) || eg_busy)
        return;
    own_registry();
    int saved = errno;
    /* newest first across the range: the global list is in that order */
    for (struct eg_finalizer *f = eg_finalizer_newest(); f; f = eg_finalizer_older(f)) {
        if (f->fd < 0 || (unsigned)f->fd < first || (unsigned)f->fd > last)
            continue;
        struct eg_fd_slot *slot = eg_fd_slot(f->fd, 0);
        if (slot && EG_GET(slot->seq) == f->fd_seq && eg_finalizer_claim(f))
            run_claimed(f);
    }
    errno = saved;
}
