/* Threads started with pthread_create: one record each in the registry,
 * reused once its thread has ended, so that the report can name the
 * threads still running at the end and where each was created. */
#ifndef EXITGUARD_THREADS_H
#define EXITGUARD_THREADS_H

#include "region.h"

/* In a forked child (from eg_after_fork_in_child): only the forking thread
 * came along.  Its record becomes the child's; the others are freed. */
void eg_threads_forked(void);

/* The calling thread was started through our pthread_create (its stack
 * may be small); the main thread was not. */
int eg_thread_started_by_us(void);

#endif
