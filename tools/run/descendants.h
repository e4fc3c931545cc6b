/* The processes still running when COMMAND's main process has ended --
 * daemons, background jobs, orphans of killed processes -- found and dealt
 * with by the policy of --children.
 *
 * exitguard is the subreaper of the tree: an orphan becomes its child, so
 * every such process is a child of exitguard or a descendant of one.
 * Only a process that is, provably, exitguard's own unreaped child is ever
 * signalled (see own_child.h); a deeper descendant is dealt with when its
 * parent has ended and it has become exitguard's child in turn. */
#ifndef EXITGUARD_TOOLS_DESCENDANTS_H
#define EXITGUARD_TOOLS_DESCENDANTS_H

#include <stddef.h>
#include <sys/types.h>

#include "child_policy.h"

enum leftover_action {
    LEFTOVER_LEFT_RUNNING, /* children=report, or found too late to act on */
    LEFTOVER_TERMINATED,   /* ended after SIGTERM, before SIGKILL */
    LEFTOVER_KILLED,       /* ended after SIGKILL */
    LEFTOVER_SURVIVED,     /* still there after SIGKILL */
    LEFTOVER_ENDED,        /* ended on its own before exitguard acted */
};

struct leftover {
    pid_t pid;
    /* its parent when it was found, if that was not exitguard: another
     * leftover.  0 for exitguard's own children, orphans whose parent
     * /proc no longer knows. */
    pid_t parent;
    char **argv; /* /proc/PID/cmdline when found; may be empty, or NULL */
    enum leftover_action action;

    /* while it is being dealt with */
    pid_t pgid, ppid_now;
    int ended, status_known, status, given_up;
    long term_at, kill_at; /* ms into the settling; -1: not sent */
};

struct leftovers {
    struct leftover *items;
    size_t count;
};

/* Finds every descendant still running and applies `policy`: report
 * lists them and returns at once; term sends SIGTERM and SIGKILL after
 * grace_ms; kill SIGKILL; group the same as term to each one's process
 * group (never exitguard's own).  Reaps what it ended, so the reports
 * those processes wrote on the way out are all in place on return.
 * Bounded in time: about grace_ms plus a second for each generation of
 * orphans that killing their parents releases, at most four. */
void settle_descendants(enum child_policy policy, long grace_ms, struct leftovers *out);
void free_leftovers(struct leftovers *leftovers);

/* "left_running", "terminated", "killed", "survived", "ended" */
const char *leftover_action_name(enum leftover_action action);

/* The leftover with this pid, or NULL. */
const struct leftover *find_leftover(const struct leftovers *leftovers, pid_t pid);

#endif
