/* vfork child mode (vfork.c). */
#ifndef EXITGUARD_VFORK_H
#define EXITGUARD_VFORK_H

#include <stddef.h>
#include <stdint.h>

enum { EG_VFORK_PASSED = 16 };

/* A thread's vfork, in one thread-local block, as the child's own state
 * in vfork.c: each thread-local variable was one more relocation for the
 * loader in every process (R_X86_64_TPOFF64, some 70 instructions). */
struct eg_vfork_thread {
    void *return_address; /* first: vfork_x86_64.S reads it at offset 0 */
    /* the parent's creation sequence at the vfork (what eg_fork_seq is
     * to a forked child) */
    uint64_t seq;
    int in_child; /* nonzero in a vfork child, until it execs or exits */
    /* the child wrote an exec report: its end, if the exec fails, is told */
    int reported;
};
extern __thread struct eg_vfork_thread eg_vfork __attribute__((tls_model("initial-exec")));

/* Around the system call (vfork_x86_64.S): signals blocked and the mode
 * on, for the child; the child's mask given back in the child; the mode
 * off and the mask back in the parent, once the child has exec'd or
 * exited. */
void eg_vfork_child_begin(void);
void eg_vfork_child_runs(void);
void eg_vfork_child_end(void);

/* The parent's side (processes.c): records the child, or sets errno
 * from a failed call's -errno and returns -1. */
int eg_vfork_parent(int ret);
int eg_vfork_failed(int ret);

/* The child dup2'ed onto fd for the program it is about to exec (the
 * first EG_VFORK_PASSED of them); whether it did. */
void eg_vfork_child_passed(int fd);
int eg_vfork_child_passes(int fd);

/* The child mapped this for its exec: the parent unmaps it (0: no room
 * to note it; the child must not map it). */
int eg_vfork_child_mapped(void *p, size_t len);

#endif
