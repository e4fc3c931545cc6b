/* Interposers for the wait family: a child collected by the program is no
 * longer a leak.  Only a call that succeeded, only for the pid it returned,
 * and only when that pid ended (not a stop or continue report of
 * WUNTRACED / WCONTINUED), and never for waitid's WNOWAIT, which leaves the
 * child waitable.
 *
 * A SIGCHLD handler may call these: what they do beside the real call is
 * a walk of the records and a store (children.c), async-signal-safe. */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/wait.h>

#include "children.h"
#include "guard.h"
#include "real.h"

/* status is the caller's, or ours when it passed NULL: the status is
 * needed to tell an end from a stop.  The kernel writes it only when it
 * returns a pid, so copying it then is what the kernel would have done. */
static pid_t collected(pid_t pid, int status, int *caller)
{
    if (pid > 0) {
        if (caller)
            *caller = status;
        if (WIFEXITED(status) || WIFSIGNALED(status))
            eg_child_reaped(pid, status);
    }
    return pid;
}

EG_EXPORT pid_t waitpid(pid_t pid, int *status, int options)
{
    int st = 0;
    pid_t got = REAL(waitpid)(pid, &st, options);
    return collected(got, st, status); /* st read after the call */
}

EG_EXPORT pid_t wait(int *status)
{
    int st = 0;
    pid_t got = REAL(wait)(&st);
    return collected(got, st, status); /* st read after the call */
}

EG_EXPORT pid_t wait3(int *status, int options, struct rusage *usage)
{
    int st = 0;
    pid_t got = REAL(wait3)(&st, options, usage);
    return collected(got, st, status); /* st read after the call */
}

EG_EXPORT pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage)
{
    int st = 0;
    pid_t got = REAL(wait4)(pid, &st, options, usage);
    return collected(got, st, status); /* st read after the call */
}

EG_EXPORT int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options)
{
    siginfo_t own;
    siginfo_t *si = info ? info : &own; /* Linux accepts NULL: we need it */
    int ret = REAL(waitid)(idtype, id, si, options);
    int status = ret == 0 && !(options & WNOWAIT) && si->si_pid > 0 ? eg_wait_status_of(si) : -1;
    if (status >= 0)
        eg_child_reaped(si->si_pid, status);
    return ret;
}
