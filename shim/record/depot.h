/* Stack depot: each distinct call stack stored once, named by a 32-bit id
 * (its offset in the region; 0 means "no stack").  Lock-free: inserting
 * never waits, so it may run in any thread at any time. */
#ifndef EXITGUARD_DEPOT_H
#define EXITGUARD_DEPOT_H

#include <stdint.h>

/* Call once after the region exists; returns 0 on failure. */
int eg_depot_init(void);

uint32_t eg_depot_put(const uint64_t *pcs, unsigned depth);

/* Frames of stack `id`; returns the depth (0 for id 0 or a bad id). */
unsigned eg_depot_get(uint32_t id, const uint64_t **pcs);

#endif
