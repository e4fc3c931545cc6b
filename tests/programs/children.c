/* Child processes, started every way there is and left behind, reaped, or
 * ended in other ways, one mode per case.  Each mode prints the pids the
 * test needs to look at ("child <pid>", ...) and flushes before ending. */
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static const char *self;

static void say(const char *what, long pid)
{
    printf("%s %ld\n", what, pid);
    fflush(stdout);
}

/* The child has told us it is ready: one byte on a pipe. */
static void await_ready(int fd)
{
    char c;
    while (read(fd, &c, 1) < 0 && errno == EINTR)
        ;
}

/* Returns once the child has exec'd sleep (its end of a CLOEXEC pipe
 * closes), so that its argv is sleep's when the parent ends. */
static pid_t start_sleeper(void)
{
    int p[2];
    pipe2(p, O_CLOEXEC);
    pid_t pid = fork();
    if (pid == 0) {
        execlp("sleep", "sleep", "100", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    await_ready(p[0]);
    close(p[0]);
    return pid;
}

/* A child that ignores SIGTERM (set before it says it is ready). */
static pid_t start_stubborn(void)
{
    int p[2];
    pipe2(p, O_CLOEXEC);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGTERM, SIG_IGN);
        (void)!write(p[1], "r", 1);
        for (;;)
            pause();
    }
    close(p[1]);
    await_ready(p[0]);
    close(p[0]);
    return pid;
}

/* A child leading a process group of its own, ignoring SIGTERM, with a
 * grandchild (sleep) in that group. */
static int group(void)
{
    int p[2];
    pipe2(p, O_CLOEXEC);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGTERM, SIG_IGN);
        pid_t g = fork();
        if (g == 0) {
            signal(SIGTERM, SIG_DFL);
            execlp("sleep", "sleep", "100", (char *)NULL);
            _exit(127);
        }
        (void)!write(p[1], &g, sizeof g);
        for (;;)
            pause();
    }
    setpgid(pid, pid); /* whoever is first */
    close(p[1]);
    pid_t g = 0;
    while (read(p[0], &g, sizeof g) < 0 && errno == EINTR)
        ;
    say("child", pid);
    say("grandchild", g);
    return 0;
}

static int reaped(void)
{
    pid_t a = fork();
    if (a == 0)
        _exit(1);
    pid_t b = fork();
    if (b == 0)
        _exit(2);
    pid_t c = fork();
    if (c == 0)
        _exit(3);
    int st;
    waitpid(a, &st, 0);
    wait(&st);
    siginfo_t si;
    waitid(P_ALL, 0, &si, WEXITED);
    return 0;
}

/* The kernel reaps children itself: nothing is left, though nobody waits. */
static int sigchld_ignored(void)
{
    signal(SIGCHLD, SIG_IGN);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    for (int i = 0; i < 5000 && kill(pid, 0) == 0; i++)
        usleep(1000);
    say("child", pid);
    return kill(pid, 0) == 0; /* it must be gone by now */
}

static int zombie(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    siginfo_t si;
    waitid(P_PID, pid, &si, WEXITED | WNOWAIT); /* until it has exited */
    say("child", pid);
    return 0;
}

static int popen_left(void)
{
    FILE *f = popen("exec sleep 100", "r");
    say("stream", f != NULL);
    return 0;
}

static int pclosed(void)
{
    FILE *r = popen("echo hello; exit 5", "r");
    char line[32] = "";
    if (!fgets(line, sizeof line, r))
        return 1;
    int st = pclose(r);
    FILE *w = popen("cat >/dev/null", "w");
    fputs("data\n", w);
    int wst = pclose(w);
    FILE *(*opener)(const char *, const char *) = fopen; /* hidden from -Wmismatched-dealloc */
    FILE *plain = opener("/etc/passwd", "r");
    int pst = pclose(plain); /* glibc: not from popen, so fclose */
    printf("read %s", line);
    say("pclose", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    say("pclose_w", wst);
    say("pclose_plain", pst);
    return 0;
}

static int popen_streams(void)
{
    /* POSIX: a popen child does not hold the other popen streams' fds */
    FILE *first = popen("cat >/dev/null", "w");
    char cmd[64];
    snprintf(cmd, sizeof cmd, "ls /proc/self/fd/%d 2>/dev/null || echo closed", fileno(first));
    FILE *second = popen(cmd, "r");
    char line[64] = "";
    (void)!fgets(line, sizeof line, second);
    pclose(second);
    pclose(first);
    printf("second %s", line);
    int fl = fcntl(fileno(popen("true", "re")), F_GETFD);
    say("cloexec_e", (fl & FD_CLOEXEC) != 0);
    return 0;
}

static int spawned(void)
{
    unsetenv("LD_PRELOAD"); /* put back for the child by exitguard */
    pid_t leak, sleeper;
    char *leak_argv[] = {(char *)self, "leak_fd", NULL};
    char *sleep_argv[] = {"sleep", "100", NULL};
    if (posix_spawn(&leak, self, NULL, NULL, leak_argv, environ) ||
        posix_spawnp(&sleeper, "sleep", NULL, NULL, sleep_argv, environ))
        return 1;
    int st;
    waitpid(leak, &st, 0);
    say("leaker", leak);
    say("child", sleeper);
    return 0;
}

static int shell(void)
{
    unsetenv("LD_PRELOAD");
    int st = system("exit 3");
    say("status", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    say("null", system(NULL));
    char cmd[600];
    snprintf(cmd, sizeof cmd, "exec %s leak_fd", self);
    st = system(cmd);
    say("leaker_status", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    /* SIGINT is ignored while system waits, and restored after */
    struct sigaction now;
    sigaction(SIGINT, NULL, &now);
    say("sigint_default_after", now.sa_handler == SIG_DFL);
    return 0;
}

static int leak_fd(void)
{
    int fd = open("/etc/hostname", O_RDONLY);
    say("leaked", fd);
    return 0;
}

/* The grandchild is not our child: children=kill must leave it alone. */
static int double_fork(void)
{
    int p[2];
    pipe2(p, O_CLOEXEC);
    pid_t mid = fork();
    if (mid == 0) {
        pid_t g = start_sleeper();
        (void)!write(p[1], &g, sizeof g);
        /* gone without an end of exitguard's (glibc's daemon() leaves
         * so): what is tested is what the top process does */
        syscall(SYS_exit_group, 0);
    }
    close(p[1]);
    pid_t g = 0;
    while (read(p[0], &g, sizeof g) < 0 && errno == EINTR)
        ;
    waitpid(mid, NULL, 0);
    say("grandchild", g);
    return 0;
}

static int segv(void)
{
    say("child", start_sleeper());
    *(volatile int *)0 = 1;
    return 0;
}

static void *churn(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20000; i++)
        close(open("/dev/null", O_RDONLY));
    return NULL;
}

/* fork while other threads open and close: no deadlock in the child. */
static int threads_fork(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, churn, NULL);
    for (int i = 0; i < 200; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            close(open("/dev/null", O_RDONLY));
            _exit(0);
        }
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
            return 1;
    }
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    say("forks", 200);
    return 0;
}

/* ---- the pid-reuse rule ----
 *
 * In a pid namespace of our own, where only we start processes and
 * ns_last_pid picks the next pid: the process under test reaps child D
 * with a raw syscall (exitguard does not see it), then a process that is
 * not its child is given D's pid.  At exit, children=kill must not signal
 * it.  The namespace's init checks afterwards that it is alive. */

static void write_last_pid(pid_t pid)
{
    char text[16];
    int n = snprintf(text, sizeof text, "%d", (int)pid);
    int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
    (void)!write(fd, text, n);
    close(fd);
}

static int under_test(int tell)
{
    int go[2], back[2];
    pipe2(go, O_CLOEXEC);
    pipe2(back, O_CLOEXEC);
    pid_t e = fork();
    if (e == 0) { /* will start the process that takes the pid */
        await_ready(go[0]);
        /* a raw fork: no exitguard of E's knows f, so E's own end does
         * not settle it */
        pid_t f = (pid_t)syscall(SYS_fork);
        if (f == 0)
            for (;;)
                pause();
        (void)!write(back[1], &f, sizeof f);
        _exit(0);
    }
    pid_t d = fork();
    if (d == 0)
        _exit(0);
    int st;
    syscall(SYS_wait4, d, &st, 0, NULL); /* reaped behind exitguard's back */
    write_last_pid(d - 1);
    (void)!write(go[1], "g", 1);
    pid_t f = 0;
    while (read(back[0], &f, sizeof f) < 0 && errno == EINTR)
        ;
    waitpid(e, NULL, 0); /* f is now the namespace init's, not ours */
    (void)!write(tell, &f, sizeof f);
    say("reaped_raw", d);
    say("reused_by", f);
    return f == d ? 0 : 4;
}

static int ns_init(void)
{
    int tell[2];
    pipe2(tell, O_CLOEXEC);
    pid_t c = fork();
    if (c == 0)
        return under_test(tell[1]);
    close(tell[1]);
    int st;
    waitpid(c, &st, 0);
    pid_t f = 0;
    if (read(tell[0], &f, sizeof f) != sizeof f || f <= 0)
        return WIFEXITED(st) && WEXITSTATUS(st) ? WEXITSTATUS(st) : 5;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    /* f is our child now (reparented): exited or not, without reaping */
    int alive = waitid(P_PID, f, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == 0;
    kill(f, SIGKILL);
    waitpid(f, NULL, 0);
    say("survivor_alive", alive);
    return alive ? 0 : 3;
}

static int pid_reuse(void)
{
    if (unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0) {
        printf("unshare: %s\n", strerror(errno));
        return 77;
    }
    pid_t init = fork();
    if (init == 0)
        return ns_init();
    int st;
    waitpid(init, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

/* clone without CLONE_VM: a copy of us, in which glibc runs no atfork
 * handler.  The child leaks an fd and ends with exit(): its report must
 * be its own.  Then a clone(CLONE_VM|CLONE_VFORK) that execs, left
 * unwaited as a zombie. */
static int clone_child(void *arg)
{
    (void)arg;
    say("leaked", open("/etc/hostname", O_RDONLY));
    exit(0);
}

static int exec_true(void *arg)
{
    (void)arg;
    execl("/bin/true", "true", (char *)NULL);
    return 127;
}

static int cloned(void)
{
    static char stack_a[64 << 10], stack_b[64 << 10];
    pid_t a = clone(clone_child, stack_a + sizeof stack_a, SIGCHLD, NULL);
    int st;
    if (a < 0 || waitpid(a, &st, 0) != a)
        return 1;
    pid_t b = clone(exec_true, stack_b + sizeof stack_b, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
    siginfo_t si;
    waitid(P_PID, b, &si, WEXITED | WNOWAIT);
    say("copy", a);
    say("shared", b);
    return 0;
}

static int exec_static(void)
{
    execl("/sbin/ldconfig", "ldconfig", "--version", (char *)NULL);
    return 1;
}

static int spawn_static(void)
{
    char *argv[] = {"ldconfig", "--version", NULL};
    pid_t pid;
    if (posix_spawn(&pid, "/sbin/ldconfig", NULL, NULL, argv, environ))
        return 1;
    siginfo_t si;
    waitid(P_PID, pid, &si, WEXITED | WNOWAIT); /* a zombie: still listed */
    say("child", pid);
    return 0;
}

/* `to` made a copy of `from`, in place when it exists (same inode). */
static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    char buf[1 << 16];
    ssize_t n;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            return -1;
    close(in);
    return out >= 0 ? close(out) : -1;
}

static pid_t spawn_zombie(char *path)
{
    char *argv[] = {path, "--version", NULL};
    pid_t pid;
    int devnull = open("/dev/null", O_WRONLY);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, devnull, 1);
    if (posix_spawn(&pid, path, &fa, NULL, argv, environ))
        return -1;
    close(devnull);
    siginfo_t si;
    waitid(P_PID, pid, &si, WEXITED | WNOWAIT); /* a zombie: still listed */
    return pid;
}

/* A static program spawned twice (the second look is the first one's,
 * remembered), then the same file rewritten as a dynamic one. */
static int spawn_changed_program(void)
{
    char dir[] = "/tmp/eg-changed-XXXXXX", path[64];
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/prog", dir);
    if (copy_file("/sbin/ldconfig", path))
        return 1;
    say("first", spawn_zombie(path));
    say("again", spawn_zombie(path));
    if (copy_file("/bin/true", path))
        return 1;
    say("changed", spawn_zombie(path));
    unlink(path);
    rmdir(dir);
    return 0;
}

int main(int argc, char **argv)
{
    self = argv[0];
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "sleeper")) {
        say("child", start_sleeper());
        return 0;
    }
    if (!strcmp(mode, "stubborn")) {
        say("child", start_stubborn());
        return 0;
    }
    static const struct {
        const char *name;
        int (*fn)(void);
    } modes[] = {
        {"group", group},         {"reaped", reaped},
        {"sigchld_ignored", sigchld_ignored}, {"zombie", zombie},
        {"popen_left", popen_left}, {"pclosed", pclosed},
        {"popen_streams", popen_streams}, {"spawned", spawned},
        {"shell", shell},         {"leak_fd", leak_fd},
        {"double_fork", double_fork}, {"segv", segv},
        {"threads_fork", threads_fork}, {"pid_reuse", pid_reuse},
        {"exec_static", exec_static}, {"spawn_static", spawn_static},
        {"spawn_changed_program", spawn_changed_program},
        {"cloned", cloned},
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (!strcmp(mode, modes[i].name))
            return modes[i].fn();
    fprintf(stderr, "children: unknown mode '%s'\n", mode);
    return 2;
}
