/* The report's finalizers section: what the exit sequence ran, skipped or
 * gave up on. */
#include "report_parts.h"

unsigned eg_report_finalizers_json(struct eg_writer *w)
{
    eg_w_str(w, ",\n \"finalizers\":[]");
    return 0;
}

unsigned eg_report_finalizers_text(struct eg_writer *w, int symbolize)
{
    (void)w;
    (void)symbolize;
    return 0;
}

unsigned eg_report_finalizers_failed(void) { return 0; }
