/* The two phases of the exit sequence, bounded in time.  exit.c decides
 * when they run and which thread runs them; this runs them. */
#ifndef EXITGUARD_SEQUENCE_H
#define EXITGUARD_SEQUENCE_H

#include "exit.h"

/* Our work is starting (or resuming) in this thread: arms the budget
 * (what is left of exit_timeout), catches crashes and hangs of finalizers.
 * `end` is how the process ends if the budget runs out first. */
void eg_sequence_begin(const struct eg_end *end);

/* Back to the program (between the two phases of a normal exit). */
void eg_sequence_pause(void);

/* Phase 1: every live finalizer with the atexit flag, of this process (or
 * EXITGUARD_IN_CHILDREN), newest first, at most once, each within
 * finalizer_timeout; in a signal handler only the signal-safe ones. */
void eg_sequence_finalizers(int in_signal_handler);

/* Phase 2: temp files, the report, the fd policy. */
void eg_sequence_finish(const struct eg_end *end);

/* A finalizer the sequence is running called exit or _exit: abandons it
 * (it is reported) and goes on with the rest.  Returns if none is running. */
void eg_sequence_exit_called(int status);

/* Ends the process now: by the signal (default disposition, re-raised, so
 * the status and the core dump are the real ones), or with the status. */
_Noreturn void eg_die(const struct eg_end *end);

#endif
