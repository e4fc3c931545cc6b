/* Threads racing every record exitguard keeps, for ThreadSanitizer over the
 * real library (tests/tsan/run.sh): each thread forks, vforks and
 * posix_spawns children and reaps them, registers finalizers and calls them
 * while the others register theirs, opens and closes fds and takes stacks
 * from several call sites (the depot), and starts a thread of its own.
 * Then main leaves one child unreaped, one finalizer pending and one fd
 * open, and prints "pending <pid> <fd>" -- the report must name all three.
 *   thread_mix THREADS ROUNDS */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitguard.h"

#pragma weak exitguard_finalize
#pragma weak exitguard_call

extern char **environ;
static int rounds = 50;

static void note(void *arg) { (void)arg; }

static void *idle(void *arg) { return arg; }

/* Distinct call sites, so the depot takes new stacks from every thread. */
static int open_here(void) { return open("/dev/null", O_RDONLY | O_CLOEXEC); }
static int open_there(void) { return open("/dev/zero", O_RDONLY | O_CLOEXEC); }

static void reap(pid_t pid)
{
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

static void one_round(unsigned *seed)
{
    switch (rand_r(seed) % 3) {
    case 0: {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        reap(pid);
        break;
    }
    case 1: {
        pid_t pid = vfork();
        if (pid == 0)
            _exit(0);
        reap(pid);
        break;
    }
    default: {
        pid_t pid;
        char *argv[] = {"true", NULL};
        if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) == 0)
            reap(pid);
    }
    }
    exitguard_finalizer *f = exitguard_finalize ? exitguard_finalize(0, note, 0, 0) : 0;
    int a = open_here(), b = open_there();
    close(a);
    close(b);
    if (f && rand_r(seed) % 2)
        exitguard_call(f);
}

static void *worker(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    pthread_t t;
    if (pthread_create(&t, NULL, idle, NULL) == 0)
        pthread_join(t, NULL);
    for (int i = 0; i < rounds; i++)
        one_round(&seed);
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 4;
    rounds = argc > 2 ? atoi(argv[2]) : rounds;
    pthread_t t[16];
    if (threads > 16)
        threads = 16;
    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1));
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    pid_t pending = fork();
    if (pending == 0) {
        pause();
        _exit(0);
    }
    if (exitguard_finalize)
        exitguard_finalize(0, note, 0, 0);
    int fd = open_here();
    printf("pending %d %d\n", (int)pending, fd);
    return 0;
}
