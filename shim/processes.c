/* Interposers for starting processes. */
#define _GNU_SOURCE
#include <unistd.h>

#include "guard.h"

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
