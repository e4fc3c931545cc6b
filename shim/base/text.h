/* String work that calls no libc: for what every process runs at start and
 * end and a shell's forked child runs before exec, where each libc call was
 * one more lazy binding or a page of libc's text of its own (PITFALLS.md;
 * the build keeps GCC from turning the loop back into strlen). */
#ifndef EXITGUARD_TEXT_H
#define EXITGUARD_TEXT_H

#include <stddef.h>
#include <stdint.h>

static inline size_t eg_text_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* v in decimal at p, NUL-terminated; returns the NUL's place. */
static inline char *eg_text_u64(char *p, uint64_t v)
{
    char digits[20];
    int n = 0;
    do
        digits[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        *p++ = digits[--n];
    *p = 0;
    return p;
}

#endif
