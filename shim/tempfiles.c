/* Interposers for mkstemp and its family: glibc opens the file internally,
 * so the fd is recorded here, and the file too -- by absolute path, device
 * and inode -- so that the end of the process can tell whether it was left
 * on disk (tempfiles.h). */
#define _GNU_SOURCE
#include "tempfiles.h"

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

/* `name` made relative to the current directory absolute, in `buf`;
 * returns its length, or 0 if it does not fit or the directory is gone. */
static size_t absolute(const char *name, char *buf, size_t size)
{
    size_t len = 0;
    if (name[0] != '/') {
        if (!getcwd(buf, size))
            return 0;
        len = strlen(buf);
        if (buf[len - 1] != '/')
            buf[len++] = '/';
        while (name[0] == '.' && name[1] == '/')
            name += 2;
    }
    size_t n = strlen(name);
    if (len + n >= size)
        return 0;
    memcpy(buf + len, name, n + 1);
    return len + n;
}

static void add(const char *path, size_t len, const struct stat *st, int fd, uint64_t seq,
                uint32_t stack)
{
    uint64_t off = eg_region_alloc(sizeof(struct eg_tempfile) + len + 1);
    if (!off) {
        atomic_fetch_add_explicit(&eg_region->dropped, 1, memory_order_relaxed);
        return;
    }
    struct eg_tempfile *t = eg_at(off);
    t->seq = seq;
    t->stack = stack;
    t->dev = st->st_dev;
    t->ino = st->st_ino;
    t->pid = eg_pid;
    t->fd = fd;
    t->path_len = (uint32_t)len;
    memcpy(t->path, path, len + 1);
    eg_list_push(&eg_region->tempfiles, &t->next, (uint32_t)off); /* newest first */
}

static void record(int fd, const char *name)
{
    char path[PATH_MAX];
    size_t len = absolute(name, path, sizeof path);
    struct stat st;
    if (!len || fstat(fd, &st) != 0)
        return;
    /* the fd was recorded just before: same creation seq, same stack */
    struct eg_fd_slot *s = eg_fd_slot(fd, 0);
    if (s && EG_WORD_STATE(atomic_load(&s->word)) == EG_FD_OPEN && EG_GET(s->pid) == eg_pid)
        add(path, len, &st, fd, EG_GET(s->seq), EG_GET(s->stack));
    else /* closed by another thread already, or beyond the table */
        add(path, len, &st, fd, eg_next_seq(), eg_stack_here());
}

static int still_there(const char *path, uint64_t dev, uint64_t ino, struct stat *st)
{
    /* lstat: a symlink planted at the path is not our file */
    return lstat(path, st) == 0 && st->st_dev == dev && st->st_ino == ino;
}

int eg_tempfiles_adopt(int from, int pid, int adopt)
{
    uint32_t off = 0;
    uint64_t size = 0;
    if (pread(from, &off, sizeof off, offsetof(struct eg_region, tempfiles)) != sizeof off ||
        pread(from, &size, sizeof size, offsetof(struct eg_region, size)) != sizeof size)
        return 0;
    int found = 0;
    for (int n = 0; off && n < 65536; n++) { /* bounded: the file is not ours to trust */
        struct eg_tempfile t;
        char path[PATH_MAX];
        struct stat st;
        if (size < sizeof t || off > size - sizeof t || pread(from, &t, sizeof t, off) != sizeof t)
            break;
        size_t len = t.path_len;
        if (t.pid == pid && len && len < sizeof path &&
            pread(from, path, len + 1, (off_t)(off + sizeof t)) == (ssize_t)(len + 1) &&
            !path[len] && still_there(path, t.dev, t.ino, &st)) {
            found++;
            /* its stack was the old program's, in the old image's memory */
            if (adopt)
                add(path, len, &st, t.fd, eg_next_seq(), 0);
        }
        off = t.next;
    }
    return found;
}

void eg_tempfiles_settle(void)
{
    static _Atomic int settled_in; /* the pid that did: once per process */
    if (!eg_region || atomic_exchange(&settled_in, eg_pid) == eg_pid)
        return;
    uint32_t off = atomic_load_explicit(&eg_region->tempfiles, memory_order_acquire);
    for (struct eg_tempfile *t = off ? eg_at(off) : 0; t; t = t->next ? eg_at(t->next) : 0) {
        if (t->pid != eg_pid)
            continue;
        struct stat st;
        uint32_t outcome = EG_TEMP_GONE;
        if (still_there(t->path, t->dev, t->ino, &st)) {
            outcome = EG_TEMP_KEPT;
            if (eg_options.tempfiles == EG_TEMPFILES_UNLINK)
                outcome = unlink(t->path) == 0 ? EG_TEMP_REMOVED : EG_TEMP_REMOVE_FAILED;
        }
        atomic_store(&t->outcome, outcome);
    }
}

static void track_tempfile(int fd, enum eg_via via, const char *name)
{
    eg_track_fd(fd, via, 0);
    if (fd < 0)
        return;
    int saved = errno;
    if (eg_enter()) {
        if (eg_ensure_init())
            record(fd, name);
        eg_leave();
    }
    errno = saved;
}

#define TEMPFILE(name, params, args)                                           \
    EG_EXPORT int name params                                                  \
    {                                                                          \
        int fd = REAL(name) args;                                              \
        track_tempfile(fd, EG_VIA_##name, tmpl);                               \
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
