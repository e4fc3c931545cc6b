/* glibc's own entries behind pthread_atfork and at_quick_exit.  Those two
 * are stubs in libc_nonshared.a that hand the caller's __dso_handle on;
 * linked into us they sat alone on the last page of our text, which every
 * process then faulted in at start for them (PITFALLS.md).  The entries are
 * glibc's ABI: __register_atfork is in the LSB, __cxa_at_quick_exit is what
 * libstdc++ calls. */
#ifndef EXITGUARD_LIBC_ENTRIES_H
#define EXITGUARD_LIBC_ENTRIES_H

/* Called at start in every process: through the GOT (noplt), bound with
 * the other relocations at load, not by a lazy binding's trampoline (which
 * saves and restores the vector registers: some 130 instructions more for
 * each, callgrind). */
extern void *__dso_handle __attribute__((visibility("hidden")));
__attribute__((noplt)) int __register_atfork(void (*prepare)(void), void (*parent)(void),
                                             void (*child)(void), void *dso);
__attribute__((noplt)) int __cxa_at_quick_exit(void (*fn)(void), void *dso);
__attribute__((noplt)) int on_exit(void (*fn)(int status, void *arg), void *arg);

#define eg_atfork(prepare, parent, child) __register_atfork(prepare, parent, child, __dso_handle)
#define eg_at_quick_exit(fn) __cxa_at_quick_exit(fn, __dso_handle)

#endif
