#include "depot.h"

#include <string.h>

#include "region.h"
#include "region_file.h"

int eg_depot_init(void)
{
    uint64_t off = eg_region_alloc(EG_DEPOT_BUCKETS * sizeof(uint32_t));
    eg_region->depot_buckets = (uint32_t)off;
    return off != 0;
}

static uint32_t hash_stack(const uint64_t *pcs, unsigned depth)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ depth;
    for (unsigned i = 0; i < depth; i++) {
        h ^= pcs[i];
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 33;
    }
    return (uint32_t)(h ^ h >> 32);
}

static struct eg_depot_node *node_at(uint32_t off) { return eg_at(off); }

/* Searches the chain from `from` up to (not including) `until`. */
static uint32_t find(uint32_t from, uint32_t until, uint32_t hash,
                     const uint64_t *pcs, unsigned depth)
{
    for (uint32_t off = from; off && off != until;) {
        struct eg_depot_node *n = node_at(off);
        if (n->hash == hash && n->depth == depth &&
            memcmp(n->pcs, pcs, depth * sizeof *pcs) == 0)
            return off;
        off = atomic_load_explicit(&n->next, memory_order_acquire);
    }
    return 0;
}

/* Nodes are pushed onto their bucket with compare-and-swap; a thread that
 * loses the race re-scans only what was pushed meanwhile, so a stack is
 * never stored twice and nobody waits for anybody. */
uint32_t eg_depot_put(const uint64_t *pcs, unsigned depth)
{
    if (depth == 0 || !eg_region->depot_buckets)
        return 0;
    uint32_t hash = hash_stack(pcs, depth);
    _Atomic uint32_t *bucket = (_Atomic uint32_t *)eg_at(eg_region->depot_buckets) +
                               (hash & (EG_DEPOT_BUCKETS - 1));
    uint32_t head = atomic_load_explicit(bucket, memory_order_acquire);
    uint32_t found = find(head, 0, hash, pcs, depth);
    if (found)
        return found;

    uint64_t off = eg_region_alloc(sizeof(struct eg_depot_node) + depth * sizeof *pcs);
    if (!off) {
        atomic_fetch_add_explicit(&eg_region->depot_full, 1, memory_order_relaxed);
        return 0;
    }
    struct eg_depot_node *n = node_at((uint32_t)off);
    n->hash = hash;
    n->depth = depth;
    memcpy(n->pcs, pcs, depth * sizeof *pcs);
    for (;;) {
        atomic_store_explicit(&n->next, head, memory_order_relaxed);
        uint32_t seen = head;
        if (atomic_compare_exchange_weak_explicit(bucket, &head, (uint32_t)off,
                                                  memory_order_release,
                                                  memory_order_acquire)) {
            eg_region_note_modules(pcs, depth); /* for a post-mortem reader */
            return (uint32_t)off;
        }
        /* `head` is now the newer head; our node is wasted if one of the
         * nodes pushed meanwhile holds the same stack */
        found = find(head, seen, hash, pcs, depth);
        if (found)
            return found;
    }
}

unsigned eg_depot_get(uint32_t id, const uint64_t **pcs)
{
    if (!id || id >= eg_region->size)
        return 0;
    struct eg_depot_node *n = node_at(id);
    *pcs = n->pcs;
    return n->depth <= EG_MAX_FRAMES ? n->depth : 0;
}
