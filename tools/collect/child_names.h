/* Children named by what they became: a child record holds the argv its
 * parent saw when it started it (for a fork, the parent's own), but the
 * child may have exec'd since -- even after its parent ended, so that
 * which name a report shows would depend on timing.  The command renames
 * every child entry by the last image its pid ran: what /proc showed when
 * it was found left running, or else the argv its last exec report
 * handed on, or its last report's own.  The record's argv stays as
 * "forked_as" where it differs.  A process whose last word was an exec
 * report, and which the command then ended, gets "ended_by_command" in
 * that report's end.  Every format reads the entries after this. */
#ifndef EXITGUARD_TOOLS_CHILD_NAMES_H
#define EXITGUARD_TOOLS_CHILD_NAMES_H

#include <jansson.h>

#include "descendants.h"

void name_children_by_image(json_t *reports, const struct leftovers *left);

/* Started by fork, vfork, _Fork, clone or forkpty: a copy of its parent
 * until it execs. */
int child_was_forked(json_t *child);

#endif
