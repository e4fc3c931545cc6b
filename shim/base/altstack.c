#define _GNU_SOURCE
#include "altstack.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

/* libunwind alone used ~12 KiB cold (PITFALLS.md); the report writer keeps
 * its buffer on the stack too. */
enum { GUARD = 4096, SIZE = 64 * 1024 };

void *eg_altstack_give(void)
{
    stack_t old;
    if (sigaltstack(0, &old) != 0 || !(old.ss_flags & SS_DISABLE))
        return 0; /* the program set its own, or we are running on one */
    char *map = mmap(0, GUARD + SIZE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (map == MAP_FAILED)
        return 0;
    mprotect(map, GUARD, PROT_NONE); /* stacks grow down: overflow faults */
    stack_t ss = {.ss_sp = map + GUARD, .ss_size = SIZE, .ss_flags = 0};
    if (sigaltstack(&ss, 0) != 0) {
        munmap(map, GUARD + SIZE);
        return 0;
    }
    return map;
}

void eg_altstack_take_back(void *mapping)
{
    if (!mapping)
        return;
    stack_t cur;
    if (sigaltstack(0, &cur) == 0 && cur.ss_sp == (char *)mapping + GUARD) {
        if (cur.ss_flags & SS_ONSTACK)
            return; /* cannot happen at a thread's end; leave it mapped */
        stack_t off = {.ss_flags = SS_DISABLE};
        sigaltstack(&off, 0);
    }
    munmap(mapping, GUARD + SIZE);
}
