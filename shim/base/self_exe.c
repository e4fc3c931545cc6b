#define _GNU_SOURCE
#include "self_exe.h"
#include "fork_state.h"
#include "raw_syscall.h"

#include <unistd.h>

static char kept[1024];
EG_FORK_STATE static int is_kept; /* read first: kept's page may be untouched */

/* in place: libc's readlink is a page of text of its own */
EG_HOT_TEXT static void read_exe(char *buf, size_t size)
{
    long n = eg_raw_syscall(SYS_readlink, (long)"/proc/self/exe", (long)buf, (long)size - 1, 0);
    buf[n > 0 ? n : 0] = 0;
}

EG_HOT_TEXT const char *eg_self_exe_into(char *buf, size_t size)
{
    if (__atomic_load_n(&is_kept, __ATOMIC_ACQUIRE))
        return kept;
    read_exe(buf, size);
    return buf;
}

const char *eg_self_exe(void)
{
    if (!__atomic_load_n(&is_kept, __ATOMIC_ACQUIRE)) {
        read_exe(kept, sizeof kept);
        __atomic_store_n(&is_kept, 1, __ATOMIC_RELEASE); /* kept is whole before */
    }
    return kept;
}
