/* The finalizer API as a program uses it, one scenario per argv[1].  Each
 * finalizer says what ran on stdout with write(2) (no stdio buffer to lose
 * when the process dies by a signal); the test reads it, and the report.
 *
 * The API is declared weak, as the header tells programs to: built this
 * way the program also runs, untouched, without the library. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitguard.h"

#ifndef LINKED
#pragma weak exitguard_finalize
#pragma weak exitguard_finalize_fd
#pragma weak exitguard_call
#pragma weak exitguard_detach
#pragma weak exitguard_peek
#pragma weak exitguard_alive
#pragma weak exitguard_set_atexit
#pragma weak exitguard_get_atexit
#pragma weak exitguard_release
#endif

static void say(const char *s) { (void)!write(1, s, strlen(s)); }

static void say_arg(void *arg)
{
    say(arg);
    say(" ");
}

static exitguard_finalizer *reg(void *obj, const char *name, unsigned flags)
{
    return exitguard_finalize(obj, say_arg, (void *)name, flags);
}

static void later_atexit(void) { say("later-atexit "); }
static void early_atexit(void) { say("early-atexit\n"); }

/* Newest first across objects and fds; before the program's earlier atexit
 * handlers, after its later ones (weakref.finalize's place). */
static void order(void)
{
    atexit(early_atexit);
    int obj1, obj2;
    reg(&obj1, "A", 0);
    int fd = open("/etc/passwd", O_RDONLY);
    exitguard_finalize_fd(fd, say_arg, "B", 0);
    reg(&obj2, "C", 0);
    reg(0, "D", 0);
    atexit(later_atexit);
}

static int counter;
static void count(void *arg)
{
    (void)arg;
    counter++;
}

#define CHECK(cond) say((cond) ? "ok " #cond "\n" : "FAILED " #cond "\n")

/* The weakref.finalize contract, call by call. */
static void api(void)
{
    int obj;
    void *o, *a;
    void (*fn)(void *);
    exitguard_finalizer *f = exitguard_finalize(&obj, count, &counter, 0);
    CHECK(f && exitguard_alive(f));
    CHECK(exitguard_peek(f, &o, &fn, &a) == 1 && o == &obj && fn == count && a == &counter);
    CHECK(exitguard_alive(f) && exitguard_get_atexit(f) == 1);
    CHECK(exitguard_call(f) == 1 && counter == 1);
    CHECK(exitguard_call(f) == 0 && counter == 1);
    CHECK(!exitguard_alive(f) && exitguard_peek(f, &o, &fn, &a) == 0);
    CHECK(exitguard_detach(f, &o, &fn, &a) == 0);

    exitguard_finalizer *g = exitguard_finalize(&obj, count, &counter, 0);
    o = a = 0;
    CHECK(exitguard_detach(g, &o, &fn, &a) == 1 && o == &obj && fn == count && a == &counter);
    CHECK(!exitguard_alive(g) && exitguard_call(g) == 0 && counter == 1);

    exitguard_finalizer *h = reg(0, "not-at-exit", 0);
    exitguard_set_atexit(h, 0);
    CHECK(exitguard_get_atexit(h) == 0 && exitguard_alive(h));

    int x;
    reg(&x, "r1", 0);
    exitguard_finalizer *r2 = reg(&x, "r2", 0);
    reg(&x, "r3", 0);
    exitguard_detach(r2, 0, 0, 0);
    say("release: ");
    int ran = exitguard_release(&x);
    say("\n");
    CHECK(ran == 2 && exitguard_release(&x) == 0);

    errno = 0;
    CHECK(exitguard_finalize(&obj, 0, 0, 0) == 0 && errno == EINVAL);
    CHECK(exitguard_finalize(&obj, count, 0, 8) == 0 && errno == EINVAL);
    CHECK(exitguard_finalize_fd(-1, count, 0, 0) == 0 && errno == EBADF);
    CHECK(exitguard_finalize_fd(900, count, 0, 0) == 0 && errno == EBADF);
    CHECK(exitguard_call(0) == 0 && !exitguard_alive(0));
    reg(0, "at-exit", 0);
}

/* A finalizer tied to an fd runs just before the program closes the fd,
 * and can still use it: the peer reads its last words, then EOF. */
static void goodbye(void *arg)
{
    int fd = *(int *)arg;
    (void)!write(fd, "bye", 3);
    say("goodbye ");
}

static void fd_close(void)
{
    static int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    exitguard_finalize_fd(sv[0], goodbye, &sv[0], 0);
    say("before-close ");
    close(sv[0]);
    say("after-close ");
    char buf[8] = {0};
    ssize_t n = read(sv[1], buf, sizeof buf - 1);
    say(n == 3 && strcmp(buf, "bye") == 0 ? "peer-got-bye " : "peer-got-nothing ");
    say(read(sv[1], buf, 1) == 0 ? "eof\n" : "no-eof\n");
    /* the same for dup2 onto a tied fd, and an fd never closed: at exit */
    static int p[2];
    pipe(p);
    exitguard_finalize_fd(p[1], say_arg, "dup2-over", 0);
    dup2(p[0], p[1]);
    int kept = open("/etc/group", O_RDONLY);
    exitguard_finalize_fd(kept, say_arg, "never-closed", 0);
}

/* Two threads and the exit sequence race for the same finalizers: each
 * runs exactly once (the test counts the marks in the output file). */
enum { RACED = 2000 };
static exitguard_finalizer *raced[RACED];
static int out_fd;

static void mark(void *arg)
{
    char line[16];
    int n = snprintf(line, sizeof line, "%ld\n", (long)(intptr_t)arg);
    (void)!write(out_fd, line, (size_t)n);
}

static void *caller(void *arg)
{
    int from = (int)(intptr_t)arg;
    for (int i = 0; i < RACED; i++)
        exitguard_call(raced[(from + i) % RACED]);
    return 0;
}

static void race(const char *path)
{
    out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    for (int i = 0; i < RACED; i++)
        raced[i] = exitguard_finalize(0, mark, (void *)(intptr_t)i, 0);
    pthread_t t[2];
    pthread_create(&t[0], 0, caller, (void *)(intptr_t)0);
    pthread_create(&t[1], 0, caller, (void *)(intptr_t)(RACED / 2));
    exit(0); /* while they call */
}

static void crash(void *arg)
{
    (void)arg;
    say("crashing ");
    *(volatile int *)0 = 1;
}

static void calls_exit(void *arg)
{
    (void)arg;
    say("exiting ");
    exit(9);
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static void *holder(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&held);
    for (;;)
        pause();
    return 0;
}

static void blocks(void *arg)
{
    (void)arg;
    say("blocking ");
    pthread_mutex_lock(&held); /* held forever by the other thread */
    say("unreachable ");
}

static void registers(void *arg)
{
    (void)arg;
    say("registering ");
    reg(0, "registered-at-exit", 0);
}

static void child_or_parent(void *arg)
{
    say(getpid() == (pid_t)(intptr_t)arg ? "parent:" : "child:");
}

/* unbounded, but the compiler must not see it (nor turn it into a loop) */
static volatile int deeper = 1;
static int recurse(int depth)
{
    volatile char pad[256];
    pad[0] = (char)depth;
    return deeper ? recurse(depth + 1) + pad[0] : 0;
}

static void *overflows(void *arg)
{
    (void)arg;
    recurse(0);
    return 0;
}

static pthread_barrier_t both;
static void *exits(void *arg)
{
    pthread_barrier_wait(&both);
    exit((int)(intptr_t)arg);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
#ifndef LINKED
    if (!exitguard_finalize) {
        say("exitguard absent\n");
        return 0;
    }
#endif
    if (!strcmp(mode, "order")) {
        order();
        return 3;
    } else if (!strcmp(mode, "api")) {
        api();
    } else if (!strcmp(mode, "fd-close")) {
        fd_close();
    } else if (!strcmp(mode, "race")) {
        race(argv[2]);
    } else if (!strcmp(mode, "contained")) {
        /* registered A, crash, exit, B: they run B, exiting, crashing, A */
        reg(0, "A", 0);
        exitguard_finalize(0, crash, 0, 0);
        exitguard_finalize(0, calls_exit, 0, 0);
        reg(0, "B", 0);
        return 3;
    } else if (!strcmp(mode, "hang")) {
        pthread_t t;
        pthread_create(&t, 0, holder, 0);
        while (pthread_mutex_trylock(&held) == 0) /* wait until it holds it */
            pthread_mutex_unlock(&held), usleep(1000);
        reg(0, "after-the-hang", 0);
        exitguard_finalize(0, blocks, 0, 0);
        exit(4);
    } else if (!strcmp(mode, "registers")) {
        exitguard_finalize(0, registers, 0, 0);
    } else if (!strcmp(mode, "fork")) {
        void *parent = (void *)(intptr_t)getpid();
        exitguard_finalize(0, child_or_parent, parent, 0);
        exitguard_finalize(0, child_or_parent, parent, EXITGUARD_IN_CHILDREN);
        pid_t pid = fork();
        if (pid == 0)
            exit(0);
        waitpid(pid, 0, 0);
    } else if (!strcmp(mode, "exec")) {
        reg(0, "before-exec", 0);
        execl("/bin/true", "true", (char *)0);
    } else if (!strcmp(mode, "_exit")) {
        reg(0, "at-_exit", 0);
        _exit(5);
    } else if (!strcmp(mode, "quick_exit")) {
        reg(0, "at-quick_exit", 0);
        quick_exit(6);
    } else if (!strcmp(mode, "sigterm")) {
        reg(0, "unsafe", 0);
        reg(0, "safe", EXITGUARD_SIGNAL_SAFE);
        raise(SIGTERM);
        say("survived ");
    } else if (!strcmp(mode, "segv")) {
        reg(0, "safe", EXITGUARD_SIGNAL_SAFE);
        *(volatile int *)0 = 1;
    } else if (!strcmp(mode, "abort")) {
        reg(0, "safe", EXITGUARD_SIGNAL_SAFE);
        abort();
    } else if (!strcmp(mode, "two-exits")) {
        reg(0, "once", 0);
        pthread_barrier_init(&both, 0, 2);
        pthread_t t;
        pthread_create(&t, 0, exits, (void *)(intptr_t)1);
        pthread_barrier_wait(&both);
        exit(2);
    } else if (!strcmp(mode, "buffered")) {
        /* fds=close must not lose what stdio still buffers */
        FILE *f = fopen(argv[2], "w");
        fputs("every byte", f);
        if (argc > 3)
            raise(SIGTERM);
    } else if (!strcmp(mode, "overflow")) {
        reg(0, "safe", EXITGUARD_SIGNAL_SAFE);
        recurse(0);
    } else if (!strcmp(mode, "thread-overflow")) {
        reg(0, "safe", EXITGUARD_SIGNAL_SAFE);
        pthread_t t;
        pthread_create(&t, 0, overflows, 0);
        pthread_join(t, 0);
    } else {
        say("unknown mode\n");
        return 2;
    }
    return 0;
}
