/* Interposers for sockets, including fds received over a unix socket. */
#define _GNU_SOURCE
#include <sys/socket.h>

#include "guard.h"
#include "real.h"
#include "track.h"

EG_EXPORT int socket(int domain, int type, int protocol)
{
    int fd = REAL(socket)(domain, type, protocol);
    eg_track_fd(fd, EG_VIA_socket, 0);
    return fd;
}

EG_EXPORT int socketpair(int domain, int type, int protocol, int fds[2])
{
    int ret = REAL(socketpair)(domain, type, protocol, fds);
    if (ret == 0)
        eg_track_fds(fds, 2, EG_VIA_socketpair);
    return ret;
}

EG_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    int ret = REAL(accept)(fd, addr, len);
    eg_track_fd(ret, EG_VIA_accept, 0);
    return ret;
}

EG_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    int ret = REAL(accept4)(fd, addr, len, flags);
    eg_track_fd(ret, EG_VIA_accept4, 0);
    return ret;
}

/* Every fd passed with SCM_RIGHTS is now ours to close. */
static void track_passed_fds(const struct msghdr *msg, enum eg_via via)
{
    if (!msg->msg_control)
        return;
    for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)msg); c;
         c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        const int *fds = (const int *)CMSG_DATA(c);
        int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        eg_track_fds(fds, n, via);
    }
}

EG_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    ssize_t ret = REAL(recvmsg)(fd, msg, flags);
    if (ret >= 0)
        track_passed_fds(msg, EG_VIA_recvmsg);
    return ret;
}

EG_EXPORT int recvmmsg(int fd, struct mmsghdr *msgs, unsigned int n, int flags,
                       struct timespec *timeout)
{
    int ret = REAL(recvmmsg)(fd, msgs, n, flags, timeout);
    for (int i = 0; i < ret; i++)
        track_passed_fds(&msgs[i].msg_hdr, EG_VIA_recvmmsg);
    return ret;
}
