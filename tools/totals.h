/* What the reports add up to: shared by the final line, the "totals" of
 * the merged JSON and the exit status. */
#ifndef EXITGUARD_TOOLS_TOTALS_H
#define EXITGUARD_TOOLS_TOTALS_H

#include <jansson.h>
#include <stddef.h>

struct totals {
    size_t processes;
    size_t leaking_processes; /* processes that left at least one fd open */
    size_t leaks;             /* fds left open, all processes */
    size_t errors;            /* fd misuses, including those a report dropped */
};

size_t report_leaks(json_t *report);
size_t report_errors(json_t *report);
struct totals count_totals(json_t *reports);

#endif
