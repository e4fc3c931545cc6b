/* Threads started with pthread_create: one record each in the registry,
 * reused once its thread has ended, so that the report can name the
 * threads still running at the end and where each was created. */
#ifndef EXITGUARD_THREAD_RECORDS_H
#define EXITGUARD_THREAD_RECORDS_H

#include "region.h"

/* The record of the calling thread, if we started it. */
extern __thread struct eg_thread *eg_thread_self __attribute__((tls_model("initial-exec")));

/* A free record, or a new one pushed on the list; NULL when the region is
 * full (the thread then runs untracked).  Released when its thread ends. */
struct eg_thread *eg_thread_claim(void);
void eg_thread_release(struct eg_thread *t);

/* In a forked child (as its registry becomes its own): only the forking
 * thread came along.  Its record becomes the child's; the others are freed. */
void eg_threads_forked(void);

/* The calling thread was started through our pthread_create (its stack
 * may be small); the main thread was not. */
int eg_thread_started_by_us(void);

#endif
