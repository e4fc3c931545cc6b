/* The copies go beside the statics written at start and around each fork
 * (fork_state.h), whose page every process writes anyway: a buffer of
 * their own cost every process a page fault each, and every forked child
 * that execs another one more to read them back. */
#include "kept.h"

#include "fork_state.h"

enum { KEPT = 1024 };
EG_FORK_STATE static char kept[KEPT];
EG_FORK_STATE static size_t kept_used;

const char *eg_keep(const char *s, size_t len, char *own, size_t own_size)
{
    char *to = len < KEPT - kept_used ? kept + kept_used : len < own_size ? own : 0;
    if (!to)
        return 0;
    if (to != own)
        kept_used += len + 1;
    /* a loop, not memcpy: at start, libc's would be one more symbol for
     * the loader to bind in every process (a lazy binding is some 700
     * instructions); a word at a time, as moves GCC makes in place */
    size_t i = 0;
    for (; i + 8 <= len; i += 8)
        __builtin_memcpy(to + i, s + i, 8);
    for (; i < len; i++)
        to[i] = s[i];
    to[len] = 0;
    return to;
}
