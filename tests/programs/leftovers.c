/* Leaves a process running behind it, for the exitguard command to find
 * when the command ends: `sleep 100`, started with the raw fork and execve
 * system calls, so that the library in this process never sees it start
 * (as with a parent that is not preloaded: static, setuid) and only the
 * command can deal with it.  Waits until the sleep has exec'd, prints
 * "pid N" (the sleep's), and exits.
 *   daemon      the sleep
 *   stubborn    the sleep, ignoring SIGTERM
 *   double      a middle process starts the sleep and exits; this one
 *               waits for the middle one, then exits: the classic double
 *               fork of a daemon
 *   attributed  the sleep, and a hand-made report (in the log_dir of
 *               EXITGUARD_OPTIONS) of a made-up process 2000000100,
 *               "fake-parent", that lists the sleep among the children it
 *               left running */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "planted.h"

#define FAKE_PARENT 2000000100

extern char **environ;

/* Only system calls between the raw fork and the exec: the child has
 * the library's memory, and the library does not know it is a child. */
static pid_t start(char *const argv[], int ignore_term)
{
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) {
        perror("pipe2");
        exit(1);
    }
    pid_t pid = (pid_t)syscall(SYS_fork);
    if (pid == 0) {
        if (ignore_term) {
            struct {
                void *handler;
                unsigned long flags;
                void *restorer;
                unsigned long mask;
            } ignore = {SIG_IGN, 0, NULL, 0};
            syscall(SYS_rt_sigaction, SIGTERM, &ignore, NULL, sizeof ignore.mask);
        }
        syscall(SYS_execve, argv[0], argv, environ);
        syscall(SYS_exit_group, 127);
    }
    close(ready[1]);
    char byte;
    /* end of file: the exec closed the other end */
    while (read(ready[0], &byte, 1) > 0)
        ;
    close(ready[0]);
    return pid;
}

static void sleeper(int ignore_term)
{
    pid_t pid = start((char *[]){"/bin/sleep", "100", NULL}, ignore_term);
    printf("pid %d\n", (int)pid);
    fflush(stdout);
}

static void fake_parent(pid_t child)
{
    const char *options = getenv("EXITGUARD_OPTIONS");
    const char *dir = options ? strstr(options, "log_dir=") : NULL;
    if (!dir) {
        fputs("no log_dir in EXITGUARD_OPTIONS\n", stderr);
        exit(1);
    }
    dir += strlen("log_dir=");
    char path[4096];
    snprintf(path, sizeof path, "%.*s/%d.json", (int)strcspn(dir, ":"), dir, FAKE_PARENT);
    FILE *f = fopen(path, "wx");
    if (!f) {
        perror(path);
        exit(1);
    }
    planted_report_start(f);
    fprintf(f,
            "\"pid\":%d,\"ppid\":%d,\"exe\":\"/usr/bin/fake\","
            "\"argv\":[\"fake-parent\"],\"end\":{\"how\":\"exit\",\"status\":0},"
            "\"stack_depth\":24,\"leaks\":[],\"closed_unseen\":[],\"tempfiles\":[],"
            "\"finalizers\":[],\"threads\":[],\"errors\":[],\"errors_dropped\":0,"
            "\"children\":[{\"pid\":%d,\"via\":\"fork\",\"argv\":[\"sleep\",\"100\"],"
            "\"state\":\"running\",\"action\":\"none\",\"group\":false,\"stack\":[]}],"
            "\"children_reaped\":0}\n",
            FAKE_PARENT, (int)getpid(), (int)child);
    if (fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "daemon";
    if (strcmp(mode, "daemon") == 0 || strcmp(mode, "middle") == 0) {
        sleeper(0);
    } else if (strcmp(mode, "stubborn") == 0) {
        sleeper(1);
    } else if (strcmp(mode, "double") == 0) {
        pid_t middle = start((char *[]){"/proc/self/exe", "middle", NULL}, 0);
        int status;
        if (waitpid(middle, &status, 0) != middle || !WIFEXITED(status) || WEXITSTATUS(status)) {
            fputs("the middle process failed\n", stderr);
            return 1;
        }
    } else if (strcmp(mode, "attributed") == 0) {
        pid_t pid = start((char *[]){"/bin/sleep", "100", NULL}, 0);
        fake_parent(pid);
        printf("pid %d\n", (int)pid);
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    return 0;
}
