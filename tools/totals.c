#include "totals.h"

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

struct totals count_totals(json_t *reports)
{
    struct totals t = {0};
    size_t i;
    json_t *report;
    json_array_foreach(reports, i, report) {
        size_t leaks = report_leaks(report);
        t.processes++;
        t.leaking_processes += leaks > 0;
        t.leaks += leaks;
        t.errors += report_errors(report);
    }
    return t;
}
