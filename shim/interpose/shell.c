/* system, popen and pclose.  glibc builds them on its internal
 * posix_spawn: no interposer sees the child, and the child gets `environ`
 * as it is -- a program that unset LD_PRELOAD would run its commands
 * unchecked.  They are rebuilt here on the interposed path (spawn.c), with
 * glibc 2.36's behaviour, verified with strace (PITFALLS.md):
 *
 * system(cmd): /bin/sh with argv {"sh", "-c", cmd}; while it waits, SIGINT
 *   and SIGQUIT are ignored (set by the first of concurrent callers,
 *   restored by the last) and SIGCHLD is blocked; the child gets SIGINT
 *   and SIGQUIT at their defaults unless they were ignored, and the
 *   caller's signal mask.  Returns the wait status, 127 << 8 if the shell
 *   could not start, -1 if the wait failed; system(NULL) is whether
 *   "exit 0" succeeds.  (glibc also kills the child when the caller is
 *   cancelled; not done here.)
 * popen(cmd, "r"|"w" [+ "e"]): a pipe made O_CLOEXEC, its child end
 *   dup2'ed onto the child's stdin or stdout (moved first if it is already
 *   that number), the fds of the other popen streams still open closed in
 *   the child (POSIX), the parent's end O_CLOEXEC only with "e".  On a
 *   failed spawn, NULL with ENOMEM.
 * pclose(f): closes the stream, waits for its child (retrying EINTR) and
 *   returns its wait status.  For a stream not from popen, glibc's pclose
 *   is fclose: so is ours.  fclose of a popen stream is pclose in glibc
 *   too; streams.c hands it here. */
#define _GNU_SOURCE
#include "shell.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "children.h"
#include "guard.h"
#include "real.h"
#include "registry.h"
#include "spawning.h"
#include "track.h"

#define SHELL_PATH "/bin/sh"

/* ---- system ---- */

static pthread_mutex_t system_lock = PTHREAD_MUTEX_INITIALIZER;
static int system_callers;
static struct sigaction saved_int, saved_quit;

/* The wait of a child we started for the program: the record is ours to
 * update, as the program's waits update theirs. */
static pid_t wait_child(pid_t pid, int *status)
{
    pid_t got;
    do
        got = REAL(waitpid)(pid, status, 0);
    while (got < 0 && errno == EINTR);
    if (got == pid)
        eg_child_reaped(pid, *status);
    return got;
}

static void system_done(void)
{
    pthread_mutex_lock(&system_lock);
    if (--system_callers == 0) {
        REAL(sigaction)(SIGINT, &saved_int, 0);
        REAL(sigaction)(SIGQUIT, &saved_quit, 0);
    }
    pthread_mutex_unlock(&system_lock);
}

/* The calling thread was cancelled in waitpid (a cancellation point), as
 * glibc's system handles it: the shell is killed and reaped -- it is our
 * unreaped child, so its pid is still its own -- and SIGINT, SIGQUIT and
 * the mask are given back, or they would stay ignored and blocked. */
struct system_call {
    pid_t pid;
    sigset_t mask;
};

static void system_cancelled(void *p)
{
    struct system_call *call = p;
    kill(call->pid, SIGKILL);
    int status;
    wait_child(call->pid, &status);
    system_done();
    sigprocmask(SIG_SETMASK, &call->mask, 0);
}

static int run_shell(const char *line)
{
    /* Materialised before SIGINT and SIGQUIT are ignored behind the
     * signal records' back: materialising in the middle would take the
     * ignored disposition for the program's. */
    int saved_errno = errno;
    if (eg_enter()) {
        eg_ensure_init();
        eg_leave();
    }
    errno = saved_errno;
    /* glibc's own sigaction: as glibc's system does, past anyone's
     * interposer (ours answers queries with the program's settings) */
    struct sigaction ignore = {0};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    /* Until the cleanup handler is in place, no cancellation: our stack
     * capture may open files (cancellation points), and a cancel there
     * would leave SIGINT and SIGQUIT ignored for good. */
    int cancel_state;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
    pthread_mutex_lock(&system_lock);
    if (system_callers++ == 0) {
        REAL(sigaction)(SIGINT, &ignore, &saved_int);
        REAL(sigaction)(SIGQUIT, &ignore, &saved_quit);
    }
    pthread_mutex_unlock(&system_lock);

    sigset_t child, mask;
    sigemptyset(&child);
    sigaddset(&child, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child, &mask);

    sigset_t reset;
    sigemptyset(&reset);
    if (saved_int.sa_handler != SIG_IGN)
        sigaddset(&reset, SIGINT);
    if (saved_quit.sa_handler != SIG_IGN)
        sigaddset(&reset, SIGQUIT);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigdefault(&attr, &reset);
    posix_spawnattr_setsigmask(&attr, &mask);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    char *argv[] = {"sh", "-c", (char *)line, NULL};
    pid_t pid;
    int err = eg_spawn(EG_VIA_system, &pid, SHELL_PATH, 0, &attr, argv, environ, 0);
    posix_spawnattr_destroy(&attr);
    int status;
    if (err == 0) {
        struct system_call call = {pid, mask};
        pthread_cleanup_push(system_cancelled, &call);
        pthread_setcancelstate(cancel_state, 0);
        if (wait_child(pid, &status) != pid)
            status = -1;
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, 0);
        pthread_cleanup_pop(0);
    } else {
        status = 127 << 8; /* POSIX: as if the shell had done _exit(127) */
    }

    system_done();
    sigprocmask(SIG_SETMASK, &mask, 0);
    pthread_setcancelstate(cancel_state, 0);
    if (err)
        errno = err;
    return status;
}

EG_EXPORT int system(const char *line)
{
    if (!line)
        return run_shell("exit 0") == 0;
    return run_shell(line);
}

/* ---- popen ---- */

/* Held from listing the other popen streams until the new one is
 * recorded: another thread's popen must not slip a stream in between. */
static pthread_mutex_t popen_lock = PTHREAD_MUTEX_INITIALIZER;

EG_EXPORT FILE *popen(const char *command, const char *mode)
{
    int reading = 0, writing = 0, cloexec = 0;
    for (const char *m = mode; *m; m++) {
        switch (*m) {
        case 'r': reading = 1; break;
        case 'w': writing = 1; break;
        case 'e': cloexec = 1; break;
        default: errno = EINVAL; return NULL;
        }
    }
    if (reading == writing) {
        errno = EINVAL;
        return NULL;
    }
    int fds[2];
    if (REAL(pipe2)(fds, O_CLOEXEC) < 0)
        return NULL;
    int mine = reading ? 0 : 1, theirs = 1 - mine, target = reading ? 1 : 0;
    /* dup2 onto itself would leave it O_CLOEXEC: move it away first */
    if (fds[theirs] == target) {
        int moved = REAL(fcntl)(target, F_DUPFD_CLOEXEC, 0);
        if (moved < 0) {
            int saved = errno;
            REAL(close)(fds[0]);
            REAL(close)(fds[1]);
            errno = saved;
            return NULL;
        }
        REAL(close)(target);
        fds[theirs] = moved;
    }
    /* the FILE first, as glibc allocates it first: once the child runs,
     * nothing may fail */
    FILE *f = REAL(fdopen)(fds[mine], reading ? "r" : "w");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    int ok = f && posix_spawn_file_actions_adddup2(&actions, fds[theirs], target) == 0;
    pthread_mutex_lock(&popen_lock);
    for (struct eg_child *c = eg_child_newest(); ok && c; c = eg_child_older(c)) {
        FILE *other = (FILE *)(uintptr_t)atomic_load(&c->stream);
        if (other) {
            int fd = fileno(other);
            if (fd >= 0 && fd != target)
                ok = posix_spawn_file_actions_addclose(&actions, fd) == 0;
        }
    }
    char *argv[] = {"sh", "-c", (char *)command, NULL};
    pid_t pid;
    ok = ok && eg_spawn(EG_VIA_popen, &pid, SHELL_PATH, &actions, 0, argv, environ, f) == 0;
    pthread_mutex_unlock(&popen_lock);
    posix_spawn_file_actions_destroy(&actions);
    REAL(close)(fds[theirs]);
    if (!ok) {
        if (f)
            REAL(fclose)(f);
        else
            REAL(close)(fds[mine]);
        errno = ENOMEM;
        return NULL;
    }
    if (!cloexec)
        REAL(fcntl)(fds[mine], F_SETFD, 0);
    eg_track_fd(fds[mine], EG_VIA_popen, EG_FD_FILE);
    return f;
}

int eg_popen_close(FILE *f)
{
    if (!eg_child_of_stream(f)) /* every fclose asks: no lock for a no */
        return -2;
    pthread_mutex_lock(&popen_lock); /* a popen may be listing f's fd */
    struct eg_child *c = eg_child_of_stream(f);
    int mine = c && eg_child_stream_done(c);
    pthread_mutex_unlock(&popen_lock);
    if (!mine)
        return -2;
    struct eg_release r;
    int fd = fileno(f);
    eg_track_release_begin(&r, fd, EG_VIA_fclose, 1);
    int closed = REAL(fclose)(f);
    eg_track_release_end(&r, 0, 0);
    int status;
    if (wait_child(c->pid, &status) != c->pid)
        return -1;
    /* glibc: the wait status, or the flush's failure if the child's end
     * was clean */
    return closed < 0 && status == 0 ? -1 : status;
}

EG_EXPORT int pclose(FILE *f)
{
    int ret = eg_popen_close(f);
    return ret == -2 ? fclose(f) : ret;
}
