/* Adds "function", "file" and "line" to every frame of every report, where
 * known: each frame of the stacks of leaks, errors, temp files, finalizers
 * and threads, and the frames naming a finalizer's function ("fn") and a
 * thread's start routine ("start").  The library records only pc, module
 * and offset (the traced process never symbolizes; see STYLE.md). */
#ifndef EXITGUARD_TOOLS_SYMBOLIZE_FRAMES_H
#define EXITGUARD_TOOLS_SYMBOLIZE_FRAMES_H

#include <jansson.h>

void symbolize_reports(json_t *reports);

#endif
