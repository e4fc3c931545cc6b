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

/* A temp file outlives the image that made it when the process execs: the
 * process ends later, in another program.  `from` is the registry file the
 * image before the exec left (pread only: its offsets are not ours); this
 * process's files in it still on disk are counted and, with `adopt`, made
 * this image's, as if it had made them (without a stack), so that its end
 * reports them and tempfiles=unlink removes them. */
int eg_tempfiles_adopt(int from, int pid, int adopt);

/* Whether a temp file this process made is still on disk. */
int eg_tempfiles_on_disk(void);

#endif
