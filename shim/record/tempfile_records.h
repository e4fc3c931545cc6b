/* Files made by mkstemp and its family (tempfile_records.c): at the end,
 * those still on disk are the program's leaks, and tempfiles=unlink removes
 * them (tempfiles_settle.c). */
#ifndef EXITGUARD_TEMPFILE_RECORDS_H
#define EXITGUARD_TEMPFILE_RECORDS_H

#include <signal.h>
#include <sys/stat.h>

#include "region.h"

/* A file's creation by the mkstemp family and its record, made one step
 * (tempfiles.c): begin holds off signals (but those a fault raises) and
 * thread cancellation; end restores both.  errno is kept. */
struct eg_tempfile_creation {
    sigset_t mask;
    int cancel_state;
};
struct eg_tempfile_creation eg_tempfile_creation_begin(void);
void eg_tempfile_creation_end(const struct eg_tempfile_creation *c);

/* The end of the process, before it looks at the records: waits (a
 * bounded while) until the other threads' creations are recorded. */
void eg_tempfiles_wait_for_creations(void);

/* In a forked child: the threads that were creating are not here. */
void eg_tempfile_creations_forked(void);

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
