/* A baseline (--baseline FILE: an earlier run's --json document), read as
 * the command reads it, then subtracted from a run's reports: the
 * baseline's own processes, so that leak identities of any shape meet on
 * both sides. */
#include <stdint.h>
#include <stdlib.h>

#include "baseline.h"
#include "scratch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = scratch_file("baseline.json", data, size);
    char error[1024];
    json_t *baseline = load_baseline(path, error, sizeof error);
    if (!baseline)
        return 0;
    json_t *reports = json_deep_copy(baseline);
    subtract_baseline(reports, baseline);
    json_decref(reports);
    json_decref(baseline);
    return 0;
}
