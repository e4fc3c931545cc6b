#include "policy_plan.h"

#include <stdio.h>
#include <string.h>

#include "messages.h"

static void append(char *out, size_t size, const char *item)
{
    size_t len = strlen(out);
    snprintf(out + len, size - len, "%s%s", len ? ":" : "", item);
}

void plan_policy(const struct command_line *cl, const struct user_options *user,
                 struct policy_plan *out)
{
    *out = (struct policy_plan){.children = CHILDREN_TERM,
                                .kill_grace_ms = KILL_GRACE_DEFAULT_MS};
    char item[48];
    if (user->children >= 0) {
        out->children = (enum child_policy)user->children;
        if (cl->children >= 0 && cl->children != user->children)
            complain("--children=%s ignored: EXITGUARD_OPTIONS sets children=%s",
                     child_policy_name((enum child_policy)cl->children),
                     child_policy_name(out->children));
    } else {
        /* Not passed on: the library's children=term would end each
         * process's children when that process exits, in the middle of the
         * run -- the daemon a setup script double-forks for the tests
         * after it.  The command ends what is left once COMMAND is over,
         * when nobody can be using it any more. */
        if (cl->children >= 0)
            out->children = (enum child_policy)cl->children;
    }
    if (user->kill_grace_ms >= 0) {
        out->kill_grace_ms = user->kill_grace_ms;
        if (cl->kill_grace_ms >= 0 && cl->kill_grace_ms != user->kill_grace_ms)
            complain("--kill-grace ignored: EXITGUARD_OPTIONS sets kill_grace (%ld ms)",
                     user->kill_grace_ms);
    } else if (cl->kill_grace_ms >= 0) {
        out->kill_grace_ms = cl->kill_grace_ms;
        snprintf(item, sizeof item, "kill_grace=%ldms", cl->kill_grace_ms);
        append(out->passed, sizeof out->passed, item);
    }
}
