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

/* An exec is an ending too.  Around the exec report (made by the thread
 * that calls exec, not a vfork child): while it is written, another
 * thread's end waits for it, and its document then replaces the exec
 * document rather than sitting beside it; while another thread is already
 * ending the process (a signal, _exit, the last step of exit), the exec
 * waits for that end and never returns -- without us the signal would
 * have come first, and the new image must not outlive it. */
void eg_exit_exec_begins(void);
void eg_exit_exec_reported(void);

/* A finalizer was registered: the first time, hook atexit now, so that
 * the finalizers run before the program's earlier atexit handlers. */
void eg_exit_hook_finalizers(void);

#endif
