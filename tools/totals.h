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
};

int report_is_exec(json_t *report);

/* One report's counts, as in struct totals (processes and
 * leaking_processes aside). */
size_t report_leaks(json_t *report);
size_t report_errors(json_t *report);
size_t report_tempfiles(json_t *report);
size_t report_finalizer_failures(json_t *report);
size_t report_finalizers_skipped(json_t *report);
size_t report_threads(json_t *report);

/* Whether a finalizer's outcome is a failure: crashed, exited or hung. */
int finalizer_failed(json_t *finalizer);

/* Something --error-exitcode counts: an fd leaked or misused, a temp file
 * left, a finalizer failed. */
int report_has_findings(json_t *report);
/* Findings, or things shown without being findings (threads still
 * running, finalizers skipped): the summary lists the process. */
int report_has_news(json_t *report);

struct totals count_totals(json_t *reports);
int totals_have_findings(const struct totals *totals);

#endif
