/* What the reports add up to: shared by the summary, the final line, the
 * "totals" of the merged JSON and the exit status.
 *
 * A report is one document: a process writes one when it ends and, before
 * that, one each time it execs (end.how "exec"), all under its pid.  A
 * process is such a run of exec documents and the document that ends it
 * (or the last exec document, if the program it exec'd wrote none). */
#ifndef EXITGUARD_TOOLS_TOTALS_H
#define EXITGUARD_TOOLS_TOTALS_H

#include <jansson.h>
#include <stddef.h>

struct totals {
    size_t processes;
    size_t leaking_processes;  /* processes that left (or handed on) an fd */
    size_t leaks;              /* fds left open or handed across exec */
    size_t exec_leaks;         /* of those, handed across exec */
    size_t errors;             /* fd misuses, including those a report dropped */
    size_t tempfiles;          /* temp files left at the end */
    size_t finalizer_failures; /* finalizers that crashed, exited or hung */
    size_t threads;            /* threads still running at the end: not findings */
    size_t children;           /* child processes a process left running or unreaped */
    size_t leftovers;          /* processes still running when COMMAND ended */
    size_t unreported;         /* processes whose report is missing (read post mortem
                                  from their registry), the command not the cause */
};

int report_is_exec(json_t *report);
/* Whether `report` continues the process of `previous` (the report before
 * it in the sorted array, or NULL): the same pid and start time, or where
 * a report does not say its start, an exec of the same pid. */
int report_continues(json_t *previous, json_t *report);

/* One report's counts, as in struct totals (processes and
 * leaking_processes aside). */
size_t report_leaks(json_t *report);
size_t report_errors(json_t *report);
size_t report_tempfiles(json_t *report);
size_t report_finalizer_failures(json_t *report);
size_t report_finalizers_skipped(json_t *report);
size_t report_threads(json_t *report);
size_t report_children(json_t *report);
/* A reconstruction by the command of a process that wrote no report. */
int report_is_postmortem(json_t *report);
/* A post-mortem whose registry shows it held nothing when it died. */
int report_held_nothing(json_t *report);

/* Whether a finalizer's outcome is a failure: crashed, exited or hung. */
int finalizer_failed(json_t *finalizer);

/* Something --error-exitcode counts: an fd leaked or misused, a temp file
 * left, a finalizer failed, a child process left running or unreaped. */
int report_has_findings(json_t *report);
/* Findings, or things shown without being findings (threads still
 * running, finalizers skipped, the process wrote no report): the summary
 * lists the process. */
int report_has_news(json_t *report);

/* leftovers: the merged JSON's "leftover_processes". */
struct totals count_totals(json_t *reports, json_t *leftovers);
int totals_have_findings(const struct totals *totals);

#endif
