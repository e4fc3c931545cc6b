#include "region.h"

#include <sys/mman.h>

struct eg_region *eg_region;

const char *const eg_via_names[EG_VIA_COUNT] = {
#define EG_VIA(name) #name,
#include "vias.def"
#undef EG_VIA
};

struct eg_region *eg_region_create(void)
{
    void *p = mmap(0, EG_REGION_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return 0;
    /* where transparent huge pages are "always", the first write would
     * fault in and zero 2 MiB in every process */
    madvise(p, EG_REGION_SIZE, MADV_NOHUGEPAGE);
    struct eg_region *r = p;
    r->magic = EG_REGION_MAGIC;
    r->version = EG_REGION_VERSION;
    r->size = EG_REGION_SIZE;
    atomic_init(&r->used, (sizeof *r + 4095) & ~(uint64_t)4095);
    return r;
}

uint64_t eg_region_alloc(uint64_t bytes)
{
    bytes = (bytes + 15) & ~(uint64_t)15;
    uint64_t at = atomic_fetch_add_explicit(&eg_region->used, bytes,
                                            memory_order_relaxed);
    if (at + bytes > eg_region->size)
        return 0; /* leave `used` past the end: every later call fails too */
    return at;
}

uint64_t eg_next_seq(void)
{
    return atomic_fetch_add_explicit(&eg_region->seq, 1, memory_order_relaxed) + 1;
}

void eg_list_push(_Atomic uint32_t *head, uint32_t *link, uint32_t off)
{
    uint32_t old = atomic_load_explicit(head, memory_order_relaxed);
    do
        *link = old; /* the record is not published yet: a plain store */
    while (!atomic_compare_exchange_weak_explicit(head, &old, off, memory_order_release,
                                                  memory_order_relaxed));
}
