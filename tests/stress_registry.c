/* Threads racing the registry and the depot on the same fd numbers, for
 * ThreadSanitizer (which Criterion's runner cannot host: its arena mapping
 * fails under TSan).  Exits 1 if the registry disagrees with the kernel.
 * The fds themselves are opened and closed with raw syscalls, which TSan
 * does not intercept: their race is the program bug being simulated, and
 * only exitguard's own memory accesses are under test. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "report.h"
#include "unit.h"

enum { LOW = 3, SPAN = 12, ROUNDS = 20000 };

static void tracked_close(int fd)
{
    struct eg_release r;
    eg_fd_release_begin(&r, fd, EG_VIA_close, 0);
    int ret = (int)syscall(SYS_close, fd);
    eg_fd_release_end(&r, ret < 0 && errno == EBADF, 0);
}

static void *hammer(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    for (int i = 0; i < ROUNDS; i++) {
        int fd = LOW + rand_r(&seed) % SPAN;
        if (rand_r(&seed) % 2) {
            int got = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);
            eg_fd_acquired(got, EG_VIA_open, 0);
            if (got >= LOW + SPAN)
                tracked_close(got);
        } else {
            tracked_close(fd);
        }
    }
    return NULL;
}

int main(void)
{
    core_setup("stack_depth=4");
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, hammer, (void *)(uintptr_t)(i + 1));
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    int bad = 0;
    for (int fd = LOW; fd < LOW + SPAN + 8; fd++) {
        struct eg_fd_slot *s = eg_fd_slot(fd, 0);
        int registry = s && EG_WORD_STATE(atomic_load(&s->word)) == EG_FD_OPEN;
        int kernel = fcntl(fd, F_GETFD) >= 0;
        if (registry != kernel) {
            printf("fd %d: registry says %s, kernel says %s\n", fd,
                   registry ? "open" : "closed", kernel ? "open" : "closed");
            bad = 1;
        }
    }
    puts(bad ? "stress: MISMATCH" : "stress: registry agrees with the kernel");
    return bad;
}
