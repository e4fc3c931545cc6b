/* Thread records: one per thread started with pthread_create (threads.c).
 * No malloc, no lock: records live in the region, on one list that only
 * grows, and an ended thread's record is reused by the next one, so the
 * list is as long as the most threads ever alive at once. */
#define _GNU_SOURCE
#include "thread_records.h"
#include "real.h"

#include <unistd.h>

#include "registry.h"

/* The record of the calling thread, if we started it. */
__thread struct eg_thread *eg_thread_self __attribute__((tls_model("initial-exec")));

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
struct eg_thread *eg_thread_claim(void)
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

void eg_thread_release(struct eg_thread *t)
{
    atomic_store_explicit(&t->state, EG_THREAD_FREE, memory_order_release);
}

int eg_thread_started_by_us(void)
{
    return eg_thread_self != 0;
}

void eg_threads_forked(void)
{
    if (!eg_region)
        return;
    for (struct eg_thread *t = first_record(); t; t = next_record(t)) {
        if (t == eg_thread_self) {
            EG_SET(t->pid, eg_pid);
            EG_SET(t->tid, (int32_t)eg_gettid());
        } else if (atomic_load_explicit(&t->state, memory_order_relaxed) == EG_THREAD_RUNNING) {
            /* its thread stayed in the parent; a CLAIMED one is left as
             * is: the forking thread may be inside pthread_create (in a
             * signal handler) and still own it */
            eg_thread_release(t);
        }
    }
}
