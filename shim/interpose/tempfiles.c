/* Interposers for mkstemp and its family: glibc opens the file internally,
 * so the fd is recorded here, and the file too -- by absolute path, device
 * and inode -- so that the end of the process can tell whether it was left
 * on disk (tempfiles.h). */
#define _GNU_SOURCE
#include "tempfile_records.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard.h"
#include "options.h"
#include "real.h"
#include "registry.h"
#include "stack.h"
#include "track.h"

static void track_tempfile(int fd, enum eg_via via, const char *name)
{
    eg_track_fd_named(fd, via, 0, name);
    if (fd < 0)
        return;
    int saved = errno;
    if (eg_enter()) {
        if (eg_ensure_init())
            eg_tempfile_record(fd, name);
        eg_leave();
    }
    errno = saved;
}

/* Between glibc's creation of the file and its record here, an end of the
 * process (a signal, another thread's exit) would find no record, and
 * tempfiles=unlink would leave the file on disk (torture seed 4: the run's
 * SIGTERM landed there).  The creation and its record are one step: no
 * signal is taken here meanwhile, and an end in another thread waits for it
 * (tempfile_records.c). */
#define TEMPFILE(name, params, args)                                           \
    EG_EXPORT int name params                                                  \
    {                                                                          \
        struct eg_tempfile_creation c = eg_tempfile_creation_begin();          \
        int fd = REAL(name) args;                                              \
        track_tempfile(fd, EG_VIA_##name, tmpl);                               \
        eg_tempfile_creation_end(&c);                                          \
        return fd;                                                             \
    }

TEMPFILE(mkstemp, (char *tmpl), (tmpl))
TEMPFILE(mkstemp64, (char *tmpl), (tmpl))
TEMPFILE(mkostemp, (char *tmpl, int flags), (tmpl, flags))
TEMPFILE(mkostemp64, (char *tmpl, int flags), (tmpl, flags))
TEMPFILE(mkstemps, (char *tmpl, int suffixlen), (tmpl, suffixlen))
TEMPFILE(mkstemps64, (char *tmpl, int suffixlen), (tmpl, suffixlen))
TEMPFILE(mkostemps, (char *tmpl, int suffixlen, int flags), (tmpl, suffixlen, flags))
TEMPFILE(mkostemps64, (char *tmpl, int suffixlen, int flags), (tmpl, suffixlen, flags))
