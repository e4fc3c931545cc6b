/* vfork as vfork: the child borrows the parent's memory and stack until
 * it execs or exits, so nothing of ours may live on the stack across the
 * system call -- the child returns and runs over it.  The return address
 * waits in thread-local storage (eg_vfork.return_address), which the child only
 * reads: its thread's TLS is the parent thread's, and that thread sleeps
 * in vfork until the child is gone.  Signals are blocked from before the
 * address is stored until each side is itself again (as glibc's
 * posix_spawn does): a handler must not find the parent half way, nor
 * vfork again over the stored address.  The child runs in "vfork child"
 * mode (shim/record/vfork.c): the reentrancy flag raised, so every interposer
 * passes straight through, but exec still reports.  The parent, once
 * resumed, puts the return address back on the stack, builds a frame (so
 * that the child's record gets the program's call site) and records the
 * child.
 *
 * A vfork inside a vfork child (POSIX allows only exec and _exit there)
 * must not overwrite the saved address: it is done as glibc does, the
 * return address held in a register the system call keeps. */
/* offsetof(struct eg_vfork_thread, in_child); return_address is at 0 */
#define EG_VFORK_IN_CHILD 16
    .text
    .globl vfork
    .type vfork, @function
vfork:
    .cfi_startproc
    endbr64
    movq eg_vfork@gottpoff(%rip), %rcx /* struct eg_vfork_thread (vfork.h) */
    cmpl $0, %fs:EG_VFORK_IN_CHILD(%rcx)
    jne .Lnested
    subq $8, %rsp /* a call needs the stack 16-aligned */
    .cfi_adjust_cfa_offset 8
    call eg_exec_prepare_children /* in the parent, before the child shares it */
    call eg_vfork_child_begin
    addq $8, %rsp
    .cfi_adjust_cfa_offset -8
    movq eg_vfork@gottpoff(%rip), %rcx
    popq %fs:(%rcx)
    .cfi_adjust_cfa_offset -8
    .cfi_undefined rip
    movl $58, %eax /* SYS_vfork */
    syscall
    testl %eax, %eax
    jz .Lchild
    /* the parent (or a failed call): back to an ordinary frame */
    .cfi_remember_state
    movq eg_vfork@gottpoff(%rip), %rcx
    pushq %fs:(%rcx)
    .cfi_adjust_cfa_offset 8
    .cfi_offset rip, -8
    pushq %rbp
    .cfi_adjust_cfa_offset 8
    .cfi_offset rbp, -16
    movq %rsp, %rbp
    .cfi_def_cfa_register rbp
    movl %eax, %edi
    call eg_vfork_parent
    popq %rbp
    .cfi_def_cfa rsp, 8
    .cfi_restore rbp
    ret
    .cfi_restore_state
.Lchild:
    call eg_vfork_child_runs /* its signal mask back */
    movq eg_vfork@gottpoff(%rip), %rcx
    xorl %eax, %eax
    jmp *%fs:(%rcx)
.Lnested:
    .cfi_def_cfa rsp, 8
    .cfi_offset rip, -8
    popq %rdx
    .cfi_def_cfa rsp, 0
    .cfi_register rip, rdx
    movl $58, %eax
    syscall
    pushq %rdx
    .cfi_def_cfa rsp, 8
    .cfi_offset rip, -8
    cmpl $-4095, %eax
    jae .Lnested_failed
    ret
.Lnested_failed:
    movl %eax, %edi
    jmp eg_vfork_failed
    .cfi_endproc
    .size vfork, .-vfork

/* void eg_call_on_stack(void (*fn)(void *), void *arg, void *top): runs
 * fn(arg) on the stack that ends at `top` (16-aligned) -- a vfork child
 * borrowing a thread's small stack writes its exec report on one of its
 * own (vfork.c). */
    .globl eg_call_on_stack
    .hidden eg_call_on_stack
    .type eg_call_on_stack, @function
eg_call_on_stack:
    .cfi_startproc
    endbr64
    pushq %rbp
    .cfi_adjust_cfa_offset 8
    .cfi_offset rbp, -16
    movq %rsp, %rbp
    .cfi_def_cfa_register rbp
    movq %rdx, %rsp
    movq %rdi, %rax
    movq %rsi, %rdi
    call *%rax
    movq %rbp, %rsp
    .cfi_def_cfa_register rsp
    popq %rbp
    .cfi_adjust_cfa_offset -8
    .cfi_restore rbp
    ret
    .cfi_endproc
    .size eg_call_on_stack, .-eg_call_on_stack

    .section .note.GNU-stack, "", @progbits
