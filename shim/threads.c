/* pthread_create: each thread the program starts gets a record holding
 * where it was created, and an alternate signal stack of its own, so that
 * a stack overflow in any thread still reaches the exit sequence.
 *
 * No malloc, no lock: records live in the region, on one list that only
 * grows, and an ended thread's record is reused by the next one, so the
 * list is as long as the most threads ever alive at once. */
#define _GNU_SOURCE
#include "threads.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "altstack.h"
#include "guard.h"
#include "real.h"
#include "registry.h"
#include "stack.h"
#include "track.h"

/* The record of the calling thread, if we started it. */
static __thread struct eg_thread *self __attribute__((tls_model("initial-exec")));

static struct eg_thread *first_record(void)
{
    uint32_t off = atomic_load_explicit(&eg_region->threads, memory_order_acquire);
    return off ? eg_at(off) : 0;
}

static struct eg_thread *next_record(const struct eg_thread *t)
{
    return t->next ? eg_at(t->next) : 0; /* written once, before publication */
}

/* A free record, or a new one pushed on the list; NULL when the region is
 * full (the thread then runs untracked). */
static struct eg_thread *claim(void)
{
    for (struct eg_thread *t = first_record(); t; t = next_record(t)) {
        uint32_t expected = EG_THREAD_FREE;
        if (atomic_load_explicit(&t->state, memory_order_relaxed) == EG_THREAD_FREE &&
            atomic_compare_exchange_strong_explicit(&t->state, &expected, EG_THREAD_CLAIMED,
                                                    memory_order_acquire, memory_order_relaxed))
            return t;
    }
    uint64_t off = eg_region_alloc(sizeof(struct eg_thread));
    if (!off) {
        atomic_fetch_add_explicit(&eg_region->dropped, 1, memory_order_relaxed);
        return 0;
    }
    struct eg_thread *t = eg_at(off);
    atomic_store_explicit(&t->state, EG_THREAD_CLAIMED, memory_order_relaxed);
    eg_list_push(&eg_region->threads, &t->next, (uint32_t)off);
    return t;
}

static void release(struct eg_thread *t)
{
    atomic_store_explicit(&t->state, EG_THREAD_FREE, memory_order_release);
}

struct running {
    struct eg_thread *record;
    void *altstack;
};

/* Every way out of a thread: return, pthread_exit, cancellation. */
static void thread_ends(void *arg)
{
    struct running *r = arg;
    int outer = eg_enter();
    eg_altstack_take_back(r->altstack);
    eg_stack_thread_ends();
    if (outer)
        eg_leave();
    self = 0;
    release(r->record);
}

static void *trampoline(void *arg)
{
    struct eg_thread *t = arg;
    void *(*start)(void *) = (void *(*)(void *))(uintptr_t)EG_GET(t->start);
    void *start_arg = (void *)(uintptr_t)EG_GET(t->arg);
    EG_SET(t->tid, (int32_t)gettid());
    self = t;
    atomic_store_explicit(&t->state, EG_THREAD_RUNNING, memory_order_release);

    int saved = errno;
    eg_enter(); /* a new thread's guard is clear */
    struct running r = {t, eg_altstack_give()};
    eg_leave();
    errno = saved;

    void *ret;
    pthread_cleanup_push(thread_ends, &r);
    ret = start(start_arg);
    pthread_cleanup_pop(1);
    return ret;
}

EG_EXPORT int pthread_create(pthread_t *restrict thread, const pthread_attr_t *restrict attr,
                             void *(*start)(void *), void *restrict arg)
{
    struct eg_thread *t = 0;
    int saved = errno;
    if (eg_enter()) {
        if (eg_ensure_init() && (t = claim())) {
            EG_SET(t->tid, 0);
            EG_SET(t->pid, eg_pid);
            EG_SET(t->seq, eg_next_seq());
            EG_SET(t->stack, eg_stack_here());
            EG_SET(t->start, (uint64_t)(uintptr_t)start);
            EG_SET(t->arg, (uint64_t)(uintptr_t)arg);
        }
        eg_leave();
    }
    errno = saved;
    if (!t)
        return REAL(pthread_create)(thread, attr, start, arg);
    int err = REAL(pthread_create)(thread, attr, trampoline, t);
    if (err)
        release(t); /* the thread never existed */
    return err;
}

int eg_thread_started_by_us(void)
{
    return self != 0;
}

void eg_threads_forked(void)
{
    if (!eg_region)
        return;
    for (struct eg_thread *t = first_record(); t; t = next_record(t)) {
        if (t == self) {
            EG_SET(t->pid, eg_pid);
            EG_SET(t->tid, (int32_t)gettid());
        } else if (atomic_load_explicit(&t->state, memory_order_relaxed) == EG_THREAD_RUNNING) {
            /* its thread stayed in the parent; a CLAIMED one is left as
             * is: the forking thread may be inside pthread_create (in a
             * signal handler) and still own it */
            release(t);
        }
    }
}
