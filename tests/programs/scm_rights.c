/* Receives an fd over a unix socket (SCM_RIGHTS) and leaks it; prints
 * "received <fd> <line>". */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
    int sp[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sp);
    int sent = open("/etc/passwd", O_RDONLY);
    char byte = 'x';
    struct iovec iov = {&byte, 1};
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &sent, sizeof sent);
    sendmsg(sp[0], &msg, 0);
    close(sent);
    close(sp[0]);
    recvmsg(sp[1], &msg, 0); int line = __LINE__;
    close(sp[1]);
    int got;
    memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof got);
    printf("received %d %d\n", got, line);
    return 0;
}
