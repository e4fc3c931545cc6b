/* The children policy of a run: what the command does itself with the
 * processes COMMAND leaves running (each process keeps the library's
 * children=report unless the user's EXITGUARD_OPTIONS says otherwise).  --children and --kill-grace decide, unless the
 * user's EXITGUARD_OPTIONS sets children or kill_grace: the user's keys
 * win there (they come after the command's), so they win here too. */
#ifndef EXITGUARD_TOOLS_POLICY_PLAN_H
#define EXITGUARD_TOOLS_POLICY_PLAN_H

#include "child_policy.h"
#include "command_line.h"
#include "user_options.h"

struct policy_plan {
    enum child_policy children;
    long kill_grace_ms;
    /* "kill_grace=250ms" when --kill-grace was given (for a children
     * policy of the user's); empty otherwise */
    char passed[64];
};

/* Says in one line when an explicit option loses to the user's key. */
void plan_policy(const struct command_line *cl, const struct user_options *user,
                 struct policy_plan *out);

#endif
