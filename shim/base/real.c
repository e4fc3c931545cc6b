#define _GNU_SOURCE
#include "real.h"

#include <dlfcn.h>
#include <signal.h>
#include <unistd.h>

void *eg_real_symbol(const char *name, void *fallback)
{
    void *fn = dlsym(RTLD_NEXT, name);
    if (fn)
        return fn;
    if (fallback)
        return fallback;
    /* No next definition means libc itself lacks the symbol we interpose,
     * which cannot happen for a program that called it; dying loudly beats
     * jumping to NULL. */
    static const char msg[] = "exitguard: cannot resolve a libc symbol; aborting\n";
    (void)!write(2, msg, sizeof msg - 1);
    syscall(SYS_exit_group, 127);
    __builtin_unreachable();
}

struct eg_real_fns eg_real;

void eg_real_resolve(void)
{
    eg_real.sigaction = eg_real_symbol("sigaction", 0);
    eg_real._exit = eg_real_symbol("_exit", 0);
}

void eg_real_resolve_for_children(void)
{
    if (__atomic_load_n(&eg_real.execve, __ATOMIC_RELAXED))
        return;
    __atomic_store_n(&eg_real.exit, (void (*)(int))eg_real_symbol("exit", 0), __ATOMIC_RELAXED);
    __atomic_store_n(&eg_real.execve,
                     (int (*)(const char *, char *const[], char *const[]))eg_real_symbol("execve", 0),
                     __ATOMIC_RELAXED);
}
