/* Leaks one fd of each kind; prints "<kind> <fd> <line>" for each. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define SHOW(kind, fd) printf("%s %d %d\n", kind, (int)(fd), __LINE__)

int main(void)
{
    int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC); SHOW("file", fd);
    DIR *d = opendir("/usr"); SHOW("directory", dirfd(d));

    int lst = socket(AF_INET, SOCK_STREAM, 0); SHOW("listener", lst);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind(lst, (struct sockaddr *)&a, sizeof a);
    listen(lst, 1);
    getsockname(lst, (struct sockaddr *)&a, &len);
    printf("port %d\n", ntohs(a.sin_port));
    int cli = socket(AF_INET, SOCK_STREAM, 0); SHOW("client", cli);
    connect(cli, (struct sockaddr *)&a, sizeof a);
    int srv = accept(lst, NULL, NULL); SHOW("accepted", srv);

    int sp[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sp); SHOW("socketpair", sp[0]);
    int p[2];
    pipe(p); SHOW("pipe-read", p[0]); SHOW("pipe-write", p[1]);
    SHOW("eventfd", eventfd(0, 0));
    SHOW("timerfd", timerfd_create(CLOCK_MONOTONIC, 0));
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    SHOW("signalfd", signalfd(-1, &mask, 0));
    SHOW("epoll", epoll_create1(EPOLL_CLOEXEC));
    SHOW("inotify", inotify_init1(0));
    SHOW("memfd", memfd_create("exitguard-test", 0));
    fflush(stdout);
    return 0;
}
