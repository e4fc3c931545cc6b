/* Reentrancy and errno discipline shared by every interposer.
 *
 * A call made while the library itself is working (libunwind opening files,
 * dlopen of libdw, the report reading /proc) must pass straight through to
 * libc: it is ours, not the program's.  The flag is initial-exec TLS so that
 * reading it never calls __tls_get_addr (which may allocate). */
#ifndef EXITGUARD_GUARD_H
#define EXITGUARD_GUARD_H

#include <errno.h>

#define EG_EXPORT __attribute__((visibility("default")))

extern __thread int eg_busy __attribute__((tls_model("initial-exec")));

/* Enter library code; returns 0 when already inside (the caller must then
 * only forward the call). */
static inline int eg_enter(void)
{
    if (eg_busy)
        return 0;
    eg_busy = 1;
    return 1;
}

static inline void eg_leave(void) { eg_busy = 0; }

#endif
