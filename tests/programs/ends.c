/* Leaks one fd, then ends the way argv[1] says with status argv[2]:
 * return, exit, _exit, _Exit, quick_exit; or closes it on the way out
 * (atexit-close, destructor-close) so that nothing is leaked. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fd = -1;

static void close_at_exit(void) { close(fd); }

static int closing_destructor;
__attribute__((destructor)) static void close_in_destructor(void)
{
    if (closing_destructor)
        close(fd);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 100;
    const char *how = argv[1];
    int code = atoi(argv[2]);
    fd = open("/etc/passwd", O_RDONLY);
    printf("fd %d\n", fd);
    fflush(stdout);
    if (strcmp(how, "exit") == 0)
        exit(code);
    if (strcmp(how, "_exit") == 0)
        _exit(code);
    if (strcmp(how, "_Exit") == 0)
        _Exit(code);
    if (strcmp(how, "quick_exit") == 0)
        quick_exit(code);
    if (strcmp(how, "atexit-close") == 0)
        atexit(close_at_exit);
    if (strcmp(how, "destructor-close") == 0)
        closing_destructor = 1;
    return code;
}
