/* The children policy, at the end of the process: each child this process
 * started and never reaped is asked about -- of the kernel, not of our
 * records -- and, under children=term|kill|group, ended.
 *
 * Runs in the exit sequence, also from a fatal-signal handler: raw
 * syscalls only, no malloc, no stdio, no locks; every wait is a poll with
 * a bound (kill_grace, and what is left of the exit budget). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "children.h"
#include "real.h"
#include "settle.h"
#include "options.h"
#include "registry.h"

enum { NOT_OURS, RUNNING, EXITED };
enum { POLL_MS = 2, KILL_WAIT_MIN_MS = 100 };


static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    syscall(SYS_nanosleep, &ts, 0);
}

/* What the kernel says pid is to us now, without reaping it: still our
 * child and running (or stopped), our child and exited (a zombie), or not
 * our child at all -- reaped by a wait we did not see, auto-reaped
 * (SIGCHLD ignored, SA_NOCLDWAIT), or never ours.  __WALL: a clone child
 * with another exit signal is a child too. */
static int ask_kernel(pid_t pid, int *status)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (syscall(SYS_waitid, P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT | __WALL, 0) != 0)
        return NOT_OURS;
    if (si.si_pid != pid)
        return RUNNING;
    if (status)
        *status = eg_wait_status_of(&si);
    return EXITED;
}

/* Sends sig to pid only if pid is, provably, still our child -- and to its
 * process group too when `group` and the child leads a group of its own.
 *
 * The proof: a pidfd names one process, whatever happens to its pid
 * later.  We open it, then ask the kernel (waitid WNOWAIT, which reaps
 * nothing) whether the pid is our unreaped child.  If the pidfd's process
 * is still alive when we signal it, it held the pid all along, so it is
 * the child the kernel just vouched for; if it is not, the signal goes
 * nowhere (ESRCH) -- never to a process that took the pid over.  An
 * unreaped child keeps its pid, so a group led by it (pgid == pid) cannot
 * be anyone else's group either; we never signal a group the child merely
 * joined, nor our own.  Returns 0 if the child was ours. */
enum { SIGNALLED = 0, GONE = -1, NO_PIDFD = 1 };

static int signal_if_ours(struct eg_child *c, int sig, int group)
{
    int pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
    if (pidfd < 0) /* no pidfds (before 5.3, a seccomp filter): no proof */
        return ask_kernel(c->pid, 0) != NOT_OURS ? NO_PIDFD : GONE;
    int ours = ask_kernel(c->pid, 0) != NOT_OURS;
    if (ours) {
        if (group && (pid_t)syscall(SYS_getpgid, c->pid) == c->pid &&
            c->pid != (pid_t)syscall(SYS_getpgid, 0))
            atomic_store(&c->pgid, c->pid);
        /* the group first, while its leader -- just vouched for -- is
         * certainly alive: signalled, it may be reaped at once (SIGCHLD
         * ignored) and its number free for another group */
        if (atomic_load(&c->pgid))
            syscall(SYS_kill, -c->pid, sig);
        syscall(SYS_pidfd_send_signal, pidfd, sig, 0, 0);
    }
    syscall(SYS_close, pidfd);
    return ours ? SIGNALLED : GONE;
}

static void append_digits(char *p, int v)
{
    char d[12];
    int n = 0;
    do
        d[n++] = (char)('0' + v % 10);
    while ((v /= 10) && n < 11);
    while (n)
        *p++ = d[--n];
    *p = 0;
}

/* argv of a child that did not tell us (fork, then exec): its cmdline, or
 * for a zombie, which has none, its name.  Read while the child is
 * provably ours, before it is signalled. */
static void read_argv(struct eg_child *c)
{
    char path[48] = "/proc/";
    append_digits(path + 6, c->pid);
    size_t at = strlen(path);
    for (int pass = 0; pass < 2 && !c->argv_len; pass++) {
        strcpy(path + at, pass ? "/comm" : "/cmdline");
        int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return;
        long n = syscall(SYS_read, fd, c->argv, EG_CHILD_ARGV - 1);
        syscall(SYS_close, fd);
        if (n <= 0)
            continue;
        if (pass && c->argv[n - 1] == '\n')
            n--;
        while (n > 0 && c->argv[n - 1] == 0)
            n--; /* cut at EG_CHILD_ARGV, or a program that rewrote its title */
        if (n == 0)
            continue;
        c->argv[n] = 0;
        c->argv_len = (uint32_t)n + 1;
    }
}

/* Polls the children still LEFT after a signal until each has ended or
 * `until` (monotonic ms) has come; an ended one gets `outcome`. */
static void await_ends(long until, uint32_t outcome)
{
    for (;;) {
        unsigned running = 0;
        for (struct eg_child *c = eg_child_newest(); c; c = eg_child_older(c)) {
            if (atomic_load(&c->outcome) != EG_CHILD_LEFT)
                continue;
            int status = 0, now = ask_kernel(c->pid, &status);
            if (now == RUNNING) {
                running++;
                continue;
            }
            if (now == EXITED)
                atomic_store(&c->status, status);
            atomic_store(&c->outcome, outcome); /* NOT_OURS: auto-reaped */
        }
        if (!running || eg_monotonic_ms() >= until)
            return;
        sleep_ms(POLL_MS);
    }
}

static long until(long from_now, long deadline)
{
    long t = eg_monotonic_ms() + from_now;
    return t < deadline ? t : deadline;
}

static void settle(long budget_ms)
{
    static _Atomic int settled_in; /* the pid that did: once per process */
    if (!eg_region || atomic_exchange(&settled_in, eg_pid) == eg_pid)
        return;
    int policy = eg_options.children;
    int group = policy == EG_CHILDREN_GROUP;
    int first = policy == EG_CHILDREN_KILL ? SIGKILL : SIGTERM;
    long deadline = eg_monotonic_ms() + (budget_ms > 0 ? budget_ms : 0);
    unsigned signalled = 0, zombies = 0;
    for (struct eg_child *c = eg_child_newest(); c; c = eg_child_older(c)) {
        if (atomic_load(&c->state) != EG_CHILD_UNREAPED)
            continue;
        int status = 0, now = ask_kernel(c->pid, &status);
        if (now == NOT_OURS) {
            atomic_store(&c->outcome, EG_CHILD_GONE);
            continue;
        }
        if (!c->argv_len)
            read_argv(c);
        if (now == EXITED) {
            atomic_store(&c->status, status);
            atomic_store(&c->outcome, EG_CHILD_ZOMBIE);
            zombies++;
            continue;
        }
        atomic_store(&c->outcome, EG_CHILD_LEFT);
        if (policy == EG_CHILDREN_REPORT)
            continue;
        int sent = signal_if_ours(c, first, group);
        if (sent == GONE) {
            atomic_store(&c->outcome, EG_CHILD_GONE); /* went between the two looks */
            continue;
        }
        if (sent == NO_PIDFD)
            continue; /* reported as left running: never signalled unproven */
        if (first == SIGTERM) /* a stopped child acts on it only once continued */
            signal_if_ours(c, SIGCONT, group);
        signalled++;
    }
    if (policy == EG_CHILDREN_REPORT)
        return; /* what is left is the program's, as without us */
    if (signalled && first == SIGTERM) {
        await_ends(until(eg_options.kill_grace, deadline), EG_CHILD_TERMINATED);
        for (struct eg_child *c = eg_child_newest(); c; c = eg_child_older(c))
            if (atomic_load(&c->outcome) == EG_CHILD_LEFT &&
                signal_if_ours(c, SIGKILL, group) == GONE)
                atomic_store(&c->outcome, EG_CHILD_GONE);
    }
    if (signalled) {
        long wait = eg_options.kill_grace > KILL_WAIT_MIN_MS ? eg_options.kill_grace
                                                             : KILL_WAIT_MIN_MS;
        await_ends(until(wait, deadline), EG_CHILD_KILLED);
    }
    /* No zombie of ours stays behind: reap what ended (what we ended, and
     * zombies the program never waited for). */
    for (struct eg_child *c = eg_child_newest(); c && (signalled || zombies); c = eg_child_older(c)) {
        if (atomic_load(&c->state) != EG_CHILD_UNREAPED)
            continue;
        uint32_t o = atomic_load(&c->outcome);
        if (o == EG_CHILD_LEFT) {
            atomic_store(&c->outcome, EG_CHILD_SURVIVED);
        } else if (o == EG_CHILD_ZOMBIE || o == EG_CHILD_TERMINATED || o == EG_CHILD_KILLED) {
            int st;
            syscall(SYS_wait4, c->pid, &st, WNOHANG | __WALL, 0);
        }
    }
}

/* The SIGCHLDs our signals cause must not run the program's handler: by
 * now its atexit handlers and destructors have torn down what the handler
 * uses (a crash there turned exit 3 into SIGSEGV).  The process is ending:
 * SIGCHLD stays blocked to the end, and what is pending is never
 * delivered. */
void eg_children_settle(long budget_ms)
{
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    if (eg_options.children != EG_CHILDREN_REPORT)
        syscall(SYS_rt_sigprocmask, SIG_BLOCK, &block, 0, _NSIG / 8);
    settle(budget_ms);
}
