#define _GNU_SOURCE
#include "real.h"

#include <dlfcn.h>
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
    _exit(127);
}
