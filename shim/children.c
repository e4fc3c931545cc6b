/* The child registry: one record per child process started, pushed on a
 * list that only grows (region.h).  Records are never reused -- a pid is:
 * the kernel hands a pid out again only after its process was reaped, so
 * a new child with the pid of an unreaped record proves that record's
 * child was reaped unseen (a raw syscall, a library's internal wait). */
#define _GNU_SOURCE
#include "children.h"

#include <errno.h>
#include <string.h>

#include "guard.h"
#include "registry.h"
#include "stack.h"
#include "track.h"

/* popen streams not yet closed, in this process and its forked copies: at
 * 0 (nearly always) fclose need not look for one. */
static _Atomic int open_streams;

struct eg_child *eg_child_newest(void)
{
    uint32_t off = eg_region ? atomic_load_explicit(&eg_region->children, memory_order_acquire) : 0;
    return off ? eg_at(off) : 0;
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

static struct eg_child *record(pid_t pid, enum eg_via via, char *const argv[],
                               const void *stream, enum eg_unchecked unchecked)
{
    for (struct eg_child *o = eg_child_newest(); o; o = eg_child_older(o))
        if (o->pid == pid && o->parent == eg_pid)
            atomic_store(&o->state, EG_CHILD_REAPED); /* see the top */
    uint64_t off = eg_region_alloc(sizeof(struct eg_child));
    if (!off) {
        atomic_fetch_add_explicit(&eg_region->dropped, 1, memory_order_relaxed);
        return 0;
    }
    struct eg_child *c = eg_at(off);
    c->seq = eg_next_seq();
    c->pid = pid;
    c->parent = eg_pid;
    c->stack = eg_stack_here();
    c->via = via;
    atomic_store_explicit(&c->state, EG_CHILD_UNREAPED, memory_order_relaxed);
    atomic_store_explicit(&c->stream, (uint64_t)(uintptr_t)stream, memory_order_relaxed);
    atomic_store_explicit(&c->unchecked, unchecked, memory_order_relaxed);
    copy_argv(c, argv);
    if (stream)
        atomic_fetch_add(&open_streams, 1);
    eg_list_push(&eg_region->children, &c->next, (uint32_t)off);
    return c;
}

struct eg_child *eg_track_child(pid_t pid, enum eg_via via, char *const argv[],
                                const void *stream, enum eg_unchecked unchecked)
{
    struct eg_child *c = 0;
    if (pid <= 0)
        return 0;
    int saved = errno;
    if (eg_enter()) {
        if (eg_ensure_init())
            c = record(pid, via, argv, stream, unchecked);
        eg_leave();
    }
    errno = saved;
    return c;
}

void eg_child_reaped(pid_t pid, int status)
{
    /* newest first: the one reaped is nearly always among the last started */
    for (struct eg_child *c = eg_child_newest(); c; c = eg_child_older(c)) {
        if (c->pid == pid && c->parent == eg_pid &&
            atomic_load_explicit(&c->state, memory_order_relaxed) == EG_CHILD_UNREAPED) {
            atomic_store_explicit(&c->status, status, memory_order_relaxed);
            atomic_store_explicit(&c->state, EG_CHILD_REAPED, memory_order_release);
            return;
        }
    }
}

struct eg_child *eg_child_of_stream(const void *stream)
{
    if (!stream || !atomic_load_explicit(&open_streams, memory_order_relaxed))
        return 0;
    for (struct eg_child *c = eg_child_newest(); c; c = eg_child_older(c))
        if (c->parent == eg_pid &&
            atomic_load_explicit(&c->stream, memory_order_relaxed) == (uint64_t)(uintptr_t)stream)
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
