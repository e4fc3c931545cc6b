#define _GNU_SOURCE
#include "self_exe.h"
#include "fork_state.h"
#include "raw_syscall.h"

#include <unistd.h>

EG_HOT_TEXT const char *eg_self_exe(void)
{
    static char path[1024];
    if (!path[0]) {
        /* in place: libc's readlink is a page of text of its own */
        long n = eg_raw_syscall(SYS_readlink, (long)"/proc/self/exe", (long)path,
                                sizeof path - 1, 0);
        path[n > 0 ? n : 0] = 0;
    }
    return path;
}
