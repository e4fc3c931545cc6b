/* Finalizer records (finalizers.c is the API that makes them): who wins
 * the right to run one, how it ended, and what a forked child's copy of
 * them is. */
#define _GNU_SOURCE
#include "finalizer_records.h"
#include "fork_state.h"

#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exitguard.h"
#include "registry.h"

int eg_finalizer_claim(struct eg_finalizer *f)
{
    uint32_t alive = EG_FIN_ALIVE;
    /* before the state: a child copying the registry in between must not
     * see it claimed with no sequence to tell when (only while alive: a
     * dead one keeps the sequence it died at) */
    if (atomic_load(&f->state) != EG_FIN_ALIVE)
        return 0;
    atomic_store(&f->ended_seq, eg_next_seq());
    if (!atomic_compare_exchange_strong(&f->state, &alive, EG_FIN_RUNNING))
        return 0;
    f->detail = (int)syscall(SYS_gettid); /* who runs it, until it is done */
    return 1;
}

/* A forked child copies its parent's registry at its first acquisition,
 * not at the fork (region_file.h): the finalizers are put back as they
 * were at the fork -- one the parent ran or detached since is alive here,
 * one the parent registered since is not this process's at all. */
void eg_finalizers_forked(void)
{
    for (struct eg_finalizer *f = eg_finalizer_newest(); f; f = eg_finalizer_older(f)) {
        if (f->seq > eg_fork_seq && f->pid != eg_pid) {
            atomic_store(&f->state, EG_FIN_DEAD);
        } else if (f->seq <= eg_fork_seq && atomic_load(&f->ended_seq) > eg_fork_seq) {
            atomic_store(&f->outcome, EG_FIN_PENDING);
            atomic_store(&f->ended_seq, 0);
            atomic_store(&f->state, EG_FIN_ALIVE);
        }
    }
}

void eg_finalizer_done(struct eg_finalizer *f, enum eg_fin_outcome outcome, int detail)
{
    f->detail = detail;
    atomic_store(&f->outcome, outcome);
    atomic_store(&f->state, EG_FIN_DEAD);
}

/* Asked by a forked child that still borrows its parent's registry: as
 * it was at the fork (eg_finalizers_forked). */
EG_HOT_TEXT int eg_finalizers_for_children(void)
{
    for (struct eg_finalizer *f = eg_finalizer_newest(); f; f = eg_finalizer_older(f))
        if ((f->flags & EXITGUARD_IN_CHILDREN) && f->seq <= eg_fork_seq &&
            (atomic_load(&f->state) == EG_FIN_ALIVE ||
             atomic_load(&f->ended_seq) > eg_fork_seq) &&
            atomic_load(&f->atexit))
            return 1;
    return 0;
}
