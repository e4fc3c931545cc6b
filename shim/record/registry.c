#define _GNU_SOURCE
#include "registry.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fork_state.h"
#include "region_file.h"
#include "stack.h"

EG_FORK_STATE int eg_pid;

struct eg_fd_slot *eg_fd_slot_create(int fd)
{
    _Atomic uint32_t *chunk = &eg_region->fd_chunks[fd >> EG_FD_CHUNK_BITS];
    uint32_t off = atomic_load_explicit(chunk, memory_order_acquire);
    if (!off) {
        uint64_t fresh = eg_region_alloc(EG_FD_CHUNK * sizeof(struct eg_fd_slot));
        if (!fresh)
            return 0;
        /* A thread that loses this race wastes its chunk; chunks are
         * installed a handful of times per process at most. */
        uint32_t expected = 0;
        if (atomic_compare_exchange_strong(chunk, &expected, (uint32_t)fresh))
            off = (uint32_t)fresh;
        else
            off = expected;
    }
    return (struct eg_fd_slot *)eg_at(off) + (fd & (EG_FD_CHUNK - 1));
}

EG_HOT_TEXT int eg_fd_walk(int first, int last, int (*fn)(int fd, struct eg_fd_slot *s, void *ctx),
               void *ctx)
{
    int high = atomic_load_explicit(&eg_region->fd_high, memory_order_acquire);
    if (last > high)
        last = high; /* nothing above was ever recorded */
    for (int fd = first < 0 ? 0 : first; fd <= last; fd++) {
        struct eg_fd_slot *s = eg_fd_slot(fd, 0);
        if (!s) {
            fd |= EG_FD_CHUNK - 1; /* a chunk never used */
            continue;
        }
        int stop = fn(fd, s, ctx);
        if (stop)
            return stop;
    }
    return 0;
}

/* Whether fd is open in the kernel right now: asked only to settle a race
 * (see eg_fd_release_end), never on the common path. */
static int kernel_has(int fd)
{
    return syscall(SYS_fcntl, fd, F_GETFD) >= 0;
}

/* Returns the creation sequence it gave the fd. */
static uint64_t store_open(struct eg_fd_slot *s, int fd, enum eg_via via,
                           unsigned flags, uint32_t stack)
{
    uint64_t old = atomic_load_explicit(&s->word, memory_order_relaxed);
    uint64_t next;
    EG_SET(s->closed_after, 0); /* before any word this CAS publishes */
    do {
        /* An fd we think open being handed out again means a release we did
         * not see (a raw syscall, a libc-internal close): the new owner wins.
         * On an uncertain number, a close we did not see may have closed
         * this very fd between the kernel handing it to us and now: ask. */
        unsigned uncertain = EG_WORD_FLAGS(old) & EG_FD_UNCERTAIN;
        if (uncertain && !kernel_has(fd))
            next = EG_WORD(EG_WORD_GEN(old) + 1, uncertain, via, EG_FD_CLOSED);
        else
            next = EG_WORD(EG_WORD_GEN(old) + 1, flags | uncertain, via, EG_FD_OPEN);
    } while (!atomic_compare_exchange_weak_explicit(&s->word, &old, next,
                                                    memory_order_acq_rel,
                                                    memory_order_relaxed));
    uint64_t seq = eg_next_seq();
    EG_SET(s->seq, seq);
    EG_SET(s->stack, stack);
    EG_SET(s->pid, eg_pid);
    int high = atomic_load_explicit(&eg_region->fd_high, memory_order_relaxed);
    while (fd > high && !atomic_compare_exchange_weak_explicit(&eg_region->fd_high, &high, fd,
                                                              memory_order_relaxed,
                                                              memory_order_relaxed))
        ;
    return seq;
}

void eg_fd_acquired(int fd, enum eg_via via, unsigned flags)
{
    struct eg_fd_slot *s = eg_fd_slot(fd, 1);
    if (s)
        store_open(s, fd, via, flags, eg_stack_here());
}

/* The name's record beside fd's slot, its chunk made if missing; NULL
 * when the region is full. */
static struct eg_fd_name *name_record(int fd)
{
    _Atomic uint32_t *chunk = &eg_region->fd_names[fd >> EG_FD_CHUNK_BITS];
    uint32_t off = atomic_load_explicit(chunk, memory_order_acquire);
    if (!off) {
        /* sparse: a page is written only for the fds it holds */
        uint64_t fresh = eg_region_alloc(EG_FD_CHUNK * sizeof(struct eg_fd_name));
        if (!fresh)
            return 0;
        uint32_t expected = 0;
        off = atomic_compare_exchange_strong(chunk, &expected, (uint32_t)fresh)
                  ? (uint32_t)fresh
                  : expected;
    }
    return (struct eg_fd_name *)eg_at(off) + (fd & (EG_FD_CHUNK - 1));
}

void eg_fd_acquired_named(int fd, enum eg_via via, unsigned flags, const char *name)
{
    struct eg_fd_slot *s = eg_fd_slot(fd, 1);
    if (!s)
        return;
    uint64_t seq = store_open(s, fd, via, flags, eg_stack_here());
    struct eg_fd_name *n = name && eg_region_is_file() ? name_record(fd) : 0;
    if (!n)
        return;
    size_t len = strlen(name), keep = len < EG_FD_NAME ? len : EG_FD_NAME;
    uint64_t words[EG_FD_NAME / 8] = {0};
    memcpy(words, name + len - keep, keep);
    for (unsigned i = 0; i < EG_FD_NAME / 8; i++)
        EG_SET(n->text[i], words[i]);
    EG_SET(n->len, keep | (keep < len ? 256 : 0));
    EG_SET(n->seq, seq);
}

/* Sets `set` and clears `clear` among an open slot's flags; 0 when the
 * slot is not open (nothing changed). */
static int change_flags(struct eg_fd_slot *s, unsigned set, unsigned clear)
{
    uint64_t old = atomic_load_explicit(&s->word, memory_order_relaxed);
    for (;;) {
        if (EG_WORD_STATE(old) != EG_FD_OPEN)
            return 0;
        unsigned flags = (EG_WORD_FLAGS(old) | set) & ~clear;
        if (flags == EG_WORD_FLAGS(old))
            return 1;
        uint64_t next = EG_WORD(EG_WORD_GEN(old) + 1, flags, EG_WORD_VIA(old), EG_FD_OPEN);
        if (atomic_compare_exchange_weak_explicit(&s->word, &old, next, memory_order_acq_rel,
                                                  memory_order_relaxed))
            return 1;
    }
}

void eg_fd_adopted(int fd, enum eg_via via, unsigned flags)
{
    struct eg_fd_slot *s = eg_fd_slot(fd, 1);
    /* fdopen of an fd we never saw open: record it now, from here */
    if (s && !change_flags(s, flags, 0))
        store_open(s, fd, via, flags, eg_stack_here());
}

void eg_fd_set_passed(int fd, int passed)
{
    struct eg_fd_slot *s = eg_fd_slot(fd, 0);
    if (s)
        change_flags(s, passed ? EG_FD_PASSED : 0, passed ? 0 : EG_FD_PASSED);
}

void eg_record_error(enum eg_error_kind kind, int fd, enum eg_via via,
                     uint32_t stack, uint32_t other_stack, unsigned other_flags)
{
    uint32_t i = atomic_fetch_add_explicit(&eg_region->nerrors, 1, memory_order_relaxed);
    if (i >= EG_MAX_ERRORS)
        return;
    struct eg_error *e = &eg_region->errors[i];
    e->fd = fd;
    e->via = via;
    e->stack = stack;
    e->other_stack = other_stack;
    e->other_flags = other_flags;
    e->seq = eg_next_seq();
    atomic_store_explicit((_Atomic uint32_t *)&e->kind, kind, memory_order_release);
}

/* Marks an open slot closed, keeping its flags (a forked child reading its
 * parent's record of an fd closed after the fork still sees whether it
 * was inherited or handed over); returns the word stored, or 0 if the
 * slot was not open.  *before gets the word it held. */
static uint64_t mark_closed(struct eg_fd_slot *s, uint64_t *before)
{
    uint64_t old = atomic_load_explicit(&s->word, memory_order_relaxed);
    for (;;) {
        *before = old;
        if (EG_WORD_STATE(old) != EG_FD_OPEN)
            return 0;
        uint64_t next = EG_WORD(EG_WORD_GEN(old) + 1, EG_WORD_FLAGS(old), EG_WORD_VIA(old),
                                EG_FD_CLOSED);
        if (atomic_compare_exchange_weak_explicit(&s->word, &old, next,
                                                  memory_order_acq_rel,
                                                  memory_order_relaxed))
            return next;
    }
}

void eg_fd_release_begin(struct eg_release *r, int fd, enum eg_via via, int by_stream)
{
    r->fd = fd;
    r->active = 1;
    r->via = via;
    r->after = 0;
    r->stream = 0;
    r->stack = eg_stack_here();
    r->before = 0;
    struct eg_fd_slot *s = r->slot = eg_fd_slot(fd, 1);
    if (!s)
        return;
    EG_SET(s->closed_after, 0); /* not closed yet: a fork now copies the fd */
    r->after = mark_closed(s, &r->before);
    if (!r->after)
        return; /* not open: judged in release_end, once the kernel answered */
    EG_SET(s->release_stack, r->stack);
    if (!by_stream) {
        r->stream = EG_WORD_FLAGS(r->before) & (EG_FD_FILE | EG_FD_DIR);
        r->stream_stack = EG_GET(s->stack);
    }
}

/* Releases that close the fd itself (dup2 onto it replaces it instead). */
static int closed_it(enum eg_via via)
{
    return via == EG_VIA_close || via == EG_VIA_fclose || via == EG_VIA_closedir;
}

void eg_fd_release_done(struct eg_release *r)
{
    struct eg_fd_slot *s = r->slot;
    /* gone from the kernel: a fork noted after this sequence made a child
     * without it.  (Another thread reopening the number meanwhile may see
     * this land on its open record: only a closed record's is read.) */
    if (s && r->after && atomic_load_explicit(&s->word, memory_order_acquire) == r->after) {
        uint64_t after = eg_next_seq() - EG_GET(s->seq);
        EG_SET(s->closed_after, after < UINT32_MAX ? (uint32_t)after : 0);
    }
}

void eg_fd_release_end(struct eg_release *r, int not_open, int kept)
{
    if (!r->active)
        return;
    struct eg_fd_slot *s = r->slot;
    if (r->after) {
        if (r->stream && !kept) /* reported only if the call went through */
            eg_record_error(EG_ERR_STREAM_FD, r->fd, r->via, r->stack, r->stream_stack,
                            r->stream);
        if (kept && s) {
            /* the call failed before releasing (dup2 with a bad source fd):
             * put the record back unless someone changed the slot since */
            uint64_t expected = r->after;
            uint64_t back = EG_WORD(EG_WORD_GEN(r->after) + 1, EG_WORD_FLAGS(r->before),
                                    EG_WORD_VIA(r->before), EG_FD_OPEN);
            atomic_compare_exchange_strong(&s->word, &expected, back);
        } else {
            eg_fd_release_done(r);
        }
        return;
    }
    if (not_open) {
        /* We did not think it open and the kernel agrees: the program
         * released it twice, or released a number it never had. */
        if (EG_WORD_STATE(r->before) == EG_FD_CLOSED && s)
            eg_record_error(EG_ERR_DOUBLE_CLOSE, r->fd, r->via, r->stack,
                            EG_GET(s->release_stack), 0);
        else
            eg_record_error(EG_ERR_NEVER_OPENED, r->fd, r->via, r->stack, 0, 0);
        return;
    }
    if (!s || !closed_it(r->via))
        return;
    /* The kernel closed an fd we did not think open.  Either it came from
     * somewhere we cannot see, or another thread's open got this number and
     * has not recorded it yet -- or recorded it after we looked.  Settle it
     * without a lock: the slot now says what the kernel says, and the
     * number is marked uncertain, so that an acquisition still in flight
     * asks the kernel too before it records (store_open).  The mark stays:
     * a kernel that says "open" cannot tell us whose fd it is. */
    EG_SET(s->closed_after, 0); /* when the kernel closed it is not known */
    uint64_t now = atomic_load_explicit(&s->word, memory_order_acquire);
    for (;;) {
        enum eg_fd_state state = EG_WORD_STATE(now) == EG_FD_OPEN && kernel_has(r->fd)
                                     ? EG_FD_OPEN
                                     : EG_FD_CLOSED;
        uint64_t next = EG_WORD(EG_WORD_GEN(now) + 1, EG_WORD_FLAGS(now) | EG_FD_UNCERTAIN,
                                EG_WORD_VIA(now), state);
        if (atomic_compare_exchange_weak_explicit(&s->word, &now, next,
                                                  memory_order_acq_rel,
                                                  memory_order_acquire)) {
            if (state == EG_FD_CLOSED) {
                EG_SET(s->release_stack, r->stack);
            }
            return;
        }
    }
}

struct range_release {
    enum eg_via via;
    uint32_t stack; /* captured at the first fd actually closed */
};

static int release_in_range(int fd, struct eg_fd_slot *s, void *ctx)
{
    struct range_release *rr = ctx;
    uint64_t before;
    (void)fd;
    EG_SET(s->closed_after, 0); /* not known: asked at an exec, as before */
    if (mark_closed(s, &before)) {
        if (!rr->stack)
            rr->stack = eg_stack_here();
        EG_SET(s->release_stack, rr->stack);
    }
    return 0;
}

void eg_fd_release_range(unsigned first, unsigned last, enum eg_via via)
{
    struct range_release rr = {via, 0};
    if (first < EG_FD_LIMIT)
        eg_fd_walk((int)first, last >= EG_FD_LIMIT ? EG_FD_LIMIT - 1 : (int)last,
                   release_in_range, &rr);
}

void eg_fd_seed_inherited(void)
{
    int dir = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd",
                           O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return;
    char buf[4096];
    long n;
    while ((n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
        for (long off = 0; off < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            off += d->d_reclen;
            int fd = 0;
            const char *p = d->d_name;
            if (*p < '0' || *p > '9')
                continue;
            for (; *p >= '0' && *p <= '9'; p++)
                fd = fd * 10 + (*p - '0');
            if (fd == dir)
                continue;
            struct eg_fd_slot *s = eg_fd_slot(fd, 1);
            if (s)
                store_open(s, fd, EG_VIA_inherited, EG_FD_INHERITED, 0);
        }
    }
    syscall(SYS_close, dir);
}
