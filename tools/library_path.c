#define _GNU_SOURCE
#include "library_path.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "messages.h"

#define LIBRARY_NAME "libexitguard.so"

/* realpath, so that LD_PRELOAD holds a path that still works after the
 * command changes directory, and that shows no "..". */
static char *regular_file(const char *path)
{
    struct stat st;
    char *real = realpath(path, NULL);
    if (real && stat(real, &st) == 0 && S_ISREG(st.st_mode))
        return real;
    free(real);
    return NULL;
}

char *find_library(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        complain("cannot find " LIBRARY_NAME ": /proc/self/exe is not readable");
        return NULL;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    *slash = '\0'; /* the kernel's answer is absolute: there is a slash */

    char beside[PATH_MAX + 32], installed[PATH_MAX + 32];
    snprintf(beside, sizeof beside, "%s/" LIBRARY_NAME, exe);
    snprintf(installed, sizeof installed, "%s/../lib/" LIBRARY_NAME, exe);
    char *found = regular_file(beside);
    if (!found)
        found = regular_file(installed);
#ifdef EXITGUARD_LIBDIR
    /* an install whose LIBDIR is not PREFIX/lib (lib64, a multiarch dir) */
    if (!found)
        found = regular_file(EXITGUARD_LIBDIR "/" LIBRARY_NAME);
#endif
    if (!found)
        complain("cannot find " LIBRARY_NAME ": looked for %s and %s", beside, installed);
    return found;
}
