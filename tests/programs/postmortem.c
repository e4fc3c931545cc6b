/* Dies by SIGKILL holding things, for the exitguard command's post-mortem.
 *   die DIR    leaks an fd (in hold_resources), makes a temp file in DIR,
 *              forks a sleeping child, prints "pid P child C tempfile T",
 *              then SIGKILLs itself
 *   fork-die   leaks an fd in the parent (parent_leak), forks a child that
 *              leaks another (child_leak) and SIGKILLs itself; the parent
 *              reaps it and exits normally; prints "parent P fd A child C fd B"
 *   kill-clean PATH  forks a child that opens and closes PATH, then stops;
 *              the parent SIGKILLs it, reaps it and exits 0; prints "child C"
 *   kill-holding PATH  the same, but the child keeps PATH open; prints
 *              "child C fd B"
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t sleeping_child(void)
{
    pid_t child = fork();
    if (child == 0) {
        /* a test runner may have left SIGTERM blocked or ignored */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGTERM, SIG_DFL);
        execl("/bin/sleep", "sleep", "100", (char *)NULL);
        _exit(127);
    }
    return child;
}

static int hold_resources(const char *dir, char *temp)
{
    int fd = open("/etc/passwd", O_RDONLY);
    snprintf(temp, 1024, "%s/postmortem.XXXXXX", dir);
    mkstemp(temp);
    return fd;
}

static int parent_leak(void) { return open("/etc/passwd", O_RDONLY); }
static int child_leak(void) { return open("/dev/null", O_RDONLY); }

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "die") == 0) {
        char temp[1024];
        hold_resources(argv[2], temp);
        pid_t child = sleeping_child();
        printf("pid %d child %d tempfile %s\n", (int)getpid(), (int)child, temp);
        fflush(stdout);
        kill(getpid(), SIGKILL);
    }
    if (argc == 2 && strcmp(argv[1], "fork-die") == 0) {
        int a = parent_leak();
        int pipefd[2];
        if (pipe2(pipefd, O_CLOEXEC) != 0)
            return 1;
        pid_t child = fork();
        if (child == 0) {
            int b = child_leak();
            if (write(pipefd[1], &b, sizeof b) != sizeof b)
                _exit(1);
            kill(getpid(), SIGKILL);
        }
        int b = -1;
        if (read(pipefd[0], &b, sizeof b) != sizeof b)
            return 1;
        close(pipefd[0]);
        close(pipefd[1]);
        waitpid(child, NULL, 0);
        printf("parent %d fd %d child %d fd %d\n", (int)getpid(), a, (int)child, b);
        return 0;
    }
    if (argc == 3 && (strcmp(argv[1], "kill-clean") == 0 ||
                      strcmp(argv[1], "kill-holding") == 0)) {
        int keep = strcmp(argv[1], "kill-holding") == 0;
        int ready[2];
        if (pipe2(ready, O_CLOEXEC) != 0)
            return 1;
        pid_t child = fork();
        if (child == 0) {
            int fd = open(argv[2], O_RDONLY);
            if (fd >= 0 && !keep)
                close(fd);
            if (write(ready[1], &fd, sizeof fd) != sizeof fd)
                _exit(1);
            for (;;)
                pause(); /* until the parent's SIGKILL */
        }
        int fd = -1;
        if (read(ready[0], &fd, sizeof fd) != sizeof fd)
            return 1;
        close(ready[0]);
        close(ready[1]);
        kill(child, SIGKILL);
        int status;
        if (waitpid(child, &status, 0) != child || !WIFSIGNALED(status))
            return 1;
        if (keep)
            printf("child %d fd %d\n", (int)child, fd);
        else
            printf("child %d\n", (int)child);
        return 0;
    }
    return 2;
}
