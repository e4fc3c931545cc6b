/* The parent leaks a file, then starts a child with vfork that closes the
 * leaked number and dup2s onto another before exec -- in the child's own
 * fd table.  The parent's report must still show its leak, and come from
 * the parent.  Prints "leak <fd>". */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int fd = open("/etc/passwd", O_RDONLY);
    printf("leak %d\n", fd);
    fflush(stdout);
    pid_t pid = vfork();
    if (pid == 0) {
        close(fd);
        dup2(2, 9);
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
    pid = vfork();
    if (pid == 0)
        _exit(0); /* a child that never execs */
    waitpid(pid, NULL, 0);
    return 0;
}
