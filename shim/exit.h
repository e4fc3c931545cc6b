/* The end of a process: deciding once that it is ending, running the live
 * finalizers, applying the policies, reporting, then ending as it was. */
#ifndef EXITGUARD_EXIT_H
#define EXITGUARD_EXIT_H

#include <signal.h>

enum eg_end_how { EG_END_EXIT, EG_END__EXIT, EG_END_QUICK_EXIT, EG_END_SIGNAL, EG_END_EXEC };

struct eg_end {
    enum eg_end_how how;
    int code;             /* exit status, or signal number */
    const char *exec_path; /* EG_END_EXEC: the program about to run */
    char *const *exec_argv; /* ... and the argv it is handed (may be NULL) */
    unsigned exec_unchecked; /* ... and it cannot run under us: enum eg_unchecked */
    char *const *exec_envp; /* ... and the environment it is handed (may be NULL) */
};

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
