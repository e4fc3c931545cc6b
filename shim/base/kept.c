/* The copies go beside the statics written at start and around each fork
 * (fork_state.h), whose page every process writes anyway: a buffer of
 * their own cost every process a page fault each, and every forked child
 * that execs another one more to read them back. */
#include "kept.h"

#include <string.h>

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
    /* the library's own memcpy (memcpy.c): no lazy binding at start */
    memcpy(to, s, len);
    to[len] = 0;
    return to;
}
