/* How a process starts under exitguard: nothing until its first
 * acquisition, and then everything.  argv[1] is the mode, argv[2] the
 * report directory (log_dir) where a mode looks for registry files.
 *
 *   quiet DIR        acquires nothing; prints "registry <0|1>" (whether
 *                    DIR/<pid>.registry exists), exits 4
 *   first DIR        prints "before <0|1>", opens /etc/passwd (kept: a
 *                    leak at line "leak LINE"), prints "after <0|1>"
 *   misuse           the very first call closes fd 77, never opened
 *   handler          sets a SIGUSR1 handler before any acquisition, opens
 *                    a file, checks the handler is still what a query
 *                    returns and runs; then SIG_DFL and SIGUSR1 again:
 *                    dies of it, with the leak reported
 *   small-stack      a thread with a PTHREAD_STACK_MIN stack: "thread ok"
 *   fork DIR         a forked child that acquires nothing prints
 *                    "child <pid> borrowed <1 if no registry file of its
 *                    own>", then opens a file: "own <1 if it has one now>",
 *                    closes it and exits 5
 *   exec-after-parent DIR
 *                    forks a child that waits until this process has
 *                    ended, then becomes `sleep 311`; prints "child <pid>"
 *                    and exits 0
 *   finalizers-after-fork
 *                    registers a finalizer that runs in children too,
 *                    forks, then runs it and registers another one before
 *                    the child asks: the child sees the first alive (as at
 *                    the fork) and runs only it; each run prints
 *                    "<pid> ran <name>"
 *   finalizer-grandchild
 *                    forks C; then registers a finalizer that runs in
 *                    children; C (still borrowing) forks G: only this
 *                    process runs it ("<pid> ran late"); prints "child C
 *                    grandchild G"
 *   exec-named       holds a pipe and a file without O_CLOEXEC, names the
 *                    pipe's write end in UV_TEST_RUNNER_FD and its read
 *                    end in MAKEFLAGS' jobserver, and execs /bin/true:
 *                    prints "named R W unnamed F"
 *   killed-clean     opens and closes a file (so it has a registry), then
 *                    SIGKILLs itself: nothing left, but no report
 *   exec-leftover    holds an fd without O_CLOEXEC (its child's exec
 *                    report names it), forks a child that becomes
 *                    `sleep 307`, waits until it has, prints "child <pid>"
 *                    and exits 0, leaving it running */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitguard.h"
#pragma weak exitguard_finalize
#pragma weak exitguard_alive
#pragma weak exitguard_call

static void ran(void *name)
{
    printf("%d ran %s\n", (int)getpid(), (const char *)name);
    fflush(stdout);
}

static int has_registry(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%d.registry", dir, (int)getpid());
    return access(path, F_OK) == 0;
}

static void say(const char *what, int n)
{
    printf("%s %d\n", what, n);
    fflush(stdout);
}

static volatile sig_atomic_t handled;
static void on_usr1(int sig) { handled = sig; }

static void *thread_main(void *arg) { return arg; }

/* Whether a library whose name holds `name` is in this process's maps;
 * read with raw syscalls, which are no acquisition of the program's
 * (an fopen would capture a stack itself). */
static int mapped(const char *name)
{
    static char maps[1 << 16];
    int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY | O_CLOEXEC);
    long n, len = 0;
    while (fd >= 0 && (n = syscall(SYS_read, fd, maps + len, sizeof maps - 1 - len)) > 0)
        len += n;
    if (fd >= 0)
        syscall(SYS_close, fd);
    maps[len] = 0;
    return strstr(maps, name) != 0;
}

static void *wait_to_be_cancelled(void *arg)
{
    int *fds = arg;
    char c;
    for (;;)
        if (read(fds[0], &c, 1) < 0)
            return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    const char *dir = argc > 2 ? argv[2] : ".";
    if (!strcmp(mode, "quiet")) {
        say("registry", has_registry(dir));
        return 4;
    }
    if (!strcmp(mode, "first")) {
        say("before", has_registry(dir));
        int fd = open("/etc/passwd", O_RDONLY); say("leak", __LINE__);
        say("after", fd >= 0 && has_registry(dir));
        return 0;
    }
    if (!strcmp(mode, "unwinder")) {
        /* an acquisition captures a stack: no library appears for it, and
         * cancelling a thread (glibc's own unwinding) works after it */
        int before = mapped("libgcc_s");
        int fd = open("/etc/passwd", O_RDONLY);
        say("libgcc_s mapped by the capture", !before && mapped("libgcc_s"));
        int fds[2];
        pthread_t t;
        void *result = 0;
        if (pipe(fds) || pthread_create(&t, 0, wait_to_be_cancelled, fds))
            return 1;
        pthread_cancel(t);
        pthread_join(t, &result);
        say("cancelled", result == PTHREAD_CANCELED);
        close(fds[0]);
        close(fds[1]);
        return fd >= 0 ? 0 : 1;
    }
    if (!strcmp(mode, "misuse")) {
        int ret = close(77); say("line", __LINE__);
        return ret == -1 ? 0 : 1;
    }
    if (!strcmp(mode, "handler")) {
        signal(SIGUSR1, on_usr1);
        int fd = open("/etc/passwd", O_RDONLY); say("leak", __LINE__);
        struct sigaction now;
        sigaction(SIGUSR1, NULL, &now);
        say("query", now.sa_handler == on_usr1);
        raise(SIGUSR1);
        say("handled", handled == SIGUSR1);
        signal(SIGUSR1, SIG_DFL);
        raise(SIGUSR1);
        return fd; /* not reached */
    }
    if (!strcmp(mode, "small-stack")) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
        pthread_t t;
        int err = pthread_create(&t, &attr, thread_main, NULL);
        if (!err)
            pthread_join(t, NULL);
        printf("thread %s\n", err ? strerror(err) : "ok");
        return 0;
    }
    if (!strcmp(mode, "fork")) {
        pid_t pid = fork();
        if (pid == 0) {
            printf("child %d borrowed %d\n", (int)getpid(), !has_registry(dir));
            fflush(stdout);
            int fd = open("/etc/hostname", O_RDONLY);
            say("own", has_registry(dir));
            close(fd);
            _exit(5);
        }
        int status;
        waitpid(pid, &status, 0);
        return WEXITSTATUS(status) == 5 ? 0 : 1;
    }
    if (!strcmp(mode, "exec-after-parent")) {
        int gate[2];
        if (pipe(gate) != 0)
            return 1;
        pid_t pid = fork();
        if (pid == 0) {
            char buf;
            close(gate[1]);
            while (read(gate[0], &buf, 1) > 0) /* EOF: the parent has ended */
                ;
            execl("/bin/sleep", "sleep", "311", (char *)NULL);
            _exit(127);
        }
        say("child", (int)pid);
        return 0; /* gate[1] closes with us */
    }
    if (!strcmp(mode, "finalizers-after-fork")) {
        exitguard_finalizer *pre = exitguard_finalize(0, ran, "pre", EXITGUARD_IN_CHILDREN);
        int gate[2];
        if (!pre || pipe(gate) != 0)
            return 1;
        pid_t pid = fork();
        if (pid == 0) {
            char x;
            if (read(gate[0], &x, 1) != 1)
                _exit(3);
            printf("child %d alive %d\n", (int)getpid(), exitguard_alive(pre));
            fflush(stdout);
            exit(0);
        }
        exitguard_call(pre);
        exitguard_finalize(0, ran, "post", EXITGUARD_IN_CHILDREN);
        if (write(gate[1], "x", 1) != 1)
            return 1;
        waitpid(pid, NULL, 0);
        return 0;
    }
    if (!strcmp(mode, "finalizer-grandchild")) {
        int gate[2];
        if (pipe(gate) != 0)
            return 1;
        pid_t c = fork();
        if (c == 0) {
            char x;
            if (read(gate[0], &x, 1) != 1)
                _exit(3);
            pid_t g = fork();
            if (g == 0)
                exit(0);
            printf("child %d grandchild %d\n", (int)getpid(), (int)g);
            fflush(stdout);
            waitpid(g, NULL, 0);
            _exit(0);
        }
        exitguard_finalize(0, ran, "late", EXITGUARD_IN_CHILDREN);
        if (write(gate[1], "x", 1) != 1)
            return 1;
        waitpid(c, NULL, 0);
        return 0;
    }
    if (!strcmp(mode, "exec-named")) {
        int p[2];
        if (pipe(p) != 0)
            return 1;
        int f = open("/etc/hostname", O_RDONLY);
        char value[64];
        snprintf(value, sizeof value, "%d", p[1]);
        setenv("UV_TEST_RUNNER_FD", value, 1);
        snprintf(value, sizeof value, " -j2 --jobserver-auth=%d,%d", p[0], f + 100);
        setenv("MAKEFLAGS", value, 1);
        printf("named %d %d unnamed %d\n", p[0], p[1], f);
        fflush(stdout);
        execl("/bin/true", "true", (char *)NULL);
        return 127;
    }
    if (!strcmp(mode, "killed-clean")) {
        close(open("/etc/passwd", O_RDONLY));
        raise(SIGKILL);
        return 1;
    }
    if (!strcmp(mode, "exec-leftover")) {
        int fd = open("/etc/passwd", O_RDONLY);
        pid_t pid = fork();
        if (pid == 0) {
            execl("/bin/sleep", "sleep", "307", (char *)NULL);
            _exit(127);
        }
        char path[64], name[8] = "";
        snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
        while (strcmp(name, "sleep") != 0) {
            FILE *f = fopen(path, "r");
            if (!f || !fgets(name, sizeof name, f))
                name[0] = 0;
            if (f)
                fclose(f);
            usleep(10000);
        }
        say("child", (int)pid);
        close(fd);
        return 0;
    }
    return 2;
}
