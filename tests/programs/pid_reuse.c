/* Two processes with one pid in one run (tests/e2e_endings.c): child A
 * hands an fd to /bin/true and is reaped; once the clock has ticked (the
 * start time is in clock ticks), child B is made to get A's pid through
 * /proc/sys/kernel/ns_last_pid (root only) and exits holding a file.
 * Prints "pid P" and how many forks it took to get it, or "no reuse" when
 * the pid could not be had. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

/* a failed fork (-1) is not waited for: waitpid would fail forever */
static void wait_for(pid_t pid)
{
    int status;
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
}

static void next_tick(int ticks)
{
    struct tms t;
    clock_t start = times(&t);
    while (times(&t) - start < ticks)
        ;
}

int main(void)
{
    pid_t a = fork();
    if (a == 0) {
        open("/etc/hostname", O_RDONLY); /* no O_CLOEXEC: handed to /bin/true */
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    if (a < 0)
        return 1;
    wait_for(a);
    next_tick(3);
    for (int tries = 0; tries < 20; tries++) {
        FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "w");
        if (!f || fprintf(f, "%d", (int)a - 1) < 0 || fclose(f) != 0)
            break;
        pid_t b = fork();
        if (b == 0) {
            if (getpid() == a)
                open("/etc/passwd", O_RDONLY);
            _exit(0);
        }
        if (b < 0)
            break;
        wait_for(b);
        if (b == a) { /* each miss (the pid taken first by another process
                       * of the machine) was one more process of the run */
            printf("pid %d\nforks %d\n", (int)a, tries + 1);
            return 0;
        }
    }
    printf("no reuse\n");
    return 0;
}
