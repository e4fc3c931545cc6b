#define _GNU_SOURCE
#include "run_command.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "messages.h"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
enum { N_FORWARDED = sizeof forwarded / sizeof forwarded[0] };

static volatile sig_atomic_t command_pid;
static struct sigaction saved[N_FORWARDED];
static int installed[N_FORWARDED];

static void forward(int signal, siginfo_t *info, void *context)
{
    (void)context;
    pid_t pid = command_pid;
    if (pid <= 0)
        return;
    int saved_errno = errno;
    /* The terminal sends ^C, ^\ and hangups (SI_KERNEL) to its whole
     * foreground process group: a command in exitguard's group has had
     * its own copy, and a second ^C makes many programs skip their
     * cleanup. */
    if (!(info->si_code == SI_KERNEL && getpgid(pid) == getpgrp()))
        kill(pid, signal);
    errno = saved_errno;
}

/* Signals arrive blocked until the child's pid is known; the old mask is
 * left in *old for the parent and the child to restore. */
static void start_forwarding(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < N_FORWARDED; i++)
        sigaddset(&set, forwarded[i]);
    sigprocmask(SIG_BLOCK, &set, old);

    struct sigaction sa = {.sa_sigaction = forward, .sa_flags = SA_SIGINFO};
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < N_FORWARDED; i++) {
        sigaction(forwarded[i], NULL, &saved[i]);
        /* ignored when exitguard started (nohup): the command inherits
         * that, as it would without exitguard */
        if (!(saved[i].sa_flags & SA_SIGINFO) && saved[i].sa_handler == SIG_IGN)
            continue;
        installed[i] = sigaction(forwarded[i], &sa, NULL) == 0;
    }
}

static void stop_forwarding(void)
{
    for (int i = 0; i < N_FORWARDED; i++)
        if (installed[i])
            sigaction(forwarded[i], &saved[i], NULL);
    command_pid = 0;
}

static void exec_child(char **command, int error_pipe, const sigset_t *mask)
{
    stop_forwarding();
    sigprocmask(SIG_SETMASK, mask, NULL);
    execvp(command[0], command);
    int error = errno;
    ssize_t ignored = write(error_pipe, &error, sizeof error);
    (void)ignored;
    _exit(error == ENOENT ? 127 : 126);
}

/* The child writes errno on a close-on-exec pipe if execvp fails; a
 * successful exec closes the pipe with nothing written. */
static int exec_error(int error_pipe)
{
    int error;
    ssize_t n;
    do
        n = read(error_pipe, &error, sizeof error);
    while (n < 0 && errno == EINTR);
    return n == sizeof error ? error : 0;
}

static int wait_for(pid_t pid)
{
    int status;
    for (;;) {
        pid_t got = waitpid(-1, &status, 0);
        if (got == pid)
            return status;
        /* got another pid: an orphaned descendant, reaped on the way */
        if (got < 0 && errno != EINTR) {
            complain("waiting for the command: %s", strerror(errno));
            return 0;
        }
    }
}

int run_command(char **command, struct run_result *result)
{
    *result = (struct run_result){0};
    /* Orphans of the tree become exitguard's, not init's: wait_for reaps
     * them, and settle_descendants (descendants.h) finds those that
     * outlived the command. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    int error_pipe[2];
    if (pipe2(error_pipe, O_CLOEXEC) != 0) {
        complain("cannot run '%s': pipe: %s", command[0], strerror(errno));
        return 126;
    }
    sigset_t mask;
    start_forwarding(&mask);
    pid_t pid = fork();
    int fork_error = errno;
    if (pid == 0)
        exec_child(command, error_pipe[1], &mask);
    command_pid = pid;
    sigprocmask(SIG_SETMASK, &mask, NULL);
    close(error_pipe[1]);
    if (pid < 0) {
        stop_forwarding();
        close(error_pipe[0]);
        complain("cannot run '%s': fork: %s", command[0], strerror(fork_error));
        return 126;
    }
    int error = exec_error(error_pipe[0]);
    close(error_pipe[0]);
    result->pid = pid;
    result->wait_status = wait_for(pid);
    stop_forwarding();
    if (error) {
        complain("cannot run '%s': %s", command[0], strerror(error));
        return error == ENOENT ? 127 : 126;
    }
    return 0;
}
