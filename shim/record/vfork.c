/* The C side of vfork (vfork_x86_64.S): the mode a vfork child runs in
 * while it shares its parent's memory.
 *
 * In the child, exitguard writes nothing the parent would read as its
 * own, and nothing a thread of the parent may be using: all the child's
 * state is here, in the borrowed thread's TLS, which the parent thread
 * does not touch until the child is gone (its other threads have TLS of
 * their own).  The reentrancy flag is raised, so its close and dup2 pass
 * straight to libc; only exec speaks, computing its report from the
 * parent's registry read-only and writing it under the child's pid
 * (report.c, exec.c).  What the child puts in place for the new program
 * (dup2, FD_CLOEXEC cleared) is noted here; a mapping it makes for the
 * new environment is the parent's to unmap (the exec never returns). */
#define _GNU_SOURCE
#include "vfork.h"

#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guard.h"
#include "region.h"
#include "verdicts.h"

#define TLS __attribute__((tls_model("initial-exec")))
__thread struct eg_vfork_thread eg_vfork TLS;
_Static_assert(offsetof(struct eg_vfork_thread, return_address) == 0 &&
                   offsetof(struct eg_vfork_thread, in_child) == 16,
               "the offsets vfork_x86_64.S reads");
enum { MAPPED = 4 }; /* an exec maps its argv and its environment at most */
static __thread struct {
    int busy_before;
    /* The block changed the mask: a shell blocks every signal itself
     * around vfork (dash), and then neither side has a mask to give
     * back -- two system calls a command fewer. */
    int mask_changed;
    sigset_t mask_before;
    int passed[EG_VFORK_PASSED];
    unsigned npassed;
    unsigned nmapped;
    void *mapped[MAPPED];
    size_t mapped_len[MAPPED];
} child TLS;

/* The parent's: the child's exec either never returned or gave up. */
static void unmap_all(void)
{
    for (unsigned i = 0; i < child.nmapped; i++)
        munmap(child.mapped[i], child.mapped_len[i]);
    child.nmapped = 0;
}

void eg_vfork_child_begin(void)
{
    sigset_t all;
    sigfillset(&all);
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, &child.mask_before, _NSIG / 8);
    /* the kernel's 64 signals, as one word each; it blocks neither of
     * these two whatever we ask */
    uint64_t asked, had;
    memcpy(&asked, &all, sizeof asked);
    memcpy(&had, &child.mask_before, sizeof had);
    uint64_t unblockable = 1ull << (SIGKILL - 1) | 1ull << (SIGSTOP - 1);
    child.mask_changed = (asked & ~had & ~unblockable) != 0;
    eg_verdicts_prepare(); /* for the child's exec look to keep what it finds */
    child.busy_before = eg_busy;
    eg_busy = 1;
    child.npassed = 0;
    child.nmapped = 0;
    eg_vfork.reported = 0;
    eg_vfork.seq = eg_region_seq_now();
    eg_vfork.in_child = 1; /* read only by the child: we sleep meanwhile */
}

void eg_vfork_child_runs(void)
{
    if (child.mask_changed)
        syscall(SYS_rt_sigprocmask, SIG_SETMASK, &child.mask_before, 0, _NSIG / 8);
}

void eg_vfork_child_end(void)
{
    eg_vfork.in_child = 0;
    eg_busy = child.busy_before;
    unmap_all();
    if (child.mask_changed)
        syscall(SYS_rt_sigprocmask, SIG_SETMASK, &child.mask_before, 0, _NSIG / 8);
}

void eg_vfork_child_passed(int fd)
{
    if (child.npassed < EG_VFORK_PASSED)
        child.passed[child.npassed++] = fd;
}

int eg_vfork_child_passes(int fd)
{
    for (unsigned i = 0; i < child.npassed; i++)
        if (child.passed[i] == fd)
            return 1;
    return 0;
}

int eg_vfork_child_mapped(void *p, size_t len)
{
    if (child.nmapped == MAPPED)
        return 0;
    child.mapped[child.nmapped] = p;
    child.mapped_len[child.nmapped++] = len;
    return 1;
}

