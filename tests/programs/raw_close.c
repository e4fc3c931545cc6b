/* Closes an fd with a raw syscall (as libuv does), leaving its number the
 * lowest free one -- the number the report's own file will get -- and puts
 * a copy of stderr on fd 1 with dup2 (as a shell's subshell does); prints
 * "raw <fd>".  Neither is a leak. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    int fd = open("/etc/passwd", O_RDONLY);
    syscall(SYS_close, fd);
    printf("raw %d\n", fd);
    fflush(stdout);
    dup2(2, 1);
    return 0;
}
