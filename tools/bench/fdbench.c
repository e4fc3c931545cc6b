/* fdbench: an fd-heavy workload for measuring exitguard's overhead.
 *
 *   fdbench [-t THREADS] [-n ITERATIONS] [-v]
 *
 * Every thread runs the same loop independently; each iteration goes through
 * the interposed calls a real program uses most: open+close, socketpair+close,
 * pipe+close, and dup2 onto an fd that is open (exitguard's costliest path: a
 * release and an acquisition in one call).  It closes everything it opens, so
 * under exitguard it prints nothing: the time measured is what a clean
 * program pays.  -v prints the elapsed time and the peak RSS on stderr. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long iterations = 100000;

static void check(int ok, const char *what)
{
    if (!ok) {
        perror(what);
        exit(1);
    }
}

static void *loop(void *arg)
{
    (void)arg;
    int keep = open("/dev/null", O_RDONLY | O_CLOEXEC);
    check(keep >= 0, "open");
    for (long i = 0; i < iterations; i++) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        check(fd >= 0, "open");
        close(fd);

        int sv[2];
        check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
        close(sv[0]);
        close(sv[1]);

        int p[2];
        check(pipe(p) == 0, "pipe");
        close(p[0]);
        close(p[1]);

        /* the target must be an fd this thread owns: dup2 onto a free number
         * could close one the other thread has just opened */
        int target = dup(keep);
        check(target >= 0, "dup");
        check(dup2(keep, target) == target, "dup2");
        close(target);
    }
    close(keep);
    return 0;
}

int main(int argc, char **argv)
{
    int threads = 1, verbose = 0, c;
    while ((c = getopt(argc, argv, "t:n:v")) != -1) {
        switch (c) {
        case 't': threads = atoi(optarg); break;
        case 'n': iterations = atol(optarg); break;
        case 'v': verbose = 1; break;
        default:
            fprintf(stderr, "usage: %s [-t 1|2] [-n ITERATIONS] [-v]\n", argv[0]);
            return 2;
        }
    }
    if (threads < 1 || threads > 2 || iterations < 0) {
        fprintf(stderr, "%s: -t takes 1 or 2, -n a count\n", argv[0]);
        return 2;
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t tid[2];
    for (int i = 0; i < threads; i++)
        check(pthread_create(&tid[i], 0, loop, 0) == 0, "pthread_create");
    for (int i = 0; i < threads; i++)
        pthread_join(tid[i], 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);

    if (verbose) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(stderr, "%d thread(s) x %ld iterations: %.3f s, max RSS %ld KiB\n",
                threads, iterations,
                (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
                ru.ru_maxrss);
    }
    return 0;
}
