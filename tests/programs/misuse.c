/* One misuse of an fd, chosen by argv[1]; prints "fd N first L second L". */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "double-close") == 0) {
        int fd = open("/etc/passwd", O_RDONLY);
        close(fd); int first = __LINE__;
        close(fd); int second = __LINE__;
        printf("fd %d first %d second %d\n", fd, first, second);
    } else if (strcmp(what, "never-opened") == 0) {
        close(77); int line = __LINE__;
        printf("fd 77 first %d second %d\n", line, line);
    } else if (strcmp(what, "close-file-fd") == 0) {
        FILE *f = fopen("/etc/passwd", "r"); int first = __LINE__;
        close(fileno(f)); int second = __LINE__;
        printf("fd %d first %d second %d\n", fileno(f), first, second);
        fclose(f); /* its fd is gone: nothing more is reported */
    } else if (strcmp(what, "dup2-onto-file-fd") == 0) {
        FILE *f = fopen("/etc/passwd", "r"); int first = __LINE__;
        dup2(0, fileno(f)); int second = __LINE__;
        printf("fd %d first %d second %d\n", fileno(f), first, second);
    } else if (strcmp(what, "double-close-then-fork") == 0) {
        int fd = open("/etc/passwd", O_RDONLY);
        close(fd); int first = __LINE__;
        close(fd); int second = __LINE__;
        printf("fd %d first %d second %d\n", fd, first, second);
        fflush(stdout);
        pid_t child = fork(); /* misuses nothing itself */
        if (child == 0)
            _exit(0);
        printf("child %d\n", (int)child);
        waitpid(child, NULL, 0);
    } else if (strcmp(what, "close-dir-fd") == 0) {
        DIR *d = opendir("/usr"); int first = __LINE__;
        close(dirfd(d)); int second = __LINE__;
        printf("fd %d first %d second %d\n", dirfd(d), first, second);
    }
    return 0;
}
