/* Finalizers (include/exitguard.h): registry entries with the contract of
 * Python's weakref.finalize.  Every run goes through one compare-and-swap,
 * ALIVE -> RUNNING, so a finalizer runs at most once whoever asks. */
#ifndef EXITGUARD_FINALIZERS_H
#define EXITGUARD_FINALIZERS_H

#include "region.h"

/* The program is about to close fd (or every fd in [first, last]): runs
 * the live finalizers tied to it, newest first.  Cheap when there are none. */
void eg_finalizers_fd_closing(int fd);
void eg_finalizers_range_closing(unsigned first, unsigned last);

/* The newest finalizer, then older ones: NULL at the end. */
struct eg_finalizer *eg_finalizer_newest(void);
struct eg_finalizer *eg_finalizer_older(const struct eg_finalizer *f);

/* Wins the right to run f (ALIVE -> RUNNING); 0 if someone else has it. */
int eg_finalizer_claim(struct eg_finalizer *f);

/* Ends a run f won: RUNNING -> DEAD, with how it went. */
void eg_finalizer_done(struct eg_finalizer *f, enum eg_fin_outcome outcome, int detail);

#endif
