/* Files made by mkstemp and its family (tempfiles.c records them): at the
 * end, those still on disk are the program's leaks, and tempfiles=unlink
 * removes them. */
#ifndef EXITGUARD_TEMPFILES_H
#define EXITGUARD_TEMPFILES_H

#include "region.h"

/* Decides, once per process, each of this process's temp files: gone,
 * kept, or (tempfiles=unlink) removed.  The exit sequence calls it before
 * the report; the report calls it too, in case nobody did.  Async-signal-
 * safe.  Defined in report_tempfiles.c, which unit tests link without the
 * interposers. */
void eg_tempfiles_settle(void);

#endif
