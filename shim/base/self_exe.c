#define _GNU_SOURCE
#include "self_exe.h"
#include "fork_state.h"

#include <unistd.h>

EG_HOT_TEXT const char *eg_self_exe(void)
{
    static char path[1024];
    if (!path[0]) {
        ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
        path[n > 0 ? n : 0] = 0;
    }
    return path;
}
