/* Interposers for starting processes. */
#define _GNU_SOURCE
#include <unistd.h>

#include "guard.h"
#include "real.h"
#include "track.h"

/* A vfork child shares its parent's memory until it execs or exits: every
 * close or dup2 it makes before exec would rewrite the parent's registry,
 * and its _exit would report as the parent.  A C wrapper cannot return
 * twice into a shared stack (PITFALLS.md), so vfork runs as fork: the
 * child gets its own memory, which POSIX allows -- a program may not rely
 * on the sharing.  (posix_spawn and system use clone(CLONE_VM) internally,
 * but their children call no interposed function before exec.) */
EG_EXPORT pid_t vfork(void)
{
    return fork();
}

/* _Fork runs no atfork handlers: the child learns it is a child here. */
EG_EXPORT pid_t _Fork(void)
{
    pid_t pid = REAL(_Fork)();
    if (pid == 0)
        eg_after_fork_in_child();
    return pid;
}
