/* Closes an fd with a raw syscall (as libuv does) and puts a pipe on fd 1
 * (as a shell's subshell does); prints "raw <fd>".  Neither is a leak. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    pipe(p);
    int fd = open("/etc/hostname", O_RDONLY);
    syscall(SYS_close, fd);
    printf("raw %d\n", fd);
    fflush(stdout);
    dup2(p[1], 1);
    close(p[1]);
    close(p[0]);
    return 0;
}
