/* The report's temp files section: mkstemp files still on disk. */
#include "report_parts.h"

unsigned eg_report_tempfiles_json(struct eg_writer *w)
{
    eg_w_str(w, ",\n \"tempfiles\":[]");
    return 0;
}

unsigned eg_report_tempfiles_text(struct eg_writer *w, int symbolize)
{
    (void)w;
    (void)symbolize;
    return 0;
}

unsigned eg_report_tempfiles_count(void) { return 0; }
