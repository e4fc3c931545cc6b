/* The human summary on stderr: a header, each report with something in it
 * (fds left open, misused or handed across exec, temp files left,
 * finalizers failed or skipped, threads still running; every report with
 * verbose), and a final line that scripts and --quiet rely on. */
#ifndef EXITGUARD_TOOLS_SUMMARY_H
#define EXITGUARD_TOOLS_SUMMARY_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "totals.h"

void print_summary(FILE *to, json_t *reports, char *const *command, int wait_status,
                   int verbose);

/* "exitguard: 12 processes, 2 leaked: 3 fds leaked, 1 fd misuse", then
 * ", 1 temp file left", ", 1 finalizer failed", ", 1 thread still
 * running" when there are any. */
void print_final_line(FILE *to, const struct totals *totals, size_t unreadable);

/* When nothing could be collected; says why. */
void print_no_reports_line(FILE *to, const char *why);

#endif
