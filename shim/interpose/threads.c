/* pthread_create: each thread the program starts gets a record holding
 * where it was created (thread_records.c), and an alternate signal stack
 * of its own, so that a stack overflow in any thread still reaches the
 * exit sequence. */
#define _GNU_SOURCE

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "altstack.h"
#include "guard.h"
#include "real.h"
#include "registry.h"
#include "stack.h"
#include "thread_records.h"
#include "track.h"

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
    eg_thread_self = 0;
    eg_thread_release(r->record);
}

static void *trampoline(void *arg)
{
    struct eg_thread *t = arg;
    void *(*start)(void *) = (void *(*)(void *))(uintptr_t)EG_GET(t->start);
    void *start_arg = (void *)(uintptr_t)EG_GET(t->arg);
    EG_SET(t->tid, (int32_t)eg_gettid());
    eg_thread_self = t;
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
        if (eg_ensure_init() && (t = eg_thread_claim())) {
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
        eg_thread_release(t); /* the thread never existed */
    return err;
}
