/* The processes left running after COMMAND ended, as the merged JSON's
 * "leftover_processes" and the summary read them:
 * [{"pid":N, "argv":[...], "started_by":{"pid":N, "argv":[...]},
 *   "action":"left_running"|"terminated"|"killed"|"survived"|"ended"}]
 * "started_by" is there only when known: the parent /proc showed when the
 * process was found, or else the process whose report lists it among its
 * children (an orphan's parent is gone from /proc).  "reported_as_child":
 * true when that report lists it as a child left running: the child's
 * entry there then has "after_command": the action. */
#ifndef EXITGUARD_TOOLS_LEFTOVERS_JSON_H
#define EXITGUARD_TOOLS_LEFTOVERS_JSON_H

#include <jansson.h>

#include "descendants.h"

/* reports: every per-process report, for who started each. */
json_t *leftovers_json(const struct leftovers *leftovers, json_t *reports);

/* "left running after the command ended: pid 1234 (sleep 100), started by
 * pid 1200 (sh -c ...); terminated" */
void print_leftover(FILE *to, json_t *leftover);

/* A NULL-terminated argv as a JSON array of strings. */
json_t *argv_json(char *const *argv);

/* "terminated (SIGTERM)" for "terminated", ... */
const char *leftover_action_text(const char *action);

static inline int leftover_reported_as_child(json_t *leftover)
{
    return json_is_true(json_object_get(leftover, "reported_as_child"));
}

/* No document of its own among the reports: counted as a process here. */
static inline int leftover_without_report(json_t *leftover)
{
    return json_is_true(json_object_get(leftover, "without_report"));
}

#endif
