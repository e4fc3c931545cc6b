/* A connection that says goodbye to its peer however the program ends.
 * Build: cc finalize.c $(pkg-config --cflags --libs exitguard) */
#include <exitguard.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn {
    int fd;
};

static void say_goodbye(void *arg)
{
    struct conn *c = arg;
    (void)!write(c->fd, "bye\n", 4); /* write(2): safe in a signal handler */
}

int main(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 1;
    struct conn *c = malloc(sizeof *c);
    c->fd = sv[0];
    /* runs at exit, newest first, or when c->fd is closed: whichever
     * comes first, once; also from a fatal signal (it is signal-safe) */
    exitguard_finalizer *f =
        exitguard_finalize_fd(c->fd, say_goodbye, c, EXITGUARD_SIGNAL_SAFE);
    if (!f)
        perror("exitguard_finalize_fd");
    printf("alive: %d\n", exitguard_alive(f));
    exit(0); /* the peer still reads "bye" */
}
