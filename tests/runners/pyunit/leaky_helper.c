/* The program a Python test runs with subprocess.run: it does its job and
 * exits 0, leaving open the file it opened at the marked line. */
#include <fcntl.h>
#include <stdio.h>

int main(void)
{
    int fd = open("/etc/passwd", O_RDONLY); /* LEAK: pyunit */
    printf("helper opened fd %d\n", fd);
    return 0;
}
