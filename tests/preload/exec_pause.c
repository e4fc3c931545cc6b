/* A library preloaded after exitguard that holds an exec open: its execve
 * (the next one exitguard's calls) tells the test through fd
 * $EXEC_PAUSE_FD that the exec has begun, then waits for a signal before
 * going on -- the window between exitguard's exec report and the new
 * image, made as wide as a test needs, with no knob in the library. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

int execve(const char *path, char *const argv[], char *const envp[])
{
    const char *fd = getenv("EXEC_PAUSE_FD");
    if (fd) {
        if (write(atoi(fd), "x", 1) == 1)
            pause();
    }
    int (*next)(const char *, char *const[], char *const[]) =
        (int (*)(const char *, char *const[], char *const[]))dlsym(RTLD_NEXT, "execve");
    return next(path, argv, envp);
}
