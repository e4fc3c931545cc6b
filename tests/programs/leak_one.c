/* Leaks one file opened with open(); prints "fd N line L".  Built three
 * ways: plain, fortified (open becomes __open_2) and stripped. */
#include <fcntl.h>
#include <stdio.h>

int main(void)
{
    volatile int flags = O_RDONLY; /* not a constant: fortify calls __open_2 */
    int fd = open("/etc/passwd", flags); int line = __LINE__;
    printf("fd %d line %d\n", fd, line);
    return 0;
}
