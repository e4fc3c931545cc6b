#include "sort.h"

#include <sys/mman.h>

static void sift(uint64_t *a, unsigned n, unsigned i)
{
    for (;;) {
        unsigned big = i, l = 2 * i + 1, r = l + 1;
        if (l < n && a[l] > a[big])
            big = l;
        if (r < n && a[r] > a[big])
            big = r;
        if (big == i)
            return;
        uint64_t t = a[i];
        a[i] = a[big];
        a[big] = t;
        i = big;
    }
}

void eg_sort_u64(uint64_t *a, unsigned n)
{
    for (unsigned i = n / 2; i-- > 0;)
        sift(a, n, i);
    for (unsigned m = n; m > 1; m--) {
        uint64_t t = a[0];
        a[0] = a[m - 1];
        a[m - 1] = t;
        sift(a, m - 1, 0);
    }
}

static size_t bytes_for(unsigned n)
{
    return ((size_t)(n ? n : 1) * sizeof(uint64_t) + 4095) & ~(size_t)4095;
}

uint64_t *eg_keys_get(unsigned n)
{
    void *p = mmap(0, bytes_for(n), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? 0 : p;
}

void eg_keys_put(uint64_t *keys, unsigned n)
{
    if (keys)
        munmap(keys, bytes_for(n));
}
