/* Interposers for mkstemp and its family: glibc opens the file internally. */
#define _GNU_SOURCE
#include <stdlib.h>

#include "guard.h"
#include "real.h"
#include "track.h"

#define TEMPFILE(name, params, args)                                           \
    EG_EXPORT int name params                                                  \
    {                                                                          \
        int fd = REAL(name) args;                                              \
        eg_track_fd(fd, EG_VIA_##name, 0);                                     \
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
