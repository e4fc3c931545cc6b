/* What an open fd refers to, read from the kernel at report time (the
 * kernel's answer is the truth; what we recorded at open is only a hint).
 * Async-signal-safe: readlink, fstat, fcntl, getsockopt, getsockname. */
#ifndef EXITGUARD_DESCRIBE_H
#define EXITGUARD_DESCRIBE_H

#include <stddef.h>

#include "writer.h"

struct eg_fd_info {
    const char *kind;  /* file, directory, socket, pipe, fifo, eventfd, ... */
    char target[512];  /* what /proc/self/fd/N links to */
    int status_flags;  /* F_GETFL, -1 if unknown */
    int cloexec;       /* FD_CLOEXEC set; -1 if unknown */
    const char *family, *type; /* sockets */
    char local[160], peer[160];
    unsigned long long inode;
    int other_end;     /* pipes: an fd of ours on the other end, or -1 */
};

/* What /proc/self/fd/N links to, in buf ("" if unknown); returns buf. */
const char *eg_fd_target(int fd, char *buf, size_t size);

/* Returns 0 when fd is not open. */
int eg_describe_fd(int fd, struct eg_fd_info *info);

/* "socket AF_INET SOCK_STREAM 127.0.0.1:4000 -> 127.0.0.1:80", ... */
void eg_describe_write(struct eg_writer *w, const struct eg_fd_info *info);

/* "O_WRONLY|O_APPEND" */
void eg_describe_flags(struct eg_writer *w, int status_flags);

#endif
