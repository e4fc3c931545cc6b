/* The parent leaks fd A, forks; the child leaks fd B of its own and exits.
 * Prints "parent <A> child <B> childpid <pid>". */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int a = open("/etc/passwd", O_RDONLY);
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        int b = open("/etc/group", O_RDONLY);
        (void)!write(p[1], &b, sizeof b);
        close(p[1]);
        return 0; /* leaks b; a and p[1]... a was the parent's */
    }
    close(p[1]);
    int b = -1;
    (void)!read(p[0], &b, sizeof b);
    close(p[0]);
    waitpid(pid, NULL, 0);
    printf("parent %d child %d childpid %d\n", a, b, (int)pid);
    return 0;
}
