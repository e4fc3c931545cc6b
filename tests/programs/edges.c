/* Corners found in review, one per argument; each prints what it checks.
 *   errno:       fclose of an fd-less stream leaves errno alone
 *   close_range: close_range with flags the kernel refuses forgets nothing
 *   _Fork:       a child made by _Fork (no atfork handlers) reports its leak
 *   stderr:      a program that reopened fd 2 on its own file gets no
 *                report written into it */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "errno") == 0) {
        char buf[8];
        FILE *m = fmemopen(buf, sizeof buf, "w");
        errno = 0;
        fclose(m);
        printf("errno %d\n", errno);
    } else if (strcmp(what, "close_range") == 0) {
        int fd = open("/etc/passwd", O_RDONLY);
        int ret = close_range(0, ~0u, 0x40000000); /* no such flag: EINVAL */
        printf("leak %d ret %d\n", fd, ret);
    } else if (strcmp(what, "_Fork") == 0) {
        pid_t pid = _Fork();
        if (pid == 0) {
            open("/etc/passwd", O_RDONLY);
            _exit(0);
        }
        waitpid(pid, NULL, 0);
        printf("child %d\n", (int)pid);
    } else if (strcmp(what, "stderr") == 0 && argc > 2) {
        close(2);
        int data = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600); /* fd 2 */
        (void)!write(data, "data\n", 5);
        open("/etc/passwd", O_RDONLY); /* a leak to report */
        printf("data fd %d\n", data);
    }
    return 0;
}
