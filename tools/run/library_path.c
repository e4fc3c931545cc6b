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

/* LIBDIR as seen from PREFIX/bin, where the command is installed: a tree
 * that was moved (dpkg -x into a scratch root, a DESTDIR staging copy)
 * still finds its own library, in lib or a multiarch lib/<triplet>. */
static const char *libdir_under_prefix(void)
{
#if defined EXITGUARD_LIBDIR && defined EXITGUARD_PREFIX
    size_t n = strlen(EXITGUARD_PREFIX);
    if (strncmp(EXITGUARD_LIBDIR, EXITGUARD_PREFIX, n) == 0 && EXITGUARD_LIBDIR[n] == '/')
        return EXITGUARD_LIBDIR + n + 1;
#endif
    return "lib";
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

    char beside[PATH_MAX + 32], installed[2 * PATH_MAX];
    snprintf(beside, sizeof beside, "%s/" LIBRARY_NAME, exe);
    snprintf(installed, sizeof installed, "%s/../%s/" LIBRARY_NAME, exe, libdir_under_prefix());
    char *found = regular_file(beside);
    if (!found)
        found = regular_file(installed);
#ifdef EXITGUARD_LIBDIR
    /* an install whose LIBDIR is not under PREFIX */
    if (!found)
        found = regular_file(EXITGUARD_LIBDIR "/" LIBRARY_NAME);
#endif
#ifdef EXITGUARD_LIBDIR
    const char *configured = " and " EXITGUARD_LIBDIR "/" LIBRARY_NAME;
#else
    const char *configured = "";
#endif
    if (!found)
        complain("cannot find " LIBRARY_NAME " (looked for %s, %s%s): running the command "
                 "without it", beside, installed, configured);
    return found;
}
