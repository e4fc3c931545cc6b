/* Goes through every interposed way to get and drop an fd and releases
 * all of them: exitguard must report nothing at all. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

static void pass_fd_over_unix_socket(void)
{
    int sp[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
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
    recvmsg(sp[1], &msg, 0);
    int got;
    memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof got);
    close(got);
    close(sp[0]);
    close(sp[1]);
}

int main(void)
{
    close(open("/etc/passwd", O_RDONLY));
    close(openat(AT_FDCWD, "/etc/passwd", O_RDONLY));
    char tmpl[] = "/tmp/exitguard-clean.XXXXXX";
    int t = mkstemp(tmpl);
    close(creat(tmpl, 0600));
    fclose(fdopen(t, "w"));
    unlink(tmpl);
    fclose(fopen("/etc/passwd", "r"));
    FILE *f = fopen("/etc/passwd", "r");
    fclose(freopen("/etc/group", "r", f));
    fclose(tmpfile());
    closedir(opendir("/usr"));
    closedir(fdopendir(open("/usr", O_RDONLY | O_DIRECTORY)));
    int p[2];
    pipe(p);
    close(p[0]);
    close(p[1]);
    pipe2(p, O_CLOEXEC);
    int d = dup(p[0]);
    dup2(p[1], d); /* closes d's pipe end, d is now a copy of p[1] */
    int d3 = fcntl(p[0], F_DUPFD_CLOEXEC, 100);
    dup3(p[0], d3, O_CLOEXEC);
    close(d3);
    close(d);
    close(p[0]);
    close(p[1]);
    close(socket(AF_INET, SOCK_DGRAM, 0));
    close(eventfd(0, 0));
    close(timerfd_create(CLOCK_MONOTONIC, 0));
    sigset_t mask;
    sigemptyset(&mask);
    close(signalfd(-1, &mask, 0));
    close(epoll_create1(0));
    close(inotify_init1(0));
    close(memfd_create("x", 0));
    pass_fd_over_unix_socket();
    /* a range, and everything above 200 */
    for (int i = 0; i < 3; i++)
        dup2(0, 50 + i);
    close_range(50, 52, 0);
    dup2(0, 300);
    closefrom(200);
    puts("clean");
    return 0;
}
