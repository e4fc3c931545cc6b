/* mkstemp_end raise|thread DIR: makes a temp file in DIR while the process
 * is ended inside the mkstemp call (tests/preload/mkstemp_hold.c): by a
 * signal to this thread, or by another thread that sends the process
 * SIGTERM.  Printing "returned" means the end did not come. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int ready[2];

static void *ender(void *arg)
{
    (void)arg;
    char c;
    if (read(ready[0], &c, 1) == 1)
        kill(getpid(), SIGTERM);
    pause();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    if (strcmp(argv[1], "thread") == 0) {
        pthread_t t;
        char fd[16];
        if (pipe(ready) || pthread_create(&t, 0, ender, 0))
            return 3;
        snprintf(fd, sizeof fd, "%d", ready[1]);
        setenv("MKSTEMP_HOLD", fd, 1);
    } else {
        setenv("MKSTEMP_HOLD", "raise", 1);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/made.XXXXXX", argv[2]);
    int fd = mkstemp(path);
    printf("returned %d %s\n", fd, path);
    return 0;
}
