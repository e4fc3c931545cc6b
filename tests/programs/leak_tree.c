/* A parent and a child that each leave an fd open, and two children that
 * leave nothing: the parent opens /etc/passwd, forks a child that opens
 * /etc/hostname and exits, runs /bin/true twice, and exits.  Prints
 * "parent P child C". */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void wait_for(pid_t pid)
{
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
        exit(1);
}

int main(void)
{
    /* close-on-exec: /bin/true gets nothing of it */
    if (open("/etc/passwd", O_RDONLY | O_CLOEXEC) < 0)
        return 1;
    pid_t child = fork();
    if (child == 0) {
        if (open("/etc/hostname", O_RDONLY) < 0)
            _exit(1);
        exit(0);
    }
    wait_for(child);
    for (int i = 0; i < 2; i++) {
        pid_t clean = fork();
        if (clean == 0) {
            execl("/bin/true", "true", (char *)NULL);
            _exit(127);
        }
        wait_for(clean);
    }
    printf("parent %d child %d\n", (int)getpid(), (int)child);
    return 0;
}
