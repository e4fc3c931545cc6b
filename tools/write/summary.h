/* The human summary on stderr: a header; the tree of processes, each one
 * with something in it (fds left open, misused or handed across exec,
 * child processes or temp files left, finalizers failed or skipped,
 * threads still running; every one with verbose) under the process that
 * started it, with its leaks, and the processes above it for context;
 * how many others left nothing behind; one line for each process still
 * running when COMMAND ended; and a final line that scripts and --quiet
 * rely on. */
#ifndef EXITGUARD_TOOLS_SUMMARY_H
#define EXITGUARD_TOOLS_SUMMARY_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "totals.h"

/* leftovers: the merged JSON's "leftover_processes". */
void print_summary(FILE *to, json_t *reports, json_t *leftovers, char *const *command,
                   int wait_status, int verbose);

/* The leftover lines alone (when there are no reports to show); a blank
 * line first if after_text. */
void print_leftovers(FILE *to, json_t *leftovers, int after_text);

/* "exitguard: 12 processes, 2 leaked: 3 fds leaked, 1 fd misuse", then
 * ", 1 temp file left", ", 1 finalizer failed", ", 1 child process left
 * running or unreaped", ", 1 process still running after the command",
 * ", 1 thread still running" when there are any. */
void print_final_line(FILE *to, const struct totals *totals, size_t unreadable);

/* When nothing could be collected; says why. */
void print_no_reports_line(FILE *to, const char *why);

#endif
