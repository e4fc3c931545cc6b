#define _GNU_SOURCE
#include "wait_status.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

int exit_code_of(int wait_status)
{
    if (WIFSIGNALED(wait_status))
        return 128 + WTERMSIG(wait_status);
    return WEXITSTATUS(wait_status);
}

void signal_name(int signal, char *out, size_t size)
{
    const char *abbrev = sigabbrev_np(signal);
    if (abbrev)
        snprintf(out, size, "SIG%s", abbrev);
    else
        snprintf(out, size, "SIG%d", signal);
}

json_t *wait_status_json(int wait_status)
{
    if (WIFSIGNALED(wait_status)) {
        char name[32];
        signal_name(WTERMSIG(wait_status), name, sizeof name);
        return json_pack("{s:s, s:i, s:s}", "how", "signal", "signal",
                         WTERMSIG(wait_status), "name", name);
    }
    return json_pack("{s:s, s:i}", "how", "exit", "status", WEXITSTATUS(wait_status));
}

void describe_wait_status(int wait_status, char *out, size_t size)
{
    if (WIFSIGNALED(wait_status)) {
        char name[32];
        signal_name(WTERMSIG(wait_status), name, sizeof name);
        snprintf(out, size, "killed by %s", name);
    } else {
        snprintf(out, size, "exited with status %d", WEXITSTATUS(wait_status));
    }
}
