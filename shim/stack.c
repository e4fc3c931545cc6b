#define _GNU_SOURCE
#include "stack.h"

#include <dlfcn.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#include "depot.h"
#include "options.h"
#include "region.h"

enum { NOT_LOADED, LOADING, LOADED, UNAVAILABLE };
static _Atomic int state = NOT_LOADED;
static int (*backtrace_fn)(void **, int);
static uintptr_t own_start, own_end; /* libexitguard's text, to skip */

void eg_stack_init(void)
{
    struct dl_find_object obj;
    if (_dl_find_object((void *)eg_stack_init, &obj) == 0) {
        own_start = (uintptr_t)obj.dlfo_map_start;
        own_end = (uintptr_t)obj.dlfo_map_end;
    }
}

/* The unwinder is libgcc's (through glibc's backtrace, which loads
 * libgcc_s on first use), not libunwind: libunwind 1.6.2 keeps a pipe open
 * for the life of the process and reads and writes it while unwinding --
 * a program that closes all its fds and reuses the number would lose
 * bytes to it (PITFALLS.md).  libgcc's unwinder keeps no fd, takes no lock
 * (it finds unwind tables with _dl_find_object) and costs the same. */
static void load(void)
{
    /* libc's own backtrace, even if the program links a library (such as
     * libunwind) that exports another */
    void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    backtrace_fn = libc ? (int (*)(void **, int))dlsym(libc, "backtrace") : 0;
    if (!backtrace_fn) {
        atomic_store(&state, UNAVAILABLE);
        return;
    }
    void *warm[4];
    backtrace_fn(warm, 4); /* dlopens libgcc_s: here, once, not mid-capture */
    atomic_store(&state, LOADED);
}

unsigned eg_stack_capture(uint64_t *pcs, unsigned max)
{
    int s = atomic_load_explicit(&state, memory_order_acquire);
    if (s == NOT_LOADED) {
        int expected = NOT_LOADED;
        if (atomic_compare_exchange_strong(&state, &expected, LOADING))
            load();
    }
    /* Another thread is loading: it takes milliseconds at most, once. */
    while ((s = atomic_load_explicit(&state, memory_order_acquire)) == LOADING)
        sched_yield();
    if (s != LOADED)
        return 0;

    void *raw[EG_MAX_FRAMES + 8];
    unsigned want = max + 8 < sizeof raw / sizeof raw[0] ? max + 8
                                                         : sizeof raw / sizeof raw[0];
    int n = backtrace_fn(raw, (int)want);
    unsigned skip = 0;
    while (skip < (unsigned)n && (uintptr_t)raw[skip] >= own_start &&
           (uintptr_t)raw[skip] < own_end)
        skip++;
    unsigned depth = 0;
    for (unsigned i = skip; i < (unsigned)n && depth < max; i++)
        pcs[depth++] = (uint64_t)(uintptr_t)raw[i];
    return depth;
}

uint32_t eg_stack_here(void)
{
    unsigned max = (unsigned)eg_options.stack_depth;
    if (!max)
        return 0;
    uint64_t pcs[EG_MAX_FRAMES];
    return eg_depot_put(pcs, eg_stack_capture(pcs, max));
}
