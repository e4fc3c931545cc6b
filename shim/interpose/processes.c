/* Interposers for starting processes by forking: the child is recorded in
 * the parent (children.h), with the stack that started it; the child side
 * learns it is a new process from the atfork handler (init.c), or here
 * where glibc runs none. */
#define _GNU_SOURCE
#include <errno.h>
#include <pty.h>
#include <sched.h>
#include <stdarg.h>
#include <unistd.h>

#include "children.h"
#include "exec.h"
#include "fork_state.h"
#include "guard.h"
#include "real.h"
#include "report.h"
#include "region_file.h"
#include "track.h"
#include "vfork.h"

/* The child's record is made before the fork: after it, the parent's
 * writes to our memory are copy-on-write faults (track.h). */
EG_HOT_TEXT EG_EXPORT pid_t fork(void)
{
    struct eg_child *c = eg_track_child_before(EG_VIA_fork);
    pid_t pid = REAL(fork)();
    eg_track_child_after(c, pid);
    return pid;
}

/* vfork is vfork_x86_64.S and vfork.c.  Elsewhere a C wrapper cannot
 * return twice into a shared stack (PITFALLS.md): vfork runs as fork,
 * which POSIX allows, though programs that probe for the sharing (libuv)
 * then take another path. */
#ifdef __x86_64__
int eg_vfork_parent(int ret)
{
    eg_report_vfork_gone(); /* the stock the child's exec report used */
    eg_vfork_child_end();
    if (ret < 0)
        return eg_vfork_failed(ret);
    eg_track_child(ret, EG_VIA_vfork, 0, 0, EG_UNCHECKED_NO);
    return ret;
}

int eg_vfork_failed(int ret)
{
    errno = -ret;
    return -1;
}
#else
EG_EXPORT pid_t vfork(void)
{
    pid_t pid = REAL(fork)();
    if (pid > 0)
        eg_track_child(pid, EG_VIA_vfork, 0, 0, EG_UNCHECKED_NO);
    return pid;
}
#endif

/* _Fork runs no atfork handlers: the child learns it is a child here. */
EG_EXPORT pid_t _Fork(void)
{
    struct eg_child *c = eg_track_child_before(EG_VIA__Fork);
    eg_region_fork_prepare();
    eg_exec_prepare_children();
    pid_t pid = REAL(_Fork)();
    if (pid == 0)
        eg_after_fork_in_child();
    eg_track_child_after(c, pid);
    return pid;
}

/* forkpty forks inside libc (the atfork handlers run in the child); the
 * parent gets the pid back here. */
EG_EXPORT pid_t forkpty(int *amaster, char *name, const struct termios *termp,
                        const struct winsize *winp)
{
    pid_t pid = REAL(forkpty)(amaster, name, termp, winp);
    if (pid > 0)
        eg_track_child(pid, EG_VIA_forkpty, 0, 0, EG_UNCHECKED_NO);
    return pid;
}

/* clone without CLONE_VM makes a child with a copy of our memory, in which
 * glibc runs no atfork handler: fn is wrapped so that the child first
 * learns it is a new process.  The wrapper's argument lives on our stack,
 * which the child has a copy of, as it was at the call.  With CLONE_VM the
 * child shares our memory (a thread, or a vfork-like child that must not
 * touch the registry): fn runs untouched -- quiet, below, for a vfork-like
 * one; a CLONE_VM child that runs beside us is not covered.  A new process (not
 * CLONE_THREAD) is recorded as our child unless CLONE_PARENT made it our
 * parent's. */
struct clone_start {
    int (*fn)(void *);
    void *arg;
};

static int clone_child(void *p)
{
    struct clone_start *s = p;
    eg_after_fork_in_child();
    /* returning would end the process with a bare exit syscall: no exit
     * sequence, no report, its registry file left for a post-mortem */
    _exit(s->fn(s->arg));
}

EG_EXPORT int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
    /* glibc's clone reads the three optional arguments whatever the flags
     * say: they are passed on the same way */
    va_list ap;
    va_start(ap, arg);
    pid_t *parent_tid = va_arg(ap, pid_t *);
    void *tls = va_arg(ap, void *);
    pid_t *child_tid = va_arg(ap, pid_t *);
    va_end(ap);
    struct clone_start s = {fn, arg};
    int copy = !(flags & (CLONE_VM | CLONE_THREAD)) && fn;
    /* A CLONE_VM|CLONE_VFORK child (a hand-made posix_spawn) runs on our
     * memory and, without CLONE_SETTLS, our thread's TLS, while we wait:
     * with the reentrancy flag up, its close and dup2 before exec pass
     * straight through instead of rewriting our registry. */
    int shared = (flags & CLONE_VM) && (flags & CLONE_VFORK) && !(flags & CLONE_THREAD) &&
                 !(flags & CLONE_SETTLS);
    int quiet = shared && eg_enter();
    if (copy) {
        eg_region_fork_prepare();
        eg_exec_prepare_children();
    }
    int pid = copy ? REAL(clone)(clone_child, stack, flags, &s, parent_tid, tls, child_tid)
                   : REAL(clone)(fn, stack, flags, arg, parent_tid, tls, child_tid);
    if (quiet)
        eg_leave();
    if (pid > 0 && !(flags & (CLONE_THREAD | CLONE_PARENT)))
        eg_track_child(pid, EG_VIA_clone, 0, 0, EG_UNCHECKED_NO);
    return pid;
}
