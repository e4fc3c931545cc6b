/* Threads at the end of a process; the first argument picks the case:
 *   ending   one thread blocked forever when main returns ("blocked <tid>
 *            <line>"); others joined, ended by pthread_exit, cancelled,
 *            detached and gone; "leak-fd" as second argument also leaks
 *            an fd (a report with only threads in it may stay quiet)
 *   altstack a thread's alternate signal stack ("altstack <flags> <size>")
 *   own      a thread sets its own alternate stack, takes a signal on it,
 *            and main uses that memory after the thread ended
 *   many N   N threads created and joined, 4 at a time, with a failed
 *            pthread_create each round; prints how much the mapping of
 *            size argv[3] bytes (exitguard's registry) grew, in KiB
 *   fork     a child forked while a thread is blocked ("child <pid>")
 *   fail     pthread_create with an impossible stack size ("error <n>") */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static sem_t started;

static void *block_forever(void *arg)
{
    *(pid_t *)arg = gettid();
    sem_post(&started);
    for (;;)
        pause();
    return 0;
}

static void *return_at_once(void *arg) { return arg; }

static void *exit_at_once(void *arg) { pthread_exit(arg); }

static void *wait_for_cancel(void *arg)
{
    sem_post(&started);
    for (;;)
        pause(); /* a cancellation point */
    return arg;
}

static void wait_until_gone(pid_t tid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d", (int)tid);
    while (access(path, F_OK) == 0)
        usleep(1000);
}

static void *note_tid(void *arg)
{
    *(pid_t *)arg = gettid();
    return 0;
}

static pid_t start_blocker(int *line)
{
    static pid_t tid;
    pthread_t t;
    pthread_create(&t, 0, block_forever, &tid); *line = __LINE__;
    sem_wait(&started);
    return tid;
}

static int ending(int leak_fd)
{
    pthread_t t;
    pthread_create(&t, 0, return_at_once, 0);
    pthread_join(t, 0);
    pthread_create(&t, 0, exit_at_once, 0);
    pthread_join(t, 0);
    pthread_create(&t, 0, wait_for_cancel, 0);
    sem_wait(&started);
    pthread_cancel(t);
    pthread_join(t, 0);

    pid_t detached_tid = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&t, &attr, note_tid, &detached_tid);
    while (!__atomic_load_n(&detached_tid, __ATOMIC_ACQUIRE))
        usleep(1000);
    wait_until_gone(detached_tid);

    int line;
    pid_t tid = start_blocker(&line);
    printf("blocked %d %d\n", (int)tid, line);
    if (leak_fd)
        printf("fd %d\n", open("/dev/null", O_RDONLY));
    return 0;
}

static void *show_altstack(void *arg)
{
    stack_t ss;
    sigaltstack(0, &ss);
    printf("altstack %d %zu\n", ss.ss_flags, ss.ss_size);
    return arg;
}

enum { OWN_SIZE = 64 * 1024 };
static volatile uintptr_t handler_local; /* an address in the handler's frame */

static void on_usr1(int sig)
{
    char here;
    (void)sig;
    handler_local = (uintptr_t)&here;
}

static void *own_altstack(void *arg)
{
    char *mine = mmap(0, OWN_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    stack_t ss = {.ss_sp = mine, .ss_size = OWN_SIZE};
    sigaltstack(&ss, 0);
    struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_ONSTACK};
    sigaction(SIGUSR1, &sa, 0);
    pthread_kill(pthread_self(), SIGUSR1);
    printf("handler ran on the program's stack: %d\n",
           handler_local >= (uintptr_t)mine && handler_local < (uintptr_t)mine + OWN_SIZE);
    (void)arg;
    return mine;
}

/* Rss of the mapping of exactly `size` bytes, in KiB. */
static long rss_of_mapping(unsigned long size)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    int in = 0;
    long kib = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
            in = hi - lo == size;
        else if (in && sscanf(line, "Rss: %ld kB", &kib) == 1)
            break;
    }
    fclose(f);
    return kib;
}

static void rounds(int n)
{
    pthread_attr_t huge;
    pthread_attr_init(&huge);
    pthread_attr_setstacksize(&huge, (size_t)1 << 46);
    for (int i = 0; i < n; i += 4) {
        pthread_t t[4], never;
        for (int k = 0; k < 4; k++)
            pthread_create(&t[k], 0, return_at_once, 0);
        if (pthread_create(&never, &huge, return_at_once, 0) == 0)
            abort();
        for (int k = 0; k < 4; k++)
            pthread_join(t[k], 0);
    }
}

static pid_t forks(void)
{
    int line;
    start_blocker(&line);
    pid_t child = fork();
    if (child == 0)
        exit(0);
    waitpid(child, 0, 0);
    return child;
}

int main(int argc, char **argv)
{
    sem_init(&started, 0, 0);
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "ending") == 0)
        return ending(argc > 2 && strcmp(argv[2], "leak-fd") == 0);
    if (strcmp(what, "altstack") == 0) {
        pthread_t t;
        pthread_create(&t, 0, show_altstack, 0);
        pthread_join(t, 0);
        return 0;
    }
    if (strcmp(what, "own") == 0) {
        pthread_t t;
        void *mine;
        pthread_create(&t, 0, own_altstack, 0);
        pthread_join(t, &mine);
        memset(mine, 1, OWN_SIZE); /* faults if anyone unmapped it */
        printf("still mapped\n");
        return 0;
    }
    if (strcmp(what, "many") == 0 && argc > 3) {
        /* the same calls from the same places each time: after the
         * first pass, only what grows with the thread count can grow */
        long kib[3];
        for (int pass = 0; pass < 3; pass++) {
            rounds(pass < 2 ? 100 : atoi(argv[2]));
            kib[pass] = rss_of_mapping(strtoul(argv[3], 0, 0));
        }
        printf("growth %ld\n", kib[2] - kib[1]);
        return 0;
    }
    if (strcmp(what, "fork") == 0) {
        printf("child %d\n", (int)forks());
        return 0;
    }
    if (strcmp(what, "fail") == 0) {
        pthread_attr_t huge;
        pthread_attr_init(&huge);
        pthread_attr_setstacksize(&huge, (size_t)1 << 46);
        pthread_t t;
        printf("error %d\n", pthread_create(&t, &huge, return_at_once, 0));
        return 0;
    }
    return 2;
}
