/* Threads started with pthread_create: one record each in the registry,
 * reused once its thread has ended, so that the report can name the
 * threads still running at the end and where each was created. */
#ifndef EXITGUARD_THREADS_H
#define EXITGUARD_THREADS_H

#include "region.h"

/* A record's fields other than `state` are plain (the region is a file
 * format), yet a report may read them while the thread holding the record
 * writes them: relaxed atomic accesses, plain moves on x86. */
#define EG_LOAD(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)
#define EG_STORE(field, value) __atomic_store_n(&(field), (value), __ATOMIC_RELAXED)

/* In a forked child (from eg_after_fork_in_child): only the forking thread
 * came along.  Its record becomes the child's; the others are freed. */
void eg_threads_forked(void);

#endif
