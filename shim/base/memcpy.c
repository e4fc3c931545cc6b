/* The library's memcpy, hidden: every copy in it -- ours, GCC's for a
 * struct, the unwinder's linked in -- binds here, not to libc's
 * memcpy@GLIBC_2.14, one version more for the loader to check in every
 * process (some 400 instructions, callgrind) and a lazy binding at the
 * first copy.  Not in the unit tests (Makefile: CORE_SRC), nor where a
 * sanitizer must see the copies. */
#include <stddef.h>

#if !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((visibility("hidden"))) void *memcpy(void *restrict to, const void *restrict from,
                                                   size_t n)
{
    void *start = to;
#if defined(__x86_64__)
    __asm__ volatile("rep movsb" : "+D"(to), "+S"(from), "+c"(n) : : "memory");
#else
    char *d = to;
    const char *s = from;
    while (n--)
        *d++ = *s++;
#endif
    return start;
}
#endif
