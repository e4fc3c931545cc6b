/* The statically linked stage of a torture tree: no loader reads
 * LD_PRELOAD, so exitguard cannot follow it; the image before it said so
 * in its exec document.  Logs itself as tests/torture/stage.c does, and
 * exits with the status it was given.
 *
 *   static_stage MARKER SEED CODE PATH VIA */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 6)
        return 100;
    char stat[1024], line[512];
    int fd = open("/proc/self/stat", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, stat, sizeof stat - 1);
    stat[n > 0 ? n : 0] = 0;
    char *p = strrchr(stat, ')');
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    int len = snprintf(line, sizeof line, "%d %llu %d %s %s ran-static %s\n", (int)getpid(),
                       p ? strtoull(p + 1, NULL, 10) : 0, (int)getppid(), argv[4], argv[5],
                       argv[3]);
    fd = open(getenv("TORTURE_LOG"), O_WRONLY | O_APPEND);
    if (fd < 0 || write(fd, line, (size_t)len) != len)
        return 120;
    return atoi(argv[3]);
}
