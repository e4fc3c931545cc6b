/* Interposers for FILE* and DIR* streams.  glibc opens and closes their fds
 * internally, never through the open/close symbols, so each needs its own
 * wrapper.  The fd of a stream carries a flag: closing it behind the
 * stream's back (close, dup2 onto it) is reported as misuse. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>

#include "guard.h"
#include "real.h"
#include "shell.h"
#include "track.h"

/* The fd under a stream, or -1; fileno sets errno (EBADF) for streams
 * without one (fmemopen, open_memstream), which the program must not see. */
static int stream_fd(FILE *f)
{
    int saved = errno;
    int fd = fileno(f);
    errno = saved;
    return fd;
}

static FILE *track_file(FILE *f, enum eg_via via, const char *path)
{
    if (f)
        eg_track_fd_named(stream_fd(f), via, EG_FD_FILE, path);
    return f;
}

EG_EXPORT FILE *fopen(const char *path, const char *mode)
{
    return track_file(REAL(fopen)(path, mode), EG_VIA_fopen, path);
}

EG_EXPORT FILE *fopen64(const char *path, const char *mode)
{
    return track_file(REAL(fopen64)(path, mode), EG_VIA_fopen64, path);
}

EG_EXPORT FILE *tmpfile(void)
{
    return track_file(REAL(tmpfile)(), EG_VIA_tmpfile, 0);
}

EG_EXPORT FILE *tmpfile64(void)
{
    return track_file(REAL(tmpfile64)(), EG_VIA_tmpfile64, 0);
}

EG_EXPORT FILE *fdopen(int fd, const char *mode)
{
    FILE *f = REAL(fdopen)(fd, mode);
    if (f)
        eg_track_adopt(fd, EG_VIA_fdopen, EG_FD_FILE);
    return f;
}

/* freopen closes the old fd (the stream is closed even if reopening fails)
 * and opens a new one, both inside libc. */
static FILE *reopen(FILE *(*real)(const char *, const char *, FILE *),
                    const char *path, const char *mode, FILE *f, enum eg_via via)
{
    struct eg_release r;
    eg_track_release_begin(&r, stream_fd(f), via, 1);
    FILE *ret = real(path, mode, f);
    eg_track_release_end(&r, 0, 0);
    return track_file(ret, via, path); /* NULL: the same file, another mode */
}

EG_EXPORT FILE *freopen(const char *path, const char *mode, FILE *f)
{
    return reopen(REAL(freopen), path, mode, f, EG_VIA_freopen);
}

EG_EXPORT FILE *freopen64(const char *path, const char *mode, FILE *f)
{
    return reopen(REAL(freopen64), path, mode, f, EG_VIA_freopen64);
}

EG_EXPORT int fclose(FILE *f)
{
    int piped = eg_popen_close(f); /* glibc's fclose of a popen stream is pclose */
    if (piped != -2)
        return piped;
    struct eg_release r;
    eg_track_release_begin(&r, stream_fd(f), EG_VIA_fclose, 1);
    int ret = REAL(fclose)(f);
    eg_track_release_end(&r, 0, 0);
    return ret;
}

EG_EXPORT DIR *opendir(const char *path)
{
    DIR *d = REAL(opendir)(path);
    if (d)
        eg_track_fd_named(dirfd(d), EG_VIA_opendir, EG_FD_DIR, path);
    return d;
}

EG_EXPORT DIR *fdopendir(int fd)
{
    DIR *d = REAL(fdopendir)(fd);
    if (d)
        eg_track_adopt(fd, EG_VIA_fdopendir, EG_FD_DIR);
    return d;
}

EG_EXPORT int closedir(DIR *d)
{
    struct eg_release r;
    eg_track_release_begin(&r, dirfd(d), EG_VIA_closedir, 1);
    int ret = REAL(closedir)(d);
    eg_track_release_end(&r, 0, 0);
    return ret;
}
