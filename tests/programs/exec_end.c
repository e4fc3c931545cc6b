/* One process, one ending, however an exec goes (tests/e2e_endings.c).
 *   exec_end killed-starting   a child holding an fd its parent opened is
 *                              ended by SIGTERM inside its exec (held there
 *                              by libexec_pause.so), after exitguard's
 *                              exec report; prints "child PID"
 *   exec_end failed-exec SCRIPT  opens a file, execs SCRIPT (its
 *                              interpreter missing: the exec fails), and
 *                              exits 0 with the file still open; prints
 *                              "fd N"
 *   exec_end child-left exec'd|paused  leaves a child running /bin/sleep,
 *                              returning once it has exec'd (the exec
 *                              closed a pipe) or once it is held inside
 *                              its exec (libexec_pause.so): the same
 *                              program, the child ended at two points
 *   exec_end exec-while-ending  a worker ended by SIGTERM whose exit
 *                              sequence, terminating its child, prompts
 *                              its other thread to exec /bin/echo: it
 *                              must die of the SIGTERM all the same
 *                              (run with children=term); prints
 *                              "worker PID SIGTERM|exit N" */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int killed_starting(void)
{
    int held = open("/etc/hostname", O_RDONLY); /* crosses the exec */
    int ready[2];
    if (held < 0 || pipe2(ready, O_CLOEXEC))
        return 2;
    pid_t child = fork();
    if (child == 0) {
        char n[16];
        snprintf(n, sizeof n, "%d", ready[1]);
        setenv("EXEC_PAUSE_FD", n, 1);
        execv("/bin/sleep", (char *[]){"sleep", "30", NULL});
        _exit(127);
    }
    close(ready[1]);
    char byte;
    if (child < 0 || read(ready[0], &byte, 1) != 1)
        return 3;
    close(ready[0]);
    close(held);
    int status;
    kill(child, SIGTERM);
    if (waitpid(child, &status, 0) != child)
        return 4;
    printf("child %d %s\n", (int)child,
           WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? "SIGTERM" : "other");
    return 0;
}

static int failed_exec(const char *script)
{
    int fd = open("/etc/hostname", O_RDONLY);
    if (fd < 0)
        return 2;
    execv(script, (char *[]){(char *)script, NULL});
    /* the lowest free number: exitguard's look at the file left none open */
    int next = open("/etc/hostname", O_RDONLY);
    close(next);
    printf("fd %d next %d\n", fd, next);
    fflush(stdout);
    return 0;
}

static int child_left(int paused)
{
    int ready[2];
    if (pipe2(ready, O_CLOEXEC))
        return 2;
    pid_t child = fork();
    if (child == 0) {
        char n[16];
        snprintf(n, sizeof n, "%d", ready[1]);
        if (paused)
            setenv("EXEC_PAUSE_FD", n, 1);
        execv("/bin/sleep", (char *[]){"sleep", "30", NULL});
        _exit(127);
    }
    close(ready[1]);
    char byte;
    ssize_t got = read(ready[0], &byte, 1); /* 1: held in its exec; 0: exec'd */
    close(ready[0]);
    if (child < 0 || got != (paused ? 1 : 0))
        return 3;
    printf("child %d\n", (int)child);
    return 0;
}

static int prompt[2];

static void prompt_the_exec(int sig)
{
    (void)sig;
    if (write(prompt[1], "x", 1) != 1)
        _exit(5);
}

static void *exec_when_prompted(void *arg)
{
    (void)arg;
    char byte;
    if (read(prompt[0], &byte, 1) == 1)
        execv("/bin/echo", (char *[]){"echo", "the exec outlived the SIGTERM", NULL});
    _exit(6);
}

/* The worker's child, terminated by the worker's exit sequence, tells the
 * worker's thread to exec -- an exec made while the process ends. */
static int worker(void)
{
    if (pipe(prompt))
        return 2;
    pid_t child = fork();
    if (child == 0) {
        signal(SIGTERM, prompt_the_exec);
        for (;;)
            pause();
    }
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, 0); /* the thread is made with it blocked */
    pthread_t t;
    if (child < 0 || pthread_create(&t, 0, exec_when_prompted, 0))
        return 3;
    pthread_sigmask(SIG_UNBLOCK, &term, 0);
    kill(getpid(), SIGTERM); /* to this thread: the only one that takes it */
    for (;;)
        pause();
}

static int exec_while_ending(void)
{
    fflush(stdout);
    pid_t w = fork();
    if (w == 0)
        _exit(worker());
    int status;
    if (w < 0 || waitpid(w, &status, 0) != w)
        return 4;
    if (WIFSIGNALED(status))
        printf("worker %d %s\n", (int)w, WTERMSIG(status) == SIGTERM ? "SIGTERM" : "other");
    else
        printf("worker %d exit %d\n", (int)w, WEXITSTATUS(status));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "exec-while-ending") == 0)
        return exec_while_ending();
    if (argc >= 2 && strcmp(argv[1], "killed-starting") == 0)
        return killed_starting();
    if (argc >= 3 && strcmp(argv[1], "failed-exec") == 0)
        return failed_exec(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "child-left") == 0)
        return child_left(strcmp(argv[2], "paused") == 0);
    fprintf(stderr, "usage: exec_end killed-starting | failed-exec SCRIPT | child-left exec'd|paused | exec-while-ending\n");
    return 64;
}
