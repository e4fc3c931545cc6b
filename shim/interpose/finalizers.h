/* The finalizers a close runs (finalizers.c; the records are
 * finalizer_records.h's). */
#ifndef EXITGUARD_FINALIZERS_H
#define EXITGUARD_FINALIZERS_H

/* The program is about to close fd (or every fd in [first, last]): runs
 * the live finalizers tied to it, newest first.  Cheap when there are none. */
void eg_finalizers_fd_closing(int fd);
void eg_finalizers_range_closing(unsigned first, unsigned last);

#endif
