/* A child whose main thread has left (pthread_exit) while another thread
 * keeps the process, holding an fd: /proc/PID/stat is the main thread's,
 * and says zombie.  The parent returns once it says so. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void *keep(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static char state_of(pid_t pid)
{
    char path[64], text[512] = "";
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
    if (fd >= 0)
        close(fd);
    text[n > 0 ? n : 0] = 0;
    char *paren = strrchr(text, ')');
    return paren && paren[1] ? paren[2] : '?';
}

int main(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_RDONLY);
        printf("child %d holds fd %d\n", (int)getpid(), fd);
        fflush(stdout);
        pthread_t t;
        pthread_create(&t, NULL, keep, NULL);
        pthread_exit(NULL);
    }
    while (state_of(pid) != 'Z')
        usleep(1000);
    return 0;
}
