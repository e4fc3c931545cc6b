/* Opens /dev/null until the process runs out of fds (EMFILE), as a leak
 * usually ends, then exits 1.  The soft limit is first set to 64 within
 * the hard one unless argv[1] is "hard" (soft and hard both 64: no room
 * to raise).  Prints "line <N>" for the leaking open and "opened <n>". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct rlimit lim;
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = 64;
    if (argc > 1 && !strcmp(argv[1], "hard"))
        lim.rlim_max = 64;
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0)
        return 2;
    int n = 0;
    printf("line %d\n", __LINE__ + 1);
    while (open("/dev/null", O_RDONLY) >= 0)
        n++;
    printf("opened %d (%s)\n", n, strerror(errno));
    fflush(stdout);
    return 1;
}
