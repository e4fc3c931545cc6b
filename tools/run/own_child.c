#define _GNU_SOURCE
#include "own_child.h"

#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* The pidfd names one process, whatever happens to its pid later.  waitid
 * on it with WNOWAIT fails (ECHILD) unless that process is our child, and
 * reports it (si_pid set) if it has already ended; a child we have not
 * reaped keeps its pid, so it is still the same process when the signal
 * goes.  exitguard reaps in this thread only. */
int signal_own_child(pid_t pid, int signal, int group)
{
    int pidfd = pidfd_open(pid, 0);
    if (pidfd < 0)
        return -1;
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int sent = -1;
    if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == 0) {
        pid_t pgid = group ? getpgid(pid) : -1;
        /* our own group holds exitguard, and the shell that ran it */
        if (pgid > 1 && pgid != getpgrp())
            sent = kill(-pgid, signal);
        else
            sent = pidfd_send_signal(pidfd, signal, NULL, 0);
    }
    close(pidfd);
    return sent;
}
