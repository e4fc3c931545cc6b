/* How a process that left no report died, as its parent saw it: a
 * process killed by SIGKILL writes nothing, but the parent that reaped it
 * notes the wait status (its report's, or its registry's,
 * "children_killed"), and the command sees its own child's.  The post-mortem of the child gets it as its
 * end.status, so that the summary says "killed by SIGKILL" rather than
 * guessing. */
#ifndef EXITGUARD_TOOLS_KILLED_CHILDREN_H
#define EXITGUARD_TOOLS_KILLED_CHILDREN_H

#include <jansson.h>

/* After postmortem_add: every post-mortem without a status whose parent
 * (its ppid, in any document of that pid) says it reaped it killed, and
 * COMMAND's own main process (command_pid), which the command reaped
 * with command_status. */
void note_how_killed_children_died(json_t *reports, int command_pid, int command_status);

#endif
