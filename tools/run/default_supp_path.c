#define _GNU_SOURCE
#include "default_supp_path.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "messages.h"

static char *regular_file(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        return strdup(path);
    return NULL;
}

char *find_default_suppressions(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        complain("default suppressions not used: /proc/self/exe is not readable");
        return NULL;
    }
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0'; /* the kernel's answer is absolute */
    char beside[PATH_MAX + 32], installed[PATH_MAX + 64];
    snprintf(beside, sizeof beside, "%s/" DEFAULT_SUPP_NAME, exe);
    snprintf(installed, sizeof installed, "%s/../share/exitguard/" DEFAULT_SUPP_NAME, exe);
    char *found = regular_file(beside);
    if (!found)
        found = regular_file(installed);
#ifdef EXITGUARD_DATADIR
    if (!found)
        found = regular_file(EXITGUARD_DATADIR "/exitguard/" DEFAULT_SUPP_NAME);
    const char *configured = " and " EXITGUARD_DATADIR "/exitguard/" DEFAULT_SUPP_NAME;
#else
    const char *configured = "";
#endif
    if (!found)
        complain("default suppressions not found (looked for %s, %s%s): running without them",
                 beside, installed, configured);
    return found;
}
