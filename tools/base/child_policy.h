/* What the command does with processes left running: the words of the
 * library's children= option (shim/base/options.def), which the command passes
 * on and applies itself to the descendants still running when COMMAND
 * ends, and kill_grace. */
#ifndef EXITGUARD_TOOLS_CHILD_POLICY_H
#define EXITGUARD_TOOLS_CHILD_POLICY_H

#include <stddef.h>

/* In the order of the library's choice list. */
enum child_policy { CHILDREN_REPORT, CHILDREN_TERM, CHILDREN_KILL, CHILDREN_GROUP };

#define CHILD_POLICY_WORDS "report, term, kill, group"
/* The library's bound on kill_grace (options.def), in milliseconds. */
#define KILL_GRACE_MAX_MS 60000
#define KILL_GRACE_DEFAULT_MS 1000

/* The policy named by the `len` bytes at `word`, or -1. */
int child_policy_parse(const char *word, size_t len);
const char *child_policy_name(enum child_policy policy);

#endif
