#include "totals.h"

#include <string.h>

#include "leftovers_json.h"
#include "reports.h"

static int string_is(json_t *value, const char *text)
{
    const char *s = json_string_value(value);
    return s && strcmp(s, text) == 0;
}

int report_is_exec(json_t *report)
{
    return string_is(json_object_get(json_object_get(report, "end"), "how"), "exec");
}

size_t report_leaks(json_t *report)
{
    return json_array_size(json_object_get(report, "leaks"));
}

size_t report_errors(json_t *report)
{
    /* a process keeps the first misuses only and counts the rest */
    json_int_t dropped = json_integer_value(json_object_get(report, "errors_dropped"));
    return json_array_size(json_object_get(report, "errors")) +
           (dropped > 0 ? (size_t)dropped : 0);
}

size_t report_tempfiles(json_t *report)
{
    return json_array_size(json_object_get(report, "tempfiles"));
}

int finalizer_failed(json_t *finalizer)
{
    json_t *outcome = json_object_get(finalizer, "outcome");
    return string_is(outcome, "crashed") || string_is(outcome, "exited") ||
           string_is(outcome, "hung");
}

static size_t count_finalizers(json_t *report, int (*test)(json_t *finalizer))
{
    size_t n = 0, i;
    json_t *finalizer;
    json_array_foreach(json_object_get(report, "finalizers"), i, finalizer)
        n += test(finalizer) != 0;
    return n;
}

static int finalizer_skipped(json_t *finalizer)
{
    return string_is(json_object_get(finalizer, "outcome"), "skipped");
}

size_t report_finalizer_failures(json_t *report)
{
    return count_finalizers(report, finalizer_failed);
}

size_t report_finalizers_skipped(json_t *report)
{
    return count_finalizers(report, finalizer_skipped);
}

size_t report_threads(json_t *report)
{
    return json_array_size(json_object_get(report, "threads"));
}

size_t report_children(json_t *report)
{
    return json_array_size(json_object_get(report, "children"));
}

int report_is_postmortem(json_t *report)
{
    return json_is_true(json_object_get(report, "postmortem"));
}

int report_has_findings(json_t *report)
{
    return report_leaks(report) || report_errors(report) || report_tempfiles(report) ||
           report_finalizer_failures(report) || report_children(report);
}

/* An exec into a program that cannot be preloaded (static, setuid). */
static int report_exec_unchecked(json_t *report)
{
    return json_object_get(json_object_get(report, "end"), "unchecked") != NULL;
}

/* A post-mortem is news for what it found, not for being one: when the
 * suppressions or the baseline leave nothing of what a dead process
 * held, it is counted with the clean ones, not printed with a header and
 * nothing under it. */
int report_has_news(json_t *report)
{
    return report_has_findings(report) || report_finalizers_skipped(report) ||
           report_threads(report) || report_exec_unchecked(report);
}

/* Reports come sorted by pid, and for one pid in the order written: a
 * report continues the process of the one before it if that one was an
 * exec of the same pid. */
int report_continues(json_t *previous, json_t *report)
{
    if (!previous || json_integer_value(json_object_get(previous, "pid")) !=
                         json_integer_value(json_object_get(report, "pid")))
        return 0;
    /* pid and start time name one process: two registries of one process
     * (a set-user-ID image beside the one before it) are one; a reused
     * pid is another process */
    if (report_start_time(previous) && report_start_time(report))
        return report_start_time(previous) == report_start_time(report);
    return report_is_exec(previous);
}

/* A report that is missing is a finding: CI fails closed -- where what
 * the process held is truly unknown.  A post-mortem read from a registry
 * file is the whole truth of what it held (its fds, temp files, children,
 * misuse; its threads and finalizers died with it), and is judged by
 * that; one whose registry says its report could not be written is not
 * (it ended and lost what it would have said), nor is a registry file
 * that could not be read (postmortem_add counts those). */
static int report_is_missing(json_t *report)
{
    return report_is_postmortem(report) && json_object_get(report, "report_error");
}

int report_held_nothing(json_t *report)
{
    return report_is_postmortem(report) && json_is_true(json_object_get(report, "held_nothing"));
}

struct totals count_totals(json_t *reports, json_t *leftovers)
{
    struct totals t = {0};
    size_t i;
    json_t *report, *previous = NULL;
    json_array_foreach(leftovers, i, report) {
        t.leftovers += !leftover_reported_as_child(report); /* else a child finding */
        t.processes += leftover_without_report(report);
    }
    int process_leaked = 0;
    json_array_foreach(reports, i, report) {
        if (!report_continues(previous, report)) {
            t.processes++;
            process_leaked = 0;
        }
        size_t leaks = report_leaks(report);
        /* leaked anything: an fd, a temp file, a child left running */
        if ((leaks || report_tempfiles(report) || report_children(report)) && !process_leaked) {
            t.leaking_processes++;
            process_leaked = 1;
        }
        t.leaks += leaks;
        if (report_is_exec(report))
            t.exec_leaks += leaks;
        t.errors += report_errors(report);
        t.tempfiles += report_tempfiles(report);
        t.finalizer_failures += report_finalizer_failures(report);
        t.threads += report_threads(report);
        t.children += report_children(report);
        t.unreported += report_is_missing(report);
        previous = report;
    }
    return t;
}

int totals_have_findings(const struct totals *t)
{
    return t->leaks || t->errors || t->tempfiles || t->finalizer_failures || t->children ||
           t->leftovers || t->unreported;
}
