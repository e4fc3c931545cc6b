/* Signal dispositions as a program sees them.  argv[1] picks the case:
 *   term-default        leaks an fd, sends itself SIGTERM (default: dies)
 *   term-handled N      its SIGTERM handler runs; returns N
 *   hup-self            sends itself SIGHUP (the test starts it ignored)
 *   query               SIGINT queried, set, restored, queried; then SIGINT
 *   legacy              signal, bsd_signal, ssignal, sysv_signal,
 *                       __sysv_signal, sigset, sigignore, siginterrupt:
 *                       what each returns and what a query shows after
 *   resethand [nodefer] SIGUSR1 handler with SA_RESETHAND, sent twice
 *   siginfo [resethand] SA_SIGINFO handler for SIGUSR2 sent by a child
 *   segv|abort [dir]    leaks an fd, crashes (in dir, cores allowed)
 *   overflow            leaks an fd, recurses until the stack runs out
 * Every line printed is flushed at once: the process may die next. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

extern __sighandler_t bsd_signal(int sig, __sighandler_t handler);

static volatile sig_atomic_t calls, blocked_inside;

static void on_signal(int sig)
{
    sigset_t now;
    sigprocmask(SIG_BLOCK, 0, &now);
    blocked_inside = sigismember(&now, sig);
    calls++;
}

static const char *name(__sighandler_t h)
{
    return h == SIG_DFL ? "SIG_DFL" : h == SIG_IGN ? "SIG_IGN" : h == SIG_HOLD ? "SIG_HOLD"
         : h == SIG_ERR ? "SIG_ERR" : h == on_signal ? "h" : "other";
}

/* Only the first 64 signals of a queried mask are the kernel's: glibc
 * leaves the rest of the caller's sigset_t as it found it. */
static void show(const char *what, int sig)
{
    struct sigaction q;
    memset(&q, 0, sizeof q);
    sigaction(sig, 0, &q);
    uint64_t mask;
    memcpy(&mask, &q.sa_mask, sizeof mask);
    sigset_t now;
    sigprocmask(SIG_BLOCK, 0, &now);
    printf("%s: handler=%s flags=%#x mask=%#llx blocked=%d\n", what, name(q.sa_handler),
           (unsigned)q.sa_flags, (unsigned long long)mask, sigismember(&now, sig));
    fflush(stdout);
}

static void say(const char *text)
{
    printf("%s\n", text);
    fflush(stdout);
}

static void leak(void)
{
    printf("fd %d\n", open("/etc/passwd", O_RDONLY));
    fflush(stdout);
}

static void send_self(int sig)
{
    kill(getpid(), sig);
}

static int legacy(void)
{
    int s = SIGUSR1;
    printf("signal: ret=%s\n", name(signal(s, on_signal)));
    show("after signal(h)", s);
    printf("signal: ret=%s\n", name(signal(s, SIG_DFL)));
    show("after signal(SIG_DFL)", s);
    printf("bsd_signal: ret=%s\n", name(bsd_signal(s, SIG_IGN)));
    show("after bsd_signal(SIG_IGN)", s);
    printf("ssignal: ret=%s\n", name(ssignal(s, on_signal)));
    show("after ssignal(h)", s);
    printf("sysv_signal: ret=%s\n", name(sysv_signal(s, on_signal)));
    show("after sysv_signal(h)", s);
    send_self(s);
    printf("calls=%d blocked inside=%d\n", calls, blocked_inside);
    show("after a sysv_signal delivery", s);
    printf("__sysv_signal: ret=%s\n", name(__sysv_signal(SIGTERM, on_signal)));
    show("after __sysv_signal(h)", SIGTERM);
    printf("sigset: ret=%s\n", name(sigset(s, on_signal)));
    show("after sigset(h)", s);
    printf("sigset: ret=%s\n", name(sigset(s, SIG_HOLD)));
    show("after sigset(SIG_HOLD)", s);
    printf("sigset: ret=%s\n", name(sigset(s, SIG_HOLD)));
    printf("sigset: ret=%s\n", name(sigset(s, SIG_IGN)));
    show("after sigset(SIG_IGN)", s);
    printf("siginterrupt: ret=%d\n", siginterrupt(s, 1));
    show("after siginterrupt(1)", s);
    printf("signal: ret=%s\n", name(signal(s, on_signal)));
    show("after siginterrupt(1), signal(h)", s);
    printf("siginterrupt: ret=%d\n", siginterrupt(s, 0));
    show("after siginterrupt(0)", s);
    printf("sigignore: ret=%d\n", sigignore(s));
    show("after sigignore", s);
    printf("signal: ret=%s\n", name(signal(s, SIG_DFL)));
    fflush(stdout);
    return 0;
}

static int query(void)
{
    show("start", SIGINT);
    struct sigaction h, old;
    memset(&h, 0, sizeof h);
    h.sa_handler = on_signal;
    h.sa_flags = SA_RESTART | SA_NODEFER;
    sigaddset(&h.sa_mask, SIGUSR1);
    sigaddset(&h.sa_mask, SIGTERM);
    sigaction(SIGINT, &h, &old);
    show("set", SIGINT);
    sigaction(SIGINT, &old, 0);
    show("restored", SIGINT);
    leak();
    send_self(SIGINT);
    return 1; /* not reached: SIGINT is at its default again */
}

static int resethand(int nodefer)
{
    struct sigaction h;
    memset(&h, 0, sizeof h);
    h.sa_handler = on_signal;
    h.sa_flags = SA_RESETHAND | (nodefer ? SA_NODEFER : 0);
    sigaction(SIGUSR1, &h, 0);
    leak();
    send_self(SIGUSR1);
    printf("calls=%d blocked inside=%d\n", calls, blocked_inside);
    show("after one delivery", SIGUSR1);
    send_self(SIGUSR1);
    return 1; /* not reached */
}

static volatile sig_atomic_t info_signo, info_pid, info_code;

static void on_info(int sig, siginfo_t *info, void *uc)
{
    (void)sig, (void)uc;
    info_signo = info->si_signo;
    info_pid = info->si_pid;
    info_code = info->si_code;
}

static int siginfo(int reset)
{
    struct sigaction h;
    memset(&h, 0, sizeof h);
    h.sa_sigaction = on_info;
    h.sa_flags = SA_SIGINFO | (reset ? SA_RESETHAND : 0);
    sigaction(SIGUSR2, &h, 0);
    sigset_t usr2, before;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, &before);
    pid_t child = fork();
    if (child == 0) {
        kill(getppid(), SIGUSR2);
        _exit(0);
    }
    while (!info_signo)
        sigsuspend(&before);
    waitpid(child, 0, 0);
    printf("signo %d pid %d child %d code %d\n", info_signo, info_pid, (int)child, info_code);
    return 0;
}

static void allow_cores_in(const char *dir)
{
    struct rlimit rl;
    getrlimit(RLIMIT_CORE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_CORE, &rl);
    if (chdir(dir) != 0)
        exit(100);
}

/* depth never goes negative; the compiler does not know it */
static int recurse(volatile char *up, long depth)
{
    volatile char frame[4096];
    frame[0] = up ? up[0] + 1 : 0;
    if (depth < 0)
        return 0;
    return recurse(frame, depth + 1) + frame[1];
}


/* Forks children that wait on a pipe and sends each SIGTERM as soon as
 * fork returns -- before the child's atfork handlers can have run.  Each
 * must die of it; one that reads EOF instead exits 7: the signal was lost. */
static int term_right_after_fork(int rounds)
{
    int lost = 0;
    for (int i = 0; i < rounds; i++) {
        int p[2];
        if (pipe(p) != 0)
            return 2;
        pid_t pid = fork();
        if (pid == 0) {
            char c;
            close(p[1]);
            _exit(read(p[0], &c, 1) >= 0 ? 7 : 8);
        }
        kill(pid, SIGTERM);
        close(p[0]);
        close(p[1]);
        int status;
        waitpid(pid, &status, 0);
        lost += !(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    }
    printf("lost %d of %d\n", lost, rounds);
    return lost != 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    const char *arg = argc > 2 ? argv[2] : 0;
    if (strcmp(mode, "term-after-fork") == 0)
        return term_right_after_fork(40);
    if (strcmp(mode, "term-default") == 0) {
        leak();
        send_self(SIGTERM);
        for (;;)
            pause();
    }
    if (strcmp(mode, "term-handled") == 0) {
        struct sigaction h;
        memset(&h, 0, sizeof h);
        h.sa_handler = on_signal;
        sigaction(SIGTERM, &h, 0);
        leak();
        send_self(SIGTERM);
        printf("calls=%d\n", calls);
        return arg ? atoi(arg) : 0;
    }
    if (strcmp(mode, "hup-self") == 0) {
        show("start", SIGHUP);
        send_self(SIGHUP);
        say("survived");
        return 0;
    }
    if (strcmp(mode, "query") == 0)
        return query();
    if (strcmp(mode, "legacy") == 0)
        return legacy();
    if (strcmp(mode, "resethand") == 0)
        return resethand(arg && strcmp(arg, "nodefer") == 0);
    if (strcmp(mode, "siginfo") == 0)
        return siginfo(arg && strcmp(arg, "resethand") == 0);
    if (strcmp(mode, "segv") == 0 || strcmp(mode, "abort") == 0) {
        if (arg)
            allow_cores_in(arg);
        leak();
        if (mode[0] == 'a')
            abort();
        *(volatile int *)0 = 1;
        return 1;
    }
    if (strcmp(mode, "overflow") == 0) {
        leak();
        return recurse(0, 0);
    }
    return 100;
}
