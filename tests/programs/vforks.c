/* vfork children under exitguard.
 *
 * No argument: the parent leaks a file, then starts a child with vfork
 * that closes the leaked number and dup2s onto another before exec -- in
 * the child's own fd table.  The parent's report must still show its
 * leak, and come from the parent.  Prints "leak <fd>".
 *
 * "shares": the probe libuv runs before it trusts posix_spawn -- a store
 * by the vfork child is seen by the parent.  Prints "shared <0|1>".
 *
 * "signal": a finalizer (signal-safe) and a leak; the vfork child sends
 * its parent SIGTERM, which is pending when vfork returns: the parent
 * must die of it with the finalizer run and the report written.
 *
 * "exec-fails PATH": the vfork child's exec of PATH (not a program: the
 * exec fails) reports the fd it would hand on, then _exit(42).  Prints
 * "child <pid> status <n>".
 *
 * "small-stack": a thread with a 20 KiB stack vforks a child that execs
 * /bin/true while the process holds an fd without O_CLOEXEC (and once
 * held fd 5000): the child's exec report fits.  Prints "status <n>".
 *
 * "report-dies": stderr is a pipe nobody reads; the vfork child dies of
 * SIGPIPE writing its exec report.  The parent goes on as natively and
 * prints "child signal <n>".
 *
 * "exec": the parent holds two fds without O_CLOEXEC; its vfork child
 * dup2s a third onto the second for the new program and execs /bin/true.
 * Prints "child <pid> leak <fd> passed <fd> status <n>".
 *
 * "masks": vfork with SIGUSR1 blocked, then with every signal blocked (as
 * dash does): child and parent each run with the mask they had.  Prints
 * "some <child ok> <parent ok> all <child ok> <parent ok>". */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitguard.h"
#pragma weak exitguard_finalize

static void say_ran(void *arg)
{
    (void)arg;
    static const char ran[] = "finalizer ran\n";
    (void)!write(1, ran, sizeof ran - 1);
}

static int signalled(void)
{
    int fd = open("/dev/null", O_RDONLY); /* a leak, for the report */
    (void)fd;
    exitguard_finalize(0, say_ran, 0, EXITGUARD_SIGNAL_SAFE);
    pid_t parent = getpid();
    if (vfork() == 0) {
        kill(parent, SIGTERM); /* pending in the parent until vfork returns */
        _exit(0);
    }
    pause();
    return 0;
}

static int exec_fails(const char *path)
{
    int fd = open("/dev/null", O_RDONLY); /* crosses the exec */
    pid_t pid = vfork();
    if (pid == 0) {
        execl(path, "noexec", (char *)NULL);
        _exit(42);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("child %d status %d\n", (int)pid, WEXITSTATUS(status));
    close(fd);
    return 0;
}

static int vfork_true(void)
{
    pid_t pid = vfork();
    if (pid == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    return status;
}

static void *spawning_thread(void *result)
{
    *(int *)result = vfork_true();
    return NULL;
}

static int small_stack(void)
{
    int fd = open("/dev/null", O_RDONLY); /* crosses: a report to write */
    if (dup2(fd, 5000) == 5000) /* a stock as far as fd 5000 */
        close(5000);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 20 << 10);
    pthread_t t;
    int status = -1;
    if (pthread_create(&t, &attr, spawning_thread, &status) != 0)
        return 2;
    pthread_join(t, NULL);
    printf("status %d\n", status);
    close(fd);
    return 0;
}

/* Runs itself again with stderr a pipe nobody reads (inherited, so the
 * report's own), and ends as that run did. */
static int report_dies(const char *self)
{
    int p[2];
    if (pipe(p) != 0)
        return 2;
    close(p[0]); /* before the fork: no reader, ever (closed after it, the
                    child's report could fill the buffer first) */
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 2);
        close(p[1]);
        execl(self, "vforks", "report-dies-inner", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int report_dies_inner(void)
{
    int fd = open("/dev/null", O_RDONLY); /* crosses: a report to write */
    for (int i = 0; i < 1500; i++) /* held at the end: a stock of 1500 fds */
        open("/dev/null", O_RDONLY | O_CLOEXEC);
    signal(SIGPIPE, SIG_DFL); /* a runner may have left it ignored */
    int status = vfork_true();
    printf("child signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    fflush(stdout);
    close(fd);
    return 0;
}

static int shares(void)
{
    volatile int stored = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        stored = 1;
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("shared %d\n", stored);
    return 0;
}

static int exec_report(void)
{
    int leak = open("/etc/passwd", O_RDONLY);
    int target = open("/dev/null", O_RDONLY);
    int passed = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
    pid_t pid = vfork();
    if (pid == 0) {
        dup2(passed, target);
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("child %d leak %d passed %d status %d\n", (int)pid, leak, target,
           WEXITSTATUS(status));
    close(leak);
    close(target);
    close(passed);
    return 0;
}

/* The mask now is `want` (for the signals a mask can hold). */
static int mask_is(const sigset_t *want)
{
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    for (int sig = 1; sig < 32; sig++)
        if (sig != SIGKILL && sig != SIGSTOP && sigismember(&now, sig) != sigismember(want, sig))
            return 0;
    return 1;
}

static void vfork_under(const sigset_t *mask, const char *name)
{
    sigset_t before;
    sigprocmask(SIG_SETMASK, mask, &before);
    volatile int child_ok = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        child_ok = mask_is(mask);
        _exit(0);
    }
    int parent_ok = mask_is(mask);
    waitpid(pid, NULL, 0);
    sigprocmask(SIG_SETMASK, &before, NULL);
    printf("%s %d %d ", name, child_ok, parent_ok);
}

static int masks(void)
{
    sigset_t some, all;
    sigemptyset(&some);
    sigaddset(&some, SIGUSR1);
    sigfillset(&all);
    vfork_under(&some, "some");
    vfork_under(&all, "all");
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "masks"))
        return masks();
    if (argc > 1 && !strcmp(argv[1], "shares"))
        return shares();
    if (argc > 1 && !strcmp(argv[1], "exec"))
        return exec_report();
    if (argc > 1 && !strcmp(argv[1], "signal"))
        return signalled();
    if (argc > 1 && !strcmp(argv[1], "small-stack"))
        return small_stack();
    if (argc > 1 && !strcmp(argv[1], "report-dies"))
        return report_dies(argv[0]);
    if (argc > 1 && !strcmp(argv[1], "report-dies-inner"))
        return report_dies_inner();
    if (argc > 2 && !strcmp(argv[1], "exec-fails"))
        return exec_fails(argv[2]);
    int fd = open("/etc/passwd", O_RDONLY);
    printf("leak %d\n", fd);
    fflush(stdout);
    pid_t pid = vfork();
    if (pid == 0) {
        close(fd);
        dup2(2, 9);
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
    pid = vfork();
    if (pid == 0)
        _exit(0); /* a child that never execs */
    waitpid(pid, NULL, 0);
    return 0;
}
