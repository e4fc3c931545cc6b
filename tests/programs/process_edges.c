/* Corner cases of starting processes that a review found exitguard got
 * wrong; argv[1] picks one.
 *   sigchld-at-exit  a SIGCHLD handler using state its atexit handler
 *                    frees, a child left running, exit status 3
 *   clone-vm-close   a CLONE_VM|CLONE_VFORK child closes an fd the parent
 *                    keeps (a leak of the parent's): prints "fd N open: yes"
 *   fork-unmapped    _Fork and clone children (run with too little address
 *                    space for the registry): prints how each ended
 *   system-cancel    a thread cancelled inside system(), then SIGINT: the
 *                    process must die of it, as without exitguard
 *   spawn-fifo PATH  posix_spawn and execv of a FIFO: EACCES, never a hang
 *   clone-return     a clone child returning from its function: exit 0 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
pid_t _Fork(void);

static struct { int reaped; } *table;
static void on_chld(int sig) { (void)sig; while (waitpid(-1, 0, WNOHANG) > 0) table->reaped++; }
static void free_table(void) { free(table); table = NULL; }

static int leaked;
static int close_leaked(void *arg) { (void)arg; close(leaked); _exit(0); }
static int seven(void *arg) { (void)arg; return 7; }
static int zero(void *arg) { (void)arg; return 0; }

static void *run_system(void *arg) { (void)arg; system("sleep 100"); return 0; }

static const char *how(int status, char *buf)
{
    sprintf(buf, WIFSIGNALED(status) ? "signal %d" : "exit %d",
            WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    return buf;
}

static pid_t clone_with(int (*fn)(void *), int flags)
{
    enum { SIZE = 1 << 16 };
    char *stack = malloc(SIZE);
    return clone(fn, stack + SIZE, flags | SIGCHLD, 0);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    int status;
    char buf[32];
    if (strcmp(mode, "sigchld-at-exit") == 0) {
        table = calloc(1, sizeof *table);
        atexit(free_table);
        signal(SIGCHLD, on_chld);
        if (fork() == 0) {
            execlp("sleep", "sleep", "100", (char *)0);
            _exit(1);
        }
        return 3;
    }
    if (strcmp(mode, "clone-vm-close") == 0) {
        leaked = open("/etc/hostname", O_RDONLY);
        pid_t child = clone_with(close_leaked, CLONE_VM | CLONE_VFORK);
        waitpid(child, 0, 0);
        printf("fd %d open: %s\n", leaked, fcntl(leaked, F_GETFD) >= 0 ? "yes" : "no");
        return 0;
    }
    if (strcmp(mode, "fork-unmapped") == 0) {
        pid_t child = _Fork();
        if (child == 0)
            _exit(0);
        waitpid(child, &status, 0);
        printf("_Fork child: %s\n", how(status, buf));
        waitpid(clone_with(seven, 0), &status, 0);
        printf("clone child: %s\n", how(status, buf));
        return 0;
    }
    if (strcmp(mode, "system-cancel") == 0) {
        signal(SIGINT, SIG_DFL); /* a test runner may have left it ignored */
        pthread_t thread;
        pthread_create(&thread, 0, run_system, 0);
        pthread_cancel(thread); /* acted on in system's waitpid */
        pthread_join(thread, 0);
        printf("cancelled\n");
        fflush(stdout);
        raise(SIGINT);
        printf("still alive: SIGINT left ignored\n");
        return 0;
    }
    if (strcmp(mode, "spawn-fifo") == 0 && argc > 2) {
        char *args[] = {argv[2], 0};
        pid_t child;
        printf("posix_spawn: %s\n", strerror(posix_spawn(&child, argv[2], 0, 0, args, environ)));
        execv(argv[2], args);
        printf("execv: %s\n", strerror(errno));
        return 0;
    }
    if (strcmp(mode, "clone-return") == 0) {
        waitpid(clone_with(zero, 0), &status, 0);
        printf("clone child: %s\n", how(status, buf));
        return 0;
    }
    return 2;
}
