/* Where the process stands (start_state.c).  BORROWED: a forked child
 * reading its parent's registry (region_file.h) until its first
 * acquisition. */
#ifndef EXITGUARD_START_STATE_H
#define EXITGUARD_START_STATE_H

#include <stdatomic.h>
#include <stdint.h>

enum { EG_UNINITIALISED, EG_INITIALISING, EG_READY, EG_BROKEN, EG_BORROWED };
extern _Atomic int eg_init_state;

/* Whether the registry exists yet: before the first acquisition it does
 * not, and there is nothing to report or clean up. */
static inline int eg_materialised(void)
{
    return atomic_load_explicit(&eg_init_state, memory_order_acquire) == EG_READY;
}

/* Materialised, or a forked child's borrowed view of its parent's
 * registry (region_file.h): there is a registry to read. */
int eg_registry_readable(void);

/* A borrowing child's registry made its own: copied, then its records
 * put back as they were at the fork.  1 when the process has a registry
 * of its own after it. */
int eg_own_borrowed(void);

/* Waits out another thread making the registry; whether it is ready. */
int eg_wait_for_start(void);

/* The argv the constructor was given (noted there), as NUL-separated
 * strings cut to fit `max` bytes; returns the length used. */
void eg_note_start_argv(int argc, char **argv);
uint32_t eg_pack_start_argv(char *to, uint32_t max);
/* The same, as given (NULL before the constructor). */
char **eg_start_argv(int *argc);

#endif
