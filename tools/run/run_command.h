/* Runs COMMAND as exitguard's child, like tini: signals sent to exitguard
 * are passed on to it, and exitguard is the subreaper of the whole tree,
 * so that orphaned descendants are reaped instead of left as zombies. */
#ifndef EXITGUARD_TOOLS_RUN_COMMAND_H
#define EXITGUARD_TOOLS_RUN_COMMAND_H

struct run_result {
    int wait_status; /* COMMAND's, as waitpid gives it */
    int pid;         /* COMMAND's main process */
};

/* 0 once COMMAND has ended; or, if it could not be started, the exit code
 * a shell would give (127 not found, 126 otherwise) after saying why. */
int run_command(char **command, struct run_result *result);

#endif
