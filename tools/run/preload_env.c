#define _GNU_SOURCE
#include "preload_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "messages.h"

#define SEPARATORS ": "

int library_path_usable(const char *library)
{
    if (strpbrk(library, SEPARATORS)) {
        complain("cannot preload '%s': LD_PRELOAD cannot hold a path with ':' or a space",
                 library);
        return 0;
    }
    return 1;
}

/* The same file under another name ("build/libexitguard.so", a link) would
 * load the library twice. */
static int same_file(const char *entry, const struct stat *library)
{
    struct stat st;
    return stat(entry, &st) == 0 && st.st_dev == library->st_dev &&
           st.st_ino == library->st_ino;
}

static char *preload_list(const char *library)
{
    const char *old = getenv("LD_PRELOAD");
    size_t size = strlen(library) + (old ? strlen(old) : 0) + 2;
    char *list = malloc(size);
    char *copy = strdup(old ? old : "");
    if (!list || !copy) {
        free(list);
        free(copy);
        return NULL;
    }
    struct stat self;
    int have_self = stat(library, &self) == 0;
    strcpy(list, library);
    char *save;
    for (char *entry = strtok_r(copy, SEPARATORS, &save); entry;
         entry = strtok_r(NULL, SEPARATORS, &save)) {
        if (strcmp(entry, library) == 0 || (have_self && same_file(entry, &self)))
            continue;
        strcat(list, ":");
        strcat(list, entry);
    }
    free(copy);
    return list;
}

int set_preload_env(const char *library, const char *log_dir, const char *token,
                    const char *policy)
{
    char *list = preload_list(library);
    if (!list)
        return -1;
    int failed = setenv("LD_PRELOAD", list, 1);
    free(list);
    if (failed)
        return -1;
    if (!log_dir && !*policy)
        return 0;

    /* exitguard's keys first, the user's after them: theirs win */
    const char *user = getenv("EXITGUARD_OPTIONS");
    char *options;
    if (asprintf(&options, "%s%s%s%s%s%s", log_dir ? "log_dir=" : "", log_dir ? log_dir : "",
                 log_dir ? ":report=json" : "", log_dir && *policy ? ":" : "", policy,
                 user && *user ? ":" : "") < 0)
        return -1;
    /* the run token last: it must win over one in the user's keys (an
     * outer exitguard's), or this run would refuse its own reports */
    char *joined;
    int n = asprintf(&joined, "%s%s%s%s", options, user ? user : "",
                     log_dir && *token ? ":run_token=" : "", log_dir ? token : "");
    free(options);
    if (n < 0)
        return -1;
    failed = setenv("EXITGUARD_OPTIONS", joined, 1);
    free(joined);
    return failed ? -1 : 0;
}
