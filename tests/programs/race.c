/* Threads racing open/close/dup2/socketpair on the same small set of fd
 * numbers for a while, then: prints the fds open now that were not open at
 * start ("open 3 5 9"), and exits without closing them.  Whatever the
 * interleaving, exitguard's leak list must be exactly that set. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { LOW = 3, SPAN = 12 };
static double seconds = 3;
static char at_start[1024];

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void *hammer(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    double end = now() + seconds;
    while (now() < end) {
        for (int i = 0; i < 1000; i++) {
            int fd = LOW + rand_r(&seed) % SPAN;
            int got[2] = {-1, -1};
            switch (rand_r(&seed) % 5) {
            case 0: got[0] = open("/dev/null", O_RDONLY); break;
            case 1: close(fd); break;
            case 2: dup2(LOW + rand_r(&seed) % SPAN, fd); break;
            case 3: socketpair(AF_UNIX, SOCK_STREAM, 0, got); break;
            case 4: close(fd); close(fd + 1); break;
            }
            /* stay inside the contested range: numbers beyond it are
             * closed again at once (themselves racing the others) */
            for (int k = 0; k < 2; k++)
                if (got[k] >= LOW + SPAN)
                    close(got[k]);
        }
    }
    return NULL;
}

/* Raw syscalls: listing /proc must not itself touch the fds under test. */
static void list_fds(char *out, size_t size)
{
    int dir = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char buf[8192];
    long n;
    size_t len = 0;
    out[0] = 0;
    while ((n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0)
        for (long off = 0; off < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            off += d->d_reclen;
            if (d->d_name[0] >= '0' && d->d_name[0] <= '9' && atoi(d->d_name) != dir)
                len += snprintf(out + len, size - len, " %s ", d->d_name);
        }
    syscall(SYS_close, dir);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    if (argc > 2)
        seconds = atof(argv[2]);
    list_fds(at_start, sizeof at_start);
    pthread_t t[16];
    for (int i = 0; i < threads && i < 16; i++)
        pthread_create(&t[i], NULL, hammer, (void *)(uintptr_t)(i + 1));
    for (int i = 0; i < threads && i < 16; i++)
        pthread_join(t[i], NULL);
    char open_now[8192];
    list_fds(open_now, sizeof open_now);
    printf("open");
    for (char *tok = strtok(open_now, " "); tok; tok = strtok(NULL, " ")) {
        char key[16];
        snprintf(key, sizeof key, " %s ", tok);
        if (!strstr(at_start, key))
            printf(" %s", tok);
    }
    printf("\n");
    return 0;
}
