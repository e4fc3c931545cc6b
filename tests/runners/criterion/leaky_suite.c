/* A Criterion test binary: each test runs in a worker process the runner
 * starts.  One test (config.reads_passwd) passes but leaks the fd it
 * opened at the marked line; the others are clean. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

Test(arith, adds)
{
    cr_assert_eq(2 + 2, 4);
}

Test(config, reads_passwd)
{
    char buf[64];
    int fd = open("/etc/passwd", O_RDONLY); /* LEAK: criterion */
    cr_assert(fd >= 0);
    cr_assert(read(fd, buf, sizeof buf) > 0); /* and never closed */
}

Test(config, reads_group_and_closes)
{
    FILE *f = fopen("/etc/group", "r");
    cr_assert(f);
    fclose(f);
}
