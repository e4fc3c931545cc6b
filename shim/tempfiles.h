/* Files made by mkstemp and its family (tempfiles.c records them): at the
 * end, those still on disk are the program's leaks, and tempfiles=unlink
 * removes them. */
#ifndef EXITGUARD_TEMPFILES_H
#define EXITGUARD_TEMPFILES_H

#include "region.h"

/* Decides, once per process, each of this process's temp files: gone,
 * kept, or (tempfiles=unlink) removed.  The exit sequence calls it before
 * the report, which only reads the outcomes.  Async-signal-safe. */
void eg_tempfiles_settle(void);

#endif
