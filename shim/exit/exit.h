/* The end of a process: deciding once that it is ending, running the live
 * finalizers, applying the policies, reporting, then ending as it was. */
#ifndef EXITGUARD_EXIT_H
#define EXITGUARD_EXIT_H

#include <signal.h>

#include "end.h"


/* Hooks the normal exit paths; called from the constructor. */
void eg_exit_arm(void);

/* In a forked child: the child ends on its own. */
void eg_exit_forked(void);

/* A signal whose disposition the program left at the default arrived:
 * the handler in signals.c calls this.  It runs the exit sequence
 * (signal-safe finalizers only), restores SIG_DFL and re-raises or lets
 * the faulting instruction fault again, so the process dies as it would
 * have without exitguard.  Returns only into the handler's return. */
void eg_exit_by_signal(int sig, siginfo_t *info, void *ucontext);

/* A finalizer was registered: the first time, hook atexit now, so that
 * the finalizers run before the program's earlier atexit handlers. */
void eg_exit_hook_finalizers(void);

#endif
