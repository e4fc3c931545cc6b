#define _GNU_SOURCE
#include "report_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int open_report_file(const char *path, long long limit, struct stat *st, const char **problem)
{
    static char why[96];
    *problem = NULL;
    /* O_NONBLOCK: a FIFO planted there must not hang the command */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ELOOP)
            *problem = "a symbolic link, not followed";
        else if (errno != ENOENT)
            *problem = strerror(errno);
        return -1;
    }
    if (fstat(fd, st) != 0) {
        *problem = strerror(errno);
    } else if (!S_ISREG(st->st_mode)) {
        *problem = "not a regular file";
    } else if (st->st_uid != geteuid() && geteuid() != 0) {
        /* only a root command's tree can change uid: anyone else's file
         * was put there by someone else */
        snprintf(why, sizeof why, "owned by uid %u, not by this run's user",
                 (unsigned)st->st_uid);
        *problem = why;
    } else if (limit && st->st_size > limit) {
        snprintf(why, sizeof why, "%lld bytes, more than the %lld read", (long long)st->st_size,
                 limit);
        *problem = why;
    } else {
        return fd;
    }
    close(fd);
    return -1;
}
