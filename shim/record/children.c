/* The child registry: one record per child process started, on a list
 * that only grows (region.h).  The kernel hands a pid out again only
 * after its process was reaped, so a new child with the pid of an
 * unreaped record proves that record's child was reaped unseen (a raw
 * syscall, a library's internal wait).
 *
 * The record of a child reaped through us is reused for a later child, in
 * place: a shell running thousands of commands would otherwise grow its
 * registry by a record each, and every fork copies the page tables of all
 * of it.  Only this process's own records are reused, so that they stay
 * the list's prefix; a reader skips a record that is not UNREAPED before
 * it reads the rest, and the rewrite publishes UNREAPED last. */
#define _GNU_SOURCE
#include "children.h"

#include <errno.h>
#include <string.h>

#include "fork_state.h"
#include "guard.h"
#include "registry.h"
#include "stack.h"

/* popen streams not yet closed, in this process and its forked copies: at
 * 0 (nearly always) fclose need not look for one. */
static _Atomic int open_streams;

/* Walks go through all of this process's own records (the prefix of the
 * list): with reaped ones reused there are about as many as children ever
 * alive at once.  (A count of unreaped records to stop early no longer
 * holds: a reused record may turn UNREAPED behind a walk's position.) */

/* A reaped own record, ready for reuse, sits in eg_region->child_spares
 * (0: empty); a slot is taken with an exchange, so two threads never get
 * the same record.  The spares and first_child_taken are in the region's
 * header, beside seq: the parent writes them between a fork and the next,
 * and every page it writes then is a copy-on-write fault. */

/* A child a signal killed keeps its record (not reused) so that the
 * report can say how it died: its own registry, read post mortem, cannot
 * (SIGKILL leaves no report).  Bounded, so that a program killing
 * children by the million does not fill its registry with them.  Written
 * only for such a child. */
enum { KEPT_KILLED = 64 };
EG_FORK_STATE static _Atomic unsigned kept_killed;

static void keep_spare(struct eg_child *c)
{
    uint32_t off = (uint32_t)((char *)c - (char *)eg_region);
    for (unsigned i = 0; i < EG_CHILD_SPARES; i++) {
        uint32_t empty = 0;
        if (atomic_compare_exchange_strong(&eg_region->child_spares[i], &empty, off))
            return;
    }
}

static struct eg_child *take_spare(void)
{
    for (unsigned i = 0; i < EG_CHILD_SPARES; i++) {
        _Atomic uint32_t *slot = &eg_region->child_spares[i];
        uint32_t off = atomic_load_explicit(slot, memory_order_relaxed);
        if (off && (off = atomic_exchange(slot, 0)))
            return eg_at(off);
    }
    return 0;
}

/* The first record, in a forked child's copy, may be in its parent's use. */
void eg_children_forked(void)
{
    for (unsigned i = 0; i < EG_CHILD_SPARES; i++)
        atomic_store(&eg_region->child_spares[i], 0); /* the parent's records, not ours */
    atomic_store(&kept_killed, 0);
    atomic_store(&eg_region->first_child_taken, 1);
}

/* Killed by a signal, as a wait status says. */
static int killed(int status)
{
    return (status & 0x7f) != 0 && (status & 0x7f) != 0x7f;
}

struct eg_child *eg_child_newest(void)
{
    uint32_t off = eg_region ? atomic_load_explicit(&eg_region->children, memory_order_acquire) : 0;
    struct eg_child *c = off ? eg_at(off) : 0;
    return c && c->parent == eg_pid ? c : 0;
}

/* UNREAPED -> REAPED once, whoever gets there first. */
static int mark_reaped(struct eg_child *c)
{
    uint32_t expected = EG_CHILD_UNREAPED;
    if (!atomic_compare_exchange_strong(&c->state, &expected, EG_CHILD_REAPED))
        return 0;
    atomic_fetch_add_explicit(&eg_region->children_reaped, 1, memory_order_relaxed);
    if (killed(atomic_load_explicit(&c->status, memory_order_relaxed)) &&
        atomic_fetch_add_explicit(&kept_killed, 1, memory_order_relaxed) < KEPT_KILLED)
        return 1;
    if (c->parent == eg_pid && !atomic_load(&c->stream))
        keep_spare(c);
    return 1;
}

static void copy_argv(struct eg_child *c, char *const argv[])
{
    uint32_t n = 0;
    for (int i = 0; argv && argv[i]; i++) {
        size_t len = strlen(argv[i]) + 1;
        if (n + len > EG_CHILD_ARGV)
            break; /* whole words only */
        memcpy(c->argv + n, argv[i], len);
        n += (uint32_t)len;
    }
    c->argv_len = n;
}

struct eg_child *eg_child_prepare(enum eg_via via, char *const argv[], const void *stream,
                                  enum eg_unchecked unchecked)
{
    struct eg_child *c = take_spare();
    if (!c && !atomic_load_explicit(&eg_region->first_child_taken, memory_order_relaxed) &&
        !atomic_exchange(&eg_region->first_child_taken, 1))
        c = eg_at(EG_REGION_FIRST_CHILD);
    else if (!c) {
        uint64_t off = eg_region_alloc(sizeof(struct eg_child));
        if (!off) {
            atomic_fetch_add_explicit(&eg_region->dropped, 1, memory_order_relaxed);
            return 0;
        }
        c = eg_at(off);
    }
    c->seq = eg_next_seq();
    c->stack = eg_stack_here();
    c->via = via;
    atomic_store_explicit(&c->stream, (uint64_t)(uintptr_t)stream, memory_order_relaxed);
    atomic_store_explicit(&c->unchecked, unchecked, memory_order_relaxed);
    atomic_store_explicit(&c->outcome, EG_CHILD_PENDING, memory_order_relaxed);
    atomic_store_explicit(&c->status, 0, memory_order_relaxed);
    atomic_store_explicit(&c->pgid, 0, memory_order_relaxed);
    copy_argv(c, argv);
    if (stream)
        atomic_fetch_add(&open_streams, 1);
    if (c->parent != eg_pid) { /* new: on the list now, skipped until UNREAPED */
        c->parent = eg_pid;
        eg_list_push(&eg_region->children, &c->next,
                     (uint32_t)((char *)c - (char *)eg_region));
    }
    return c;
}

void eg_child_started(struct eg_child *c, pid_t pid)
{
    for (struct eg_child *o = eg_child_newest(); o; o = eg_child_older(o)) {
        if (atomic_load_explicit(&o->state, memory_order_acquire) != EG_CHILD_UNREAPED)
            continue;
        if (o->pid == pid)
            mark_reaped(o); /* see the top */
    }
    atomic_store_explicit(&c->pid, pid, memory_order_relaxed);
    atomic_store_explicit(&c->state, EG_CHILD_UNREAPED, memory_order_release);
}

void eg_child_not_started(struct eg_child *c)
{
    eg_child_stream_done(c);
    atomic_store_explicit(&c->state, EG_CHILD_REAPED, memory_order_release);
    keep_spare(c);
}

struct eg_child *eg_child_record(pid_t pid, enum eg_via via, char *const argv[],
                                 const void *stream, enum eg_unchecked unchecked)
{
    struct eg_child *c = eg_child_prepare(via, argv, stream, unchecked);
    if (c)
        eg_child_started(c, pid);
    return c;
}

void eg_child_reaped(pid_t pid, int status)
{
    /* newest first: the one reaped is nearly always among the last started */
    for (struct eg_child *c = eg_child_newest(); c; c = eg_child_older(c)) {
        if (atomic_load_explicit(&c->state, memory_order_acquire) != EG_CHILD_UNREAPED)
            continue;
        if (c->pid == pid) {
            atomic_store_explicit(&c->status, status, memory_order_relaxed);
            mark_reaped(c);
            return;
        }
    }
}

int eg_wait_status_of(const siginfo_t *si)
{
    switch (si->si_code) {
    case CLD_EXITED: return (si->si_status & 0xff) << 8;
    case CLD_KILLED: return si->si_status & 0x7f;
    case CLD_DUMPED: return (si->si_status & 0x7f) | 0x80;
    default: return -1;
    }
}

struct eg_child *eg_child_of_stream(const void *stream)
{
    if (!stream || !atomic_load_explicit(&open_streams, memory_order_relaxed))
        return 0;
    for (struct eg_child *c = eg_child_newest(); c; c = eg_child_older(c))
        if (atomic_load_explicit(&c->stream, memory_order_relaxed) == (uint64_t)(uintptr_t)stream)
            return c;
    return 0;
}

int eg_child_stream_done(struct eg_child *c)
{
    if (!atomic_exchange(&c->stream, 0))
        return 0;
    atomic_fetch_sub(&open_streams, 1);
    return 1;
}
