/* An fd acquired in code the compiler inlined: built -O2 -rdynamic (and
 * stripped, as inlined_stripped).  open_config is inlined into
 * read_settings, itself inlined into load_settings; load_settings is a
 * real function, called from main.  Also leaks a FILE* from fopen in
 * main.  Prints "open_config L1 read_settings L2 load_settings L3
 * fopen L4": the line of each call.  With an argument, then dies of
 * SIGKILL ("kill": no report, a post-mortem) or SIGABRT ("abort": the
 * report written in the signal handler). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static int lines[4];

static inline __attribute__((always_inline)) int open_config(const char *path)
{
    lines[0] = __LINE__; return open(path, O_RDONLY);
}

static inline __attribute__((always_inline)) int read_settings(void)
{
    lines[1] = __LINE__; int fd = open_config("/etc/passwd");
    if (fd < 0)
        perror("open");
    return fd;
}

__attribute__((noinline)) int load_settings(void)
{
    lines[2] = __LINE__; int fd = read_settings();
    __asm__ volatile("" ::: "memory"); /* no tail call: a frame of its own */
    return fd;
}

int main(int argc, char **argv)
{
    int fd = load_settings();
    lines[3] = __LINE__; FILE *f = fopen("/etc/group", "r");
    printf("open_config %d read_settings %d load_settings %d fopen %d\n", lines[0], lines[1],
           lines[2], lines[3]);
    fflush(stdout);
    if (argc > 1)
        raise(strcmp(argv[1], "kill") == 0 ? SIGKILL : SIGABRT);
    return fd < 0 || !f;
}
