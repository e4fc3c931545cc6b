/* Files made by mkstemp and its family (tempfile_records.c): at the end,
 * those still on disk are the program's leaks, and tempfiles=unlink removes
 * them (tempfiles_settle.c). */
#ifndef EXITGUARD_TEMPFILE_RECORDS_H
#define EXITGUARD_TEMPFILE_RECORDS_H

#include <sys/stat.h>

#include "region.h"

/* fd was just made by the mkstemp family as `name` (relative or not). */
void eg_tempfile_record(int fd, const char *name);

/* Whether the file at path is still the one recorded (lstat: a symlink
 * planted there is not our file). */
int eg_tempfile_still_there(const char *path, uint64_t dev, uint64_t ino, struct stat *st);

/* A temp file outlives the image that made it when the process execs: the
 * process ends later, in another program.  `from` is the registry file the
 * image before the exec left (pread only: its offsets are not ours); this
 * process's files in it still on disk are counted and, with `adopt`, made
 * this image's, as if it had made them (without a stack), so that its end
 * reports them and tempfiles=unlink removes them. */
int eg_tempfiles_adopt(int from, int pid, int adopt);

#endif
