/* The C side of vfork (vfork_x86_64.S): the mode a vfork child runs in
 * while it shares its parent's memory, and the parent's record of it.
 *
 * In the child, exitguard writes nothing the parent would read as its
 * own: the reentrancy flag is raised, so its close and dup2 pass straight
 * to libc and its _exit reports nothing; only exec speaks, computing its
 * report from the parent's registry read-only and writing it under the
 * child's pid (report.c, exec.c).  What the child puts in place with dup2
 * for the new program is noted here, in the borrowed thread's TLS, which
 * the parent resets before its next vfork. */
#define _GNU_SOURCE
#include "vfork.h"

#include "guard.h"
#include "region.h"

__thread int eg_in_vfork_child __attribute__((tls_model("initial-exec")));
__thread void *eg_vfork_return __attribute__((tls_model("initial-exec")));
static __thread int busy_before __attribute__((tls_model("initial-exec")));
static __thread int passed[EG_VFORK_PASSED] __attribute__((tls_model("initial-exec")));
static __thread unsigned npassed __attribute__((tls_model("initial-exec")));

void eg_vfork_child_begin(void)
{
    busy_before = eg_busy;
    eg_busy = 1;
    npassed = 0;
    if (eg_region)
        eg_fork_seq = atomic_load_explicit(&eg_region->seq, memory_order_acquire);
    eg_in_vfork_child = 1; /* read only by the child: we sleep meanwhile */
}

void eg_vfork_child_end(void)
{
    eg_in_vfork_child = 0;
    eg_busy = busy_before;
}

void eg_vfork_child_passed(int fd)
{
    if (npassed < EG_VFORK_PASSED)
        passed[npassed++] = fd;
}

int eg_vfork_child_passes(int fd)
{
    for (unsigned i = 0; i < npassed; i++)
        if (passed[i] == fd)
            return 1;
    return 0;
}
