/* Sorting without malloc, for the exit sequence and the report (which may
 * run in a signal handler): keys in an mmap'd array. */
#ifndef EXITGUARD_SORT_H
#define EXITGUARD_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Ascending, in place (heapsort: no recursion, no extra memory). */
void eg_sort_u64(uint64_t *a, unsigned n);

/* An array of n keys from mmap (NULL when none could be mapped); give it
 * back with eg_keys_put(keys, n). */
uint64_t *eg_keys_get(unsigned n);
void eg_keys_put(uint64_t *keys, unsigned n);

#endif
