/* The child processes this process started (struct eg_child in region.h):
 * recorded by the interposers that start them (processes.c, spawn.c,
 * shell.c), marked reaped by the wait calls (waits.c) and pclose, settled
 * at exit by the children policy.
 *
 * A forked child holds copies of its parent's records: every walk keeps
 * to the records whose parent is eg_pid (eg_child_newest/older). */
#ifndef EXITGUARD_CHILDREN_H
#define EXITGUARD_CHILDREN_H

#include <signal.h>
#include <sys/types.h>

#include "region.h"

/* pid was just started by `via` (in the parent, after the call returned).
 * argv: NULL-terminated, or NULL when the child has not exec'd (it is read
 * from /proc at the end).  stream: popen's FILE*.  NULL when nothing was
 * recorded.  The registry must be ready (eg_track_child, track.h). */
struct eg_child *eg_child_record(pid_t pid, enum eg_via via, char *const argv[],
                                 const void *stream, enum eg_unchecked unchecked);

/* eg_child_record in two halves, for a fork: the record taken and filled
 * before it (NULL when none could be), published with the pid after it.
 * After a fork every page the parent writes is a copy-on-write fault: the
 * second half writes only the record and the region's header page (for a
 * shell's one child at a time, the same page) and needs no reentrancy
 * guard.  A fork that failed gives the record back. */
struct eg_child *eg_child_prepare(enum eg_via via, char *const argv[], const void *stream,
                                  enum eg_unchecked unchecked);
void eg_child_started(struct eg_child *c, pid_t pid);
void eg_child_not_started(struct eg_child *c);

/* A wait call collected pid with wait `status`.  Async-signal-safe (a
 * SIGCHLD handler reaps): a walk and a store, nothing else. */
void eg_child_reaped(pid_t pid, int status);

/* The wait status (as waitpid gives it) of a child waitid reported ended:
 * si_code CLD_EXITED, CLD_KILLED or CLD_DUMPED; -1 for anything else (a
 * stop, a continue). */
int eg_wait_status_of(const siginfo_t *si);

/* This process's unreaped popen child reading or writing `stream`, or NULL;
 * cheap when no popen stream is open. */
struct eg_child *eg_child_of_stream(const void *stream);
/* Takes `stream` off its record, once: nonzero for the one caller that did. */
int eg_child_stream_done(struct eg_child *c);

/* This process's own records, newest first.  A process's records are a
 * prefix of the list: a forked child's list is its own records followed by
 * the copies of its parent's, so a walk stops at the first record of
 * another process -- a child never pays for its parent's history, and an
 * ancestor whose pid we were given is not taken for us. */
struct eg_child *eg_child_newest(void);

/* In a forked child, as its registry becomes its own. */
void eg_children_forked(void);
static inline struct eg_child *eg_child_older(const struct eg_child *c)
{
    extern int eg_pid;
    struct eg_child *o = c->next ? (struct eg_child *)eg_at(c->next) : 0;
    return o && o->parent == eg_pid ? o : 0;
}


#endif
