/* Temp file records: each file made by mkstemp and its family (tempfiles.c),
 * by absolute path, device and inode, so that the end of the process can
 * tell whether it was left on disk (tempfiles_settle.c). */
#define _GNU_SOURCE
#include "tempfile_records.h"
#include "real.h"
#include "fork_state.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "registry.h"
#include "stack.h"

/* Creations under way in the process, and in this thread (0 or 1; a
 * thread's own end cannot wait for itself). */
static _Atomic int creating;
static __thread int creating_here;

struct eg_tempfile_creation eg_tempfile_creation_begin(void)
{
    struct eg_tempfile_creation c;
    int saved = errno;
    /* a fault's signal blocked would kill the process without a handler */
    static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS};
    sigset_t hold;
    sigfillset(&hold);
    for (size_t i = 0; i < sizeof faults / sizeof *faults; i++)
        sigdelset(&hold, faults[i]);
    /* raw: glibc's sigprocmask would not hold its own cancellation signal */
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, &hold, &c.mask, _NSIG / 8);
    /* glibc's open inside mkstemp is a cancellation point: a thread
     * cancelled there would leave the count up and its signals held */
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &c.cancel_state);
    creating_here++;
    atomic_fetch_add(&creating, 1);
    errno = saved;
    return c;
}

void eg_tempfile_creation_end(const struct eg_tempfile_creation *c)
{
    int saved = errno;
    atomic_fetch_sub(&creating, 1);
    creating_here--;
    pthread_setcancelstate(c->cancel_state, 0);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &c->mask, 0, _NSIG / 8);
    errno = saved;
}

void eg_tempfiles_wait_for_creations(void)
{
    /* bounded: a thread stopped inside mkstemp (a debugger, SIGSTOP) must
     * not hold the end for ever */
    for (int i = 0; i < 1000 && atomic_load(&creating) > creating_here; i++) {
        struct timespec ms = {0, 1000000};
        syscall(SYS_nanosleep, &ms, 0);
    }
}

EG_HOT_TEXT void eg_tempfile_creations_forked(void)
{
    /* stored only when it differs: a write would cost every forked child
     * a copy of this page */
    if (atomic_load_explicit(&creating, memory_order_relaxed) != creating_here)
        atomic_store(&creating, creating_here);
}

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

void eg_tempfile_record(int fd, const char *name)
{
    char path[PATH_MAX];
    size_t len = absolute(name, path, sizeof path);
    struct stat st;
    if (!len || eg_fstat(fd, &st) != 0)
        return;
    /* the fd was recorded just before: same creation seq, same stack */
    struct eg_fd_slot *s = eg_fd_slot(fd, 0);
    if (s && EG_WORD_STATE(atomic_load(&s->word)) == EG_FD_OPEN && EG_GET(s->pid) == eg_pid)
        add(path, len, &st, fd, EG_GET(s->seq), EG_GET(s->stack));
    else /* closed by another thread already, or beyond the table */
        add(path, len, &st, fd, eg_next_seq(), eg_stack_here());
}

int eg_tempfile_still_there(const char *path, uint64_t dev, uint64_t ino, struct stat *st)
{
    /* lstat: a symlink planted at the path is not our file */
    return eg_lstat(path, st) == 0 && st->st_dev == dev && st->st_ino == ino;
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
            !path[len] && eg_tempfile_still_there(path, t.dev, t.ino, &st)) {
            found++;
            /* its stack was the old program's, in the old image's memory */
            if (adopt)
                add(path, len, &st, t.fd, eg_next_seq(), 0);
        }
        off = t.next;
    }
    return found;
}
