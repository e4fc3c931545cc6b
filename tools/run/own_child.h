/* Signalling a process only while it is, provably, exitguard's own child:
 * pids are reused (pid_max is 32768 here), and a pid read from /proc a
 * moment ago may already name another process. */
#ifndef EXITGUARD_TOOLS_OWN_CHILD_H
#define EXITGUARD_TOOLS_OWN_CHILD_H

#include <sys/types.h>

/* Sends `signal` to `pid` -- to its process group instead when `group` is
 * set and that group is not exitguard's own -- if `pid` is exitguard's
 * child and still running.  0 if sent; -1 if not (not our child, already
 * ended, or no pidfd support). */
int signal_own_child(pid_t pid, int signal, int group);

#endif
