/* Shells hand their fds on by design.  A script that opens `exec 3>file`
 * (a test harness's log, a dup of stdout to write to with >&3) means every
 * command it runs to get that fd, and a shell has no way to mark it
 * close-on-exec; the shell's own fds are O_CLOEXEC.  So an fd in a shell's
 * exec document (the shell image going on to run a command) is a
 * hand-over, not a leak: taken out of the reports and said once per site,
 * however many commands got it.  What a script leaves open at its own end
 * is still its leak. */
#ifndef EXITGUARD_TOOLS_HANDOVERS_H
#define EXITGUARD_TOOLS_HANDOVERS_H

#include <jansson.h>
#include <stdio.h>

/* Whether the image of `report` (its "exe", and argv[0] for busybox) is a
 * POSIX shell. */
int is_shell(json_t *report);

/* Moves the exec leaks of shells' exec documents out of `reports` into
 * `handovers` (an array), one entry per site and fd:
 * {"fd", "description", "via", "stack", "site", "shells": [argv as one
 * string, up to 3], "shell_count", "commands", "programs": [up to 5 base
 * names], "program_count"}.  Returns how many leaks it moved. */
size_t take_handovers(json_t *handovers, json_t *reports);

/* "exitguard: shells handed on 2 fds to 57 commands they ran, by design
 * (not leaks):" and a line for each site; nothing when there were none. */
void print_handovers(FILE *to, json_t *handovers);

#endif
