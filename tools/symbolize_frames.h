/* Adds "function", "file" and "line" to every stack frame of every report,
 * where known: the library records only pc, module and offset (the traced
 * process never symbolizes; see STYLE.md). */
#ifndef EXITGUARD_TOOLS_SYMBOLIZE_FRAMES_H
#define EXITGUARD_TOOLS_SYMBOLIZE_FRAMES_H

#include <jansson.h>

void symbolize_reports(json_t *reports);

#endif
