/* Ways to exec, one per mode (argv[1]), for tests/e2e_exec.c.
 *
 *   leak VARIANT        open a file without O_CLOEXEC ("fd N line L"), then
 *                       run /bin/true through VARIANT: execl execle execlp
 *                       execv execve execvp execvpe fexecve execveat
 *   cloexec             the same file with O_CLOEXEC, then execv
 *   dup2                an O_CLOEXEC fd dup2'ed onto 5 for the child
 *   setfd, fionclex     an O_CLOEXEC fd whose FD_CLOEXEC is cleared by
 *                       fcntl(F_SETFD) / ioctl(FIONCLEX) for the child
 *   taken-back          FD_CLOEXEC cleared, set again, then cleared behind
 *                       exitguard's back (a raw syscall): not on purpose
 *   reused              fd 4 passed with dup2, closed, reopened by open
 *   not-found           execvp of a missing command, with a file open; goes on
 *   scrubbed PROG       execve PROG with an empty environment
 *   cd-scrubbed PROG    the same from / (PROG absolute)
 *   keep-env SELF       execve SELF printenv, envp = EG_TEST=1 and our
 *                       own LD_PRELOAD
 *   other-preload SELF LIB  execve SELF printenv, envp = LD_PRELOAD=LIB
 *   unset SELF          unsetenv LD_PRELOAD and EXITGUARD_OPTIONS, then
 *                       execv SELF printenv
 *   long SELF           400 more variables and no LD_PRELOAD, then execl
 *                       SELF printenv with 300 more arguments: too many to
 *                       fit exitguard's stack buffers
 *   printenv            print the environment, one entry a line (and
 *                       "argc N" first when given more arguments) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char *true_argv[] = {"true", NULL};

static int run_true(const char *how)
{
    fflush(stdout);
    if (!strcmp(how, "execl"))
        execl("/bin/true", "true", (char *)NULL);
    else if (!strcmp(how, "execle"))
        execle("/bin/true", "true", (char *)NULL, environ);
    else if (!strcmp(how, "execlp"))
        execlp("true", "true", (char *)NULL);
    else if (!strcmp(how, "execv"))
        execv("/bin/true", true_argv);
    else if (!strcmp(how, "execve"))
        execve("/bin/true", true_argv, environ);
    else if (!strcmp(how, "execvp"))
        execvp("true", true_argv);
    else if (!strcmp(how, "execvpe"))
        execvpe("true", true_argv, environ);
    else if (!strcmp(how, "fexecve"))
        fexecve(open("/bin/true", O_RDONLY | O_CLOEXEC), true_argv, environ);
    else if (!strcmp(how, "execveat"))
        execveat(open("/bin", O_DIRECTORY | O_CLOEXEC), "true", true_argv, environ, 0);
    else
        fprintf(stderr, "execs: unknown variant %s\n", how);
    perror(how);
    return 127;
}

static int print_env(int argc)
{
    if (argc > 2)
        printf("argc %d\n", argc);
    for (char **e = environ; *e; e++)
        puts(*e);
    return 0;
}

static int reexec_printenv(const char *self, char *const envp[])
{
    char *argv[] = {(char *)self, "printenv", NULL};
    fflush(stdout);
    execve(self, argv, envp);
    perror("execve");
    return 127;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    const char *arg = argc > 2 ? argv[2] : "";
    if (!strcmp(mode, "leak")) {
        int fd = open("/etc/passwd", O_RDONLY); int line = __LINE__;
        printf("fd %d line %d\n", fd, line);
        return run_true(arg);
    }
    if (!strcmp(mode, "fork-leak")) { /* the parent's fd, carried by its child */
        int fd = open("/etc/passwd", O_RDONLY); int line = __LINE__;
        printf("fd %d line %d\n", fd, line);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0)
            return run_true("execv");
        close(fd);
        int status;
        waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    }
    if (!strcmp(mode, "cloexec")) {
        printf("fd %d\n", open("/etc/passwd", O_RDONLY | O_CLOEXEC));
        return run_true("execv");
    }
    if (!strcmp(mode, "dup2")) {
        int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
        printf("fd %d\n", dup2(fd, 5));
        return run_true("execv");
    }
    if (!strcmp(mode, "setfd") || !strcmp(mode, "fionclex")) {
        int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
        int ret = mode[0] == 's' ? fcntl(fd, F_SETFD, 0) : ioctl(fd, FIONCLEX);
        printf("fd %d cloexec %d ret %d\n", fd, fcntl(fd, F_GETFD) & FD_CLOEXEC, ret);
        return run_true("execv");
    }
    if (!strcmp(mode, "taken-back")) {
        int fd = open("/etc/passwd", O_RDONLY); int line = __LINE__;
        fcntl(fd, F_SETFD, 0);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        syscall(SYS_fcntl, fd, F_SETFD, 0);
        printf("fd %d line %d\n", fd, line);
        return run_true("execv");
    }
    if (!strcmp(mode, "reused")) {
        int keep = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
        close(dup2(keep, keep + 1));
        int fd = open("/etc/group", O_RDONLY); int line = __LINE__;
        printf("fd %d line %d reused %d\n", fd, line, fd == keep + 1);
        return run_true("execv");
    }
    if (!strcmp(mode, "not-found")) {
        int fd = open("/etc/passwd", O_RDONLY);
        char *cmd[] = {"exitguard-no-such-command", NULL};
        int ret = execvp(cmd[0], cmd);
        printf("fd %d execvp %d %s\n", fd, ret, errno == ENOENT ? "ENOENT" : strerror(errno));
        puts("went on");
        return 0;
    }
    if (!strcmp(mode, "scrubbed") || !strcmp(mode, "cd-scrubbed")) {
        char *prog[] = {(char *)arg, NULL}, *empty[] = {NULL};
        if (!strcmp(mode, "cd-scrubbed") && chdir("/") != 0)
            return 126;
        fflush(stdout);
        execve(arg, prog, empty);
        perror("execve");
        return 127;
    }
    if (!strcmp(mode, "keep-env")) {
        char preload[4096];
        snprintf(preload, sizeof preload, "LD_PRELOAD=%s", getenv("LD_PRELOAD"));
        char *envp[] = {"EG_TEST=1", preload, NULL};
        return reexec_printenv(arg, envp);
    }
    if (!strcmp(mode, "other-preload") && argc > 3) {
        char preload[4096];
        snprintf(preload, sizeof preload, "LD_PRELOAD=%s", argv[3]);
        char *envp[] = {preload, NULL};
        return reexec_printenv(arg, envp);
    }
    if (!strcmp(mode, "unset")) {
        unsetenv("LD_PRELOAD");
        unsetenv("EXITGUARD_OPTIONS");
        char *again[] = {(char *)arg, "printenv", NULL};
        fflush(stdout);
        execv(arg, again);
        perror("execv");
        return 127;
    }
    if (!strcmp(mode, "long")) {
        for (int i = 0; i < 400; i++) {
            char name[16];
            snprintf(name, sizeof name, "EG_VAR%d", i);
            setenv(name, "x", 1);
        }
        unsetenv("LD_PRELOAD");
#define X10 "x", "x", "x", "x", "x", "x", "x", "x", "x", "x"
#define X100 X10, X10, X10, X10, X10, X10, X10, X10, X10, X10
        fflush(stdout);
        execl(arg, arg, "printenv", X100, X100, X100, (char *)NULL);
        perror("execl");
        return 127;
    }
    if (!strcmp(mode, "printenv"))
        return print_env(argc);
    fprintf(stderr, "execs: unknown mode '%s'\n", mode);
    return 2;
}
