/* Adds "function", "file" and "line" to every frame of every report, where
 * known; a frame the summary hides (marked "hidden") gets its function
 * alone: the line tables of libc's start code were most of the command's
 * time in a short run.  Covered: the stacks of leaks, errors, temp files,
 * finalizers and threads, and the frames naming a finalizer's function
 * ("fn") and a thread's start routine ("start").  The library records
 * only pc, module and offset (under the command the traced process never
 * symbolizes; see STYLE.md). */
#ifndef EXITGUARD_TOOLS_SYMBOLIZE_FRAMES_H
#define EXITGUARD_TOOLS_SYMBOLIZE_FRAMES_H

#include <jansson.h>

void symbolize_reports(json_t *reports);

#endif
