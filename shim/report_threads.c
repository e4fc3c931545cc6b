/* The report's threads section: threads still running at the end. */
#include "report_parts.h"

unsigned eg_report_threads_json(struct eg_writer *w)
{
    eg_w_str(w, ",\n \"threads\":[]");
    return 0;
}

unsigned eg_report_threads_text(struct eg_writer *w, int symbolize)
{
    (void)w;
    (void)symbolize;
    return 0;
}
