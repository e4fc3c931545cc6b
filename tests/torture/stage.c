/* One process of a torture tree (tests/torture/run.sh).
 *
 *   stage MARKER SEED DEPTH PATH VIA [WAIT-PID SIGNAL]
 *
 * PATH names the process in its tree ("r", "r.2", "r.2e" after an exec);
 * every random choice comes from SEED and PATH, so a seed replays the same
 * tree.  Before anything that can end it, the process appends one line to
 * $TORTURE_LOG:
 *
 *   PID STARTTIME PPID PATH VIA ENDING CODE THREAD
 *
 * with THREAD "thread" when another thread than main ends it.
 * (STARTTIME is /proc/self/stat field 22: exec keeps it, a new process
 * with a reused pid does not), so that the driver knows every process the
 * tree started, and how it meant to end, whatever happens next.  A shell
 * of system() or popen() is logged by the stage it runs, its child.
 *
 * A parent that will signal a child at a random moment logs it first, as
 * "doomed" (the child may die before its own line).
 *
 * With WAIT-PID, the process is a victim: it waits to be killed by
 * SIGNAL (from a sibling, SIGTERM, or from its parent, SIGKILL).  A
 * killer is a stage given "kill:PID:SIG" as VIA's suffix. */
#define _GNU_SOURCE
#include <errno.h>
#include <exitguard.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#pragma weak exitguard_finalize

extern char **environ;

static const char *marker;
static uint64_t seed, rng;
static int depth;
static char path[48];

static uint64_t next(void)
{
    /* splitmix64: a full-period generator in four lines, enough here */
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int pick(int n) { return (int)(next() % (uint64_t)n); }

static void seed_from_path(void)
{
    rng = seed;
    for (const char *p = path; *p; p++)
        rng = rng * 131 + (unsigned char)*p;
    next();
}

static unsigned long long starttime(pid_t pid)
{
    char name[64], buf[1024];
    snprintf(name, sizeof name, "/proc/%d/stat", (int)pid);
    int fd = open(name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    /* field 2 may hold spaces: count fields after its closing paren */
    char *p = strrchr(buf, ')');
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    return p ? strtoull(p + 1, NULL, 10) : 0;
}

static void log_line(pid_t pid, pid_t ppid, const char *who, const char *via,
                     const char *ending, int code, const char *thread)
{
    char line[512];
    int n = snprintf(line, sizeof line, "%d %llu %d %s %s %s %d %s\n", (int)pid,
                     starttime(pid), (int)ppid, who, via, ending, code, thread);
    int fd = open(getenv("TORTURE_LOG"), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0 || write(fd, line, (size_t)n) != n)
        _exit(120); /* an unlogged process would make the check meaningless */
    close(fd);
}

/* ---- resources ---- */

static void *sleeper(void *arg)
{
    while (pause() == -1)
        ;
    return arg;
}

static void *quick(void *arg) { return arg; }

static void acquire(void)
{
    int fd = -1, sv[2];
    switch (pick(7)) {
    case 0:
        fd = open(pick(2) ? "/etc/hostname" : "/dev/null", O_RDONLY | (pick(2) ? O_CLOEXEC : 0));
        break;
    case 1:
        fd = socket(pick(2) ? AF_INET : AF_UNIX, SOCK_STREAM | (pick(2) ? SOCK_CLOEXEC : 0), 0);
        break;
    case 2:
        if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0)
            fd = sv[pick(2)];
        break;
    case 3:
        if (pipe2(sv, pick(2) ? O_CLOEXEC : 0) == 0)
            fd = sv[pick(2)];
        break;
    case 4: {
        char name[512];
        snprintf(name, sizeof name, "%s/t.%s.XXXXXX", getenv("TMPDIR"), path);
        fd = mkstemp(name);
        if (fd >= 0 && pick(4) == 0)
            unlink(name);
        break;
    }
    case 5: {
        FILE *f = tmpfile();
        if (f && pick(2))
            fclose(f);
        break;
    }
    case 6: {
        pthread_t t;
        if (pthread_create(&t, NULL, pick(2) ? sleeper : quick, NULL) == 0 && pick(2))
            pthread_detach(t);
        break;
    }
    }
    if (fd >= 0 && pick(3) == 0)
        close(fd);
}

/* ---- finalizers ---- */

static void fin_quick(void *arg) { (void)arg; }
static void fin_slow(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
}
static void fin_crash(void *arg)
{
    (void)arg;
    *(volatile int *)0 = 1;
}
static void fin_hang(void *arg)
{
    (void)arg;
    for (;;)
        pause();
}

static void finalizer(void (*fn)(void *))
{
    if (exitguard_finalize)
        exitguard_finalize(NULL, fn, NULL, pick(2) ? EXITGUARD_SIGNAL_SAFE : 0);
}

/* ---- children ---- */

static const char *const vias[] = {"fork", "fork-exec", "vfork", "spawn", "system", "popen"};

static void child_argv(char **argv, char (*buf)[64], int index, const char *via)
{
    snprintf(buf[0], 64, "%llu", (unsigned long long)seed);
    snprintf(buf[1], 64, "%d", depth + 1);
    snprintf(buf[2], 64, "%s.%d", path, index);
    argv[0] = getenv("TORTURE_STAGE");
    argv[1] = (char *)marker;
    argv[2] = buf[0];
    argv[3] = buf[1];
    argv[4] = buf[2];
    argv[5] = (char *)via;
    argv[6] = NULL;
}

static int stage_main(int argc, char **argv);

/* Starts child INDEX by VIA; returns its pid (0 for system, whose child
 * is over when it returns), or -1.  *stream gets popen's. */
static pid_t start_child(int index, const char *via, const char *extra, FILE **stream)
{
    char buf[3][64], *argv[9];
    char viabuf[96];
    snprintf(viabuf, sizeof viabuf, "%s%s", via, extra);
    child_argv(argv, buf, index, viabuf);
    if (strcmp(via, "fork") == 0) {
        pid_t pid = fork();
        if (pid == 0) {
            /* a fork without exec goes on as the child, in this image */
            int argc = 6;
            exit(stage_main(argc, argv));
        }
        return pid;
    }
    if (strcmp(via, "fork-exec") == 0 || strcmp(via, "vfork") == 0) {
        pid_t pid = strcmp(via, "vfork") == 0 ? vfork() : fork();
        if (pid == 0) {
            execve(argv[0], argv, environ);
            _exit(127);
        }
        return pid;
    }
    if (strcmp(via, "spawn") == 0) {
        pid_t pid;
        return posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) == 0 ? pid : -1;
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s %s %s %s %s", argv[0], argv[1], argv[2], argv[3],
             argv[4], argv[5]);
    if (strcmp(via, "system") == 0)
        return system(cmd) == -1 ? -1 : 0;
    *stream = popen(cmd, "r");
    return *stream ? 0 : -1;
}

/* Waits (bounded) until PID has logged itself: a signal sent earlier
 * could end a process the driver never heard of. */
static int logged(pid_t pid)
{
    char want[32];
    int n = snprintf(want, sizeof want, "%d ", (int)pid);
    for (int tries = 0; tries < 500; tries++) {
        FILE *f = fopen(getenv("TORTURE_LOG"), "re");
        char line[512];
        int found = 0;
        while (f && !found && fgets(line, sizeof line, f))
            found = strncmp(line, want, (size_t)n) == 0;
        if (f)
            fclose(f);
        if (found)
            return 1;
        usleep(10000);
    }
    return 0;
}

/* A victim does its work before it waits for the signal: a kill sent a
 * little later lands in the middle of it (a fork, a spawn, an exit
 * sequence of its own children...) rather than always in the wait. */
static void land_at_random(void)
{
    struct timespec ts = {0, pick(40) * 1000 * 1000L};
    nanosleep(&ts, NULL);
}

static void children(void)
{
    int count = depth >= 3 ? 0 : pick(depth == 0 ? 4 : 3);
    pid_t pids[8];
    int npids = 0;
    for (int i = 0; i < count; i++) {
        acquire();
        FILE *stream = NULL;
        if (pick(5) == 0) {
            /* a victim, then its killer: a sibling (SIGTERM) or us (SIGKILL) */
            const char *via = pick(2) ? "spawn" : "fork-exec";
            int term = pick(2);
            pid_t victim = start_child(i, via, term ? "+await-term" : "+await-kill", NULL);
            if (victim <= 0)
                continue;
            pids[npids++] = victim;
            if (term) {
                char extra[64];
                snprintf(extra, sizeof extra, "+kill-%d", (int)victim);
                pid_t killer = start_child(10 + i, vias[pick(6)], extra, &stream);
                if (killer > 0)
                    pids[npids++] = killer;
            } else if (logged(victim)) {
                land_at_random();
                kill(victim, SIGKILL);
            }
        } else if (pick(5) == 0) {
            /* doomed: a child going its own way, signalled at a random
             * moment -- in its work, its exit sequence, or before it got
             * as far as logging itself, so we log it (our child, unreaped:
             * its pid cannot have been reused) */
            static const char *const known[] = {"fork", "fork-exec", "vfork", "spawn"};
            const char *via = known[pick(4)];
            int sig = pick(2) ? SIGTERM : SIGKILL;
            struct timespec ts = {0, pick(400) * 1000 * 1000L};
            pid_t pid = start_child(i, via, "", NULL);
            if (pid <= 0)
                continue;
            char who[64];
            snprintf(who, sizeof who, "%s.%d", path, i);
            log_line(pid, getpid(), who, via, "doomed", sig, "main");
            nanosleep(&ts, NULL);
            kill(pid, sig);
            pids[npids++] = pid;
        } else {
            pid_t pid = start_child(i, vias[pick(6)], "", &stream);
            if (pid > 0 && pick(4) != 0)
                pids[npids++] = pid;
        }
        if (stream) {
            char line[256];
            while (pick(3) && fgets(line, sizeof line, stream))
                ;
            if (pick(3))
                pclose(stream);
        }
    }
    /* most children are waited for; the others are left to the end */
    for (int i = 0; i < npids; i++)
        if (pick(4) != 0)
            waitpid(pids[i], NULL, 0);
}

/* ---- endings ---- */

static const char *const endings[] = {"return",  "exit",    "_exit",  "abort",
                                      "segv",    "killself", "exec",  "static",
                                      "hang-fin", "emfile"};

static void exhaust_fds(void)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = 128;
    setrlimit(RLIMIT_NOFILE, &rl);
    while (open("/dev/null", O_RDONLY) >= 0)
        ;
}

/* ---- the end, in main or in another thread ---- */

static const char *the_end;
static int the_code;

/* Returns only for "return" (and a failed exec). */
static int finish(void)
{
    if (strncmp(the_end, "await-", 6) == 0) {
        signal(SIGTERM, SIG_DFL);
        sleep(10); /* the signal ends it; the driver sees a timeout otherwise */
        return 99;
    }
    if (strcmp(the_end, "return") == 0)
        return the_code;
    if (strcmp(the_end, "exit") == 0)
        exit(the_code);
    if (strcmp(the_end, "_exit") == 0)
        _exit(the_code);
    if (strcmp(the_end, "abort") == 0)
        abort();
    if (strcmp(the_end, "segv") == 0)
        *(volatile int *)0 = 1;
    if (strcmp(the_end, "killself") == 0)
        raise(SIGKILL);
    if (strcmp(the_end, "hang-fin") == 0) {
        finalizer(fin_hang);
        exit(the_code);
    }
    if (strcmp(the_end, "emfile") == 0) {
        exhaust_fds();
        exit(the_code);
    }
    char buf[3][64], *next_argv[7];
    child_argv(next_argv, buf, 0, "exec");
    snprintf(buf[1], 64, "%d", depth + 1);
    snprintf(buf[2], 64, "%se", path);
    if (strcmp(the_end, "static") == 0) {
        snprintf(buf[1], 64, "%d", the_code);
        next_argv[0] = getenv("TORTURE_STATIC");
    }
    execve(next_argv[0], next_argv, environ);
    return 121;
}

static void *finish_in_thread(void *arg)
{
    (void)arg;
    exit(finish()); /* "return" from a thread: the same status by exit */
}

static int stage_main(int argc, char **argv)
{
    if (argc < 6)
        return 100;
    marker = argv[1];
    seed = strtoull(argv[2], NULL, 10);
    depth = atoi(argv[3]);
    snprintf(path, sizeof path, "%s", argv[4]);
    const char *via = argv[5];
    seed_from_path();

    const char *ending = endings[pick(10)];
    int code = pick(4) == 0 ? 0 : 1 + pick(9);
    pid_t victim = 0;
    if (strstr(via, "+await-"))
        ending = strstr(via, "+await-term") ? "await-term" : "await-kill";
    else if (strstr(via, "+kill-"))
        victim = atoi(strstr(via, "+kill-") + 6);
    if (depth >= 3 && strcmp(ending, "exec") == 0)
        ending = "exit";
    int in_thread = strncmp(ending, "await-", 6) && pick(4) == 0;
    log_line(getpid(), getppid(), path, via, ending, code, in_thread ? "thread" : "main");
    if (strncmp(via, "system", 6) == 0 || strncmp(via, "popen", 5) == 0) {
        /* the shell between us and our parent, unless it exec'd us.  One
         * getppid: a shell that ends after its name was read (the run's
         * end terminating it as a leftover) hands us to the subreaper,
         * and a second getppid would log the command in its place. */
        pid_t shell = getppid();
        char name[64], comm[32] = "";
        snprintf(name, sizeof name, "/proc/%d/comm", (int)shell);
        FILE *f = fopen(name, "re");
        if (f && fgets(comm, sizeof comm, f) && strcmp(comm, "sh\n") == 0)
            log_line(shell, 0, path, "shell", "shell", 0, "main");
        if (f)
            fclose(f);
    }

    for (int i = pick(4); i > 0; i--)
        acquire();
    for (int i = pick(3); i > 0; i--) {
        static void (*const fns[])(void *) = {fin_quick, fin_slow, fin_crash};
        finalizer(fns[pick(3)]);
    }
    if (victim > 0 && logged(victim)) {
        land_at_random();
        kill(victim, SIGTERM);
    }
    children();
    for (int i = pick(3); i > 0; i--)
        acquire();

    the_end = ending;
    the_code = code;
    pthread_t t;
    if (in_thread && pthread_create(&t, NULL, finish_in_thread, NULL) == 0)
        for (;;)
            pause(); /* the other thread ends the process */
    return finish();
}

int main(int argc, char **argv) { return stage_main(argc, argv); }
