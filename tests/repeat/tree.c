/* The process tree `make repeat` runs again and again (tests/repeat/run.sh):
 * every way a process is started and ended, each leaking something, each
 * step waiting for the one before it through a pipe, so that what the
 * program does is the same every run and only the scheduling differs.
 *
 *   fork          a child that exits holding a file it opened
 *   fork+exec     a child handing an fd without O_CLOEXEC to /bin/true
 *   vfork         a child that execs /bin/true
 *   posix_spawn   /bin/true, handed the same fd
 *   still running a child in /bin/sleep when the tree ends (the command
 *                 ends it), waited for until its exec is done
 *   crashing      a parent that forks and dies of SIGSEGV at once; its
 *                 child exits holding a socket once the parent is gone
 *   temp files    a mkstemp file left on disk
 * The root exits 0, leaving its own file open. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void wait_for(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        ;
}

static void forked_child_leaking_a_file(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        open("/etc/hostname", O_RDONLY);
        exit(0);
    }
    wait_for(pid);
}

static void forked_child_execing(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    wait_for(pid);
}

static void vforked_child_execing(void)
{
    pid_t pid = vfork();
    if (pid == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    wait_for(pid);
}

static void spawned_child(void)
{
    pid_t pid;
    char *argv[] = {"true", NULL};
    if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) == 0)
        wait_for(pid);
}

/* Returns once the child is in /bin/sleep: the pipe's write end closes
 * at its exec. */
static void child_still_running_at_the_end(void)
{
    int done[2];
    if (pipe2(done, O_CLOEXEC))
        exit(2);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sleep", "sleep", "300", (char *)NULL);
        _exit(127);
    }
    close(done[1]);
    char byte;
    while (read(done[0], &byte, 1) > 0)
        ;
    close(done[0]);
}

/* A middle process forks and crashes; its child waits for it to be gone
 * (the pipe's last write end was the parent's), then exits holding a
 * socket.  The root waits for the grandchild through a second pipe. */
static void parent_crashing_after_a_fork(void)
{
    int finished[2];
    if (pipe2(finished, O_CLOEXEC))
        exit(2);
    pid_t middle = fork();
    if (middle == 0) {
        int parent_gone[2];
        if (pipe2(parent_gone, O_CLOEXEC))
            _exit(2);
        if (fork() == 0) {
            close(parent_gone[1]);
            char byte;
            while (read(parent_gone[0], &byte, 1) > 0)
                ;
            socket(AF_UNIX, SOCK_STREAM, 0);
            exit(0); /* closes finished[1]: the root goes on */
        }
        close(finished[1]);
        raise(SIGSEGV);
        _exit(3);
    }
    close(finished[1]);
    wait_for(middle);
    char byte;
    while (read(finished[0], &byte, 1) > 0)
        ;
    close(finished[0]);
}

static void temp_file_left(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/exitguard-repeat.XXXXXX", getenv("TMPDIR") ?: "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0)
        close(fd);
}

int main(void)
{
    open("/etc/passwd", O_RDONLY); /* no O_CLOEXEC: crosses every exec */
    forked_child_leaking_a_file();
    forked_child_execing();
    vforked_child_execing();
    spawned_child();
    parent_crashing_after_a_fork();
    temp_file_left();
    child_still_running_at_the_end();
    return 0;
}
