/* A forked child that makes its own registry only after its parent has
 * ended, then dies by SIGKILL: prints "child PID", then the parent exits
 * with status 3.  The child copies what the parent's registry holds then,
 * its end included. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    open("/dev/null", O_RDONLY); /* the parent has a registry */
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < 500 && getppid() == parent; i++)
            usleep(10000);
        open("/dev/null", O_RDONLY); /* its own copy, after the parent's end */
        raise(SIGKILL);
    }
    printf("child %d\n", (int)child);
    exit(3);
}
