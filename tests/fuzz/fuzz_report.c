/* One report as a traced process could leave it in the report directory:
 * the same bytes as a per-process document (<pid>.json) and as the run's
 * record file (processes.jsonl, one report a line), read by
 * load_reports, then taken through everything the command does with
 * reports. */
#include <stdint.h>
#include <stdlib.h>

#include "present.h"
#include "reports.h"
#include "scratch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scratch_file("4242.json", data, size);
    scratch_file(RECORDS_NAME, data, size);
    size_t unreadable = 0;
    struct report_names none = {0};
    json_t *reports = load_reports(scratch_dir(), &none, &unreadable);
    if (!reports)
        abort(); /* the directory is there: it must be read */
    present_reports(reports, unreadable);
    return 0;
}
