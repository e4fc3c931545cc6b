#define _GNU_SOURCE
#include "describe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "real.h"
#include "registry.h"

static void fd_path(int fd, char *buf)
{
    static const char prefix[] = "/proc/self/fd/";
    memcpy(buf, prefix, sizeof prefix - 1);
    char digits[12];
    int i = sizeof digits;
    do {
        digits[--i] = (char)('0' + fd % 10);
        fd /= 10;
    } while (fd);
    memcpy(buf + sizeof prefix - 1, digits + i, sizeof digits - (size_t)i);
    buf[sizeof prefix - 1 + sizeof digits - (size_t)i] = 0;
}

const char *eg_fd_target(int fd, char *buf, size_t size)
{
    char path[32];
    fd_path(fd, path);
    ssize_t n = readlink(path, buf, size - 1);
    buf[n > 0 ? n : 0] = 0;
    return buf;
}

static const char *anon_kind(const char *target)
{
    static const struct { const char *link, *kind; } kinds[] = {
        {"anon_inode:[eventfd]", "eventfd"},   {"anon_inode:[timerfd]", "timerfd"},
        {"anon_inode:[signalfd]", "signalfd"}, {"anon_inode:[eventpoll]", "epoll"},
        {"anon_inode:inotify", "inotify"},     {"anon_inode:[pidfd]", "pidfd"},
        {"anon_inode:[fanotify]", "fanotify"}, {"anon_inode:[userfaultfd]", "userfaultfd"},
        {"anon_inode:[io_uring]", "io_uring"}, {"anon_inode:[perf_event]", "perf_event"},
    };
    for (unsigned i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(target, kinds[i].link) == 0)
            return kinds[i].kind;
    return "anon_inode";
}

static const char *family_name(int family)
{
    switch (family) {
    case AF_UNIX: return "AF_UNIX";
    case AF_INET: return "AF_INET";
    case AF_INET6: return "AF_INET6";
    case AF_NETLINK: return "AF_NETLINK";
    case AF_PACKET: return "AF_PACKET";
    case AF_VSOCK: return "AF_VSOCK";
    default: return "AF_?";
    }
}

static const char *type_name(int type)
{
    switch (type) {
    case SOCK_STREAM: return "SOCK_STREAM";
    case SOCK_DGRAM: return "SOCK_DGRAM";
    case SOCK_SEQPACKET: return "SOCK_SEQPACKET";
    case SOCK_RAW: return "SOCK_RAW";
    default: return "SOCK_?";
    }
}

static void format_address(const struct sockaddr_storage *ss, socklen_t len,
                           char *out, size_t size)
{
    char host[INET6_ADDRSTRLEN];
    unsigned port = 0;
    out[0] = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const void *)ss;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const void *)ss;
        host[0] = '[';
        inet_ntop(AF_INET6, &in6->sin6_addr, host + 1, sizeof host - 2);
        strcat(host, "]");
        port = ntohs(in6->sin6_port);
    } else if (ss->ss_family == AF_UNIX) {
        const struct sockaddr_un *un = (const void *)ss;
        size_t n = len > offsetof(struct sockaddr_un, sun_path)
                       ? len - offsetof(struct sockaddr_un, sun_path)
                       : 0;
        if (n == 0) {
            strncpy(out, "(unnamed)", size - 1);
        } else if (un->sun_path[0] == 0) { /* abstract: shown as @name */
            out[0] = '@';
            size_t k = n - 1 < size - 2 ? n - 1 : size - 2;
            memcpy(out + 1, un->sun_path + 1, k);
            out[k + 1] = 0;
        } else {
            size_t k = strnlen(un->sun_path, n);
            k = k < size - 1 ? k : size - 1;
            memcpy(out, un->sun_path, k);
            out[k] = 0;
        }
        return;
    } else {
        return;
    }
    struct eg_writer w; /* digits only; never flushed */
    w.n = 0;
    eg_w_i64(&w, port);
    size_t hl = strlen(host);
    if (hl + 1 + w.n + 1 <= size) {
        memcpy(out, host, hl);
        out[hl] = ':';
        memcpy(out + hl + 1, w.buf, w.n);
        out[hl + 1 + w.n] = 0;
    }
}

static void describe_socket(int fd, struct eg_fd_info *info)
{
    int v;
    socklen_t len = sizeof v;
    info->family = getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 ? family_name(v) : "AF_?";
    len = sizeof v;
    info->type = getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == 0 ? type_name(v) : "SOCK_?";
    struct sockaddr_storage ss;
    len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
        format_address(&ss, len, info->local, sizeof info->local);
    len = sizeof ss;
    if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
        format_address(&ss, len, info->peer, sizeof info->peer);
}

/* The other end of a pipe, if this process holds it: an open fd of ours
 * on the same pipe inode with the opposite direction. */
struct pipe_end {
    int fd, accmode;
    const struct stat *st;
};

static int is_other_end(int other, struct eg_fd_slot *s, void *ctx)
{
    const struct pipe_end *p = ctx;
    if (other == p->fd || EG_WORD_STATE(atomic_load(&s->word)) != EG_FD_OPEN)
        return 0;
    struct stat ost;
    if (eg_fstat(other, &ost) == 0 && ost.st_ino == p->st->st_ino && ost.st_dev == p->st->st_dev &&
        (eg_sys_fcntl(other, F_GETFL, 0) & O_ACCMODE) != p->accmode)
        return other + 1; /* nonzero, so that fd 0 can be found too */
    return 0;
}

static int pipe_other_end(int fd, const struct stat *st, int accmode)
{
    struct pipe_end p = {fd, accmode, st};
    return eg_fd_walk(0, EG_FD_LIMIT - 1, is_other_end, &p) - 1;
}

int eg_describe_fd(int fd, struct eg_fd_info *info)
{
    memset(info, 0, sizeof *info);
    info->other_end = -1;
    info->status_flags = eg_sys_fcntl(fd, F_GETFL, 0);
    if (info->status_flags < 0)
        return 0;
    int fdflags = eg_sys_fcntl(fd, F_GETFD, 0);
    info->cloexec = fdflags < 0 ? -1 : !!(fdflags & FD_CLOEXEC);
    eg_fd_target(fd, info->target, sizeof info->target);
    struct stat st;
    if (eg_fstat(fd, &st) != 0) {
        info->kind = "unknown";
        return 1;
    }
    info->inode = st.st_ino;
    if (S_ISSOCK(st.st_mode)) {
        info->kind = "socket";
        describe_socket(fd, info);
    } else if (S_ISFIFO(st.st_mode)) {
        info->kind = strncmp(info->target, "pipe:", 5) == 0 ? "pipe" : "fifo";
        /* each lookup scans every open fd: bounded, so that a process
         * leaking thousands of pipes still ends promptly */
        static unsigned lookups;
        if (lookups++ < 256)
            info->other_end = pipe_other_end(fd, &st, info->status_flags & O_ACCMODE);
    } else if (S_ISDIR(st.st_mode)) {
        info->kind = "directory";
    } else if (S_ISCHR(st.st_mode)) {
        info->kind = "char-device";
    } else if (S_ISBLK(st.st_mode)) {
        info->kind = "block-device";
    } else if (strncmp(info->target, "/memfd:", 7) == 0) {
        info->kind = "memfd";
    } else if (strncmp(info->target, "anon_inode:", 11) == 0) {
        info->kind = anon_kind(info->target);
    } else {
        info->kind = "file";
    }
    return 1;
}

void eg_describe_flags(struct eg_writer *w, int fl)
{
    static const struct { int bit; const char *name; } bits[] = {
        {O_APPEND, "O_APPEND"}, {O_NONBLOCK, "O_NONBLOCK"}, {O_SYNC, "O_SYNC"},
        {O_DSYNC, "O_DSYNC"},   {O_DIRECT, "O_DIRECT"},     {O_NOATIME, "O_NOATIME"},
        {O_PATH, "O_PATH"},     {O_ASYNC, "O_ASYNC"},
    };
    int acc = fl & O_ACCMODE;
    eg_w_str(w, acc == O_RDONLY ? "O_RDONLY" : acc == O_WRONLY ? "O_WRONLY" : "O_RDWR");
    for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if ((fl & bits[i].bit) == bits[i].bit) {
            eg_w_char(w, '|');
            eg_w_str(w, bits[i].name);
        }
}

void eg_describe_write(struct eg_writer *w, const struct eg_fd_info *info)
{
    eg_w_str(w, info->kind);
    if (strcmp(info->kind, "socket") == 0) {
        eg_w_char(w, ' ');
        eg_w_str(w, info->family);
        eg_w_char(w, ' ');
        eg_w_str(w, info->type);
        if (info->local[0]) {
            eg_w_char(w, ' ');
            eg_w_printable(w, info->local);
        }
        if (info->peer[0]) {
            eg_w_str(w, " -> ");
            eg_w_printable(w, info->peer);
        }
    } else if (strcmp(info->kind, "pipe") == 0 || strcmp(info->kind, "fifo") == 0) {
        int acc = info->status_flags & O_ACCMODE;
        eg_w_str(w, acc == O_WRONLY ? " write end " : acc == O_RDONLY ? " read end " : " ");
        eg_w_printable(w, info->target);
        if (info->other_end >= 0) {
            eg_w_str(w, ", other end fd ");
            eg_w_i64(w, info->other_end);
        } else {
            eg_w_str(w, ", other end not held here");
        }
    } else if (info->target[0]) {
        eg_w_char(w, ' ');
        eg_w_printable(w, info->target);
    }
}
