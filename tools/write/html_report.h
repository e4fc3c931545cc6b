/* --html FILE: the run as one page to look at, self-contained (its style
 * and its few lines of script inline, no network, no other file) and
 * readable with JavaScript off.  At the top the run's status, the
 * summary's final line and the totals, with what suppressions and the
 * baseline took out; filters by kind (check boxes and CSS); the tree of
 * processes, each under the one that started it, as <details> (open where
 * something was found), leaking processes marked, each with its findings
 * in the summary's words; the leak sites (leak_groups.h), most leaks
 * first, each with how many leaks, the processes that had them, the
 * source lines around the site (read now, from the file if it is there)
 * and the stacks that reach it; the processes left running; the
 * suppression rules.  Written from the data the summary prints, after
 * symbolizing, suppressions and the baseline: the two cannot disagree.
 * Everything from the program is escaped (html_escape.h). */
#ifndef EXITGUARD_TOOLS_HTML_REPORT_H
#define EXITGUARD_TOOLS_HTML_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "leak_filters.h"
#include "totals.h"

struct html_run {
    char *const *command;
    int wait_status;
    json_t *reports;          /* symbolized and filtered, sorted by pid */
    json_t *leftovers;        /* the merged JSON's "leftover_processes" */
    const struct totals *totals;
    const struct leak_filters *filters;
    size_t unreadable;        /* reports that could not be read */
    const char *base_dir;     /* where relative source file names are, or NULL */
};

/* 0, or -1 if writing failed (errno set). */
int print_html_report(FILE *to, const struct html_run *run);

#endif
