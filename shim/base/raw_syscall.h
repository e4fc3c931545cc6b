/* The kernel's calls made in place, not through libc's syscall(): for what
 * a shell's forked child does before it execs.  Fork copies no page table
 * entries of a file mapping, so each page of libc's text the child enters
 * is a fault: syscall() and __errno_location were two pages the child
 * touched for us alone.  errno is left alone: a failure returns -errno. */
#ifndef EXITGUARD_RAW_SYSCALL_H
#define EXITGUARD_RAW_SYSCALL_H

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline long eg_raw_syscall(long n, long a, long b, long c, long d)
{
#ifdef __x86_64__
    register long r10 __asm__("r10") = d;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
                     : "rcx", "r11", "memory");
    return ret;
#else
    int saved = errno;
    long ret = syscall(n, a, b, c, d);
    if (ret == -1)
        ret = -errno;
    errno = saved;
    return ret;
#endif
}

#endif
