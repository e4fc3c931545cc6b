/* Finalizer records (include/exitguard.h): registry entries with the
 * contract of Python's weakref.finalize.  Every run goes through one
 * compare-and-swap, ALIVE -> RUNNING, so a finalizer runs at most once
 * whoever asks. */
#ifndef EXITGUARD_FINALIZER_RECORDS_H
#define EXITGUARD_FINALIZER_RECORDS_H

#include "region.h"

/* A live finalizer that runs in children too (EXITGUARD_IN_CHILDREN) and at exit. */
int eg_finalizers_for_children(void);
/* In a forked child, as its registry becomes its own. */
void eg_finalizers_forked(void);

/* The newest finalizer, then older ones: NULL at the end. */
static inline struct eg_finalizer *eg_finalizer_at(uint32_t off)
{
    return off ? (struct eg_finalizer *)eg_at(off) : 0;
}
static inline struct eg_finalizer *eg_finalizer_newest(void)
{
    return eg_region ? eg_finalizer_at(atomic_load_explicit(&eg_region->finalizers,
                                                            memory_order_acquire))
                     : 0;
}
static inline struct eg_finalizer *eg_finalizer_older(const struct eg_finalizer *f)
{
    return eg_finalizer_at(f->next);
}

/* Wins the right to run f (ALIVE -> RUNNING); 0 if someone else has it. */
int eg_finalizer_claim(struct eg_finalizer *f);

/* Ends a run f won: RUNNING -> DEAD, with how it went. */
void eg_finalizer_done(struct eg_finalizer *f, enum eg_fin_outcome outcome, int detail);

#endif
