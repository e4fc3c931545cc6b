/* A directory of the fuzz target's own on tmpfs, and one file in it
 * rewritten by every execution: the readers take paths, as the command
 * gives them. */
#ifndef EXITGUARD_FUZZ_SCRATCH_H
#define EXITGUARD_FUZZ_SCRATCH_H

#include <stddef.h>

/* The directory, made on first use and removed at exit. */
const char *scratch_dir(void);

/* `name` in the directory holding exactly these bytes; its path
 * (static). */
const char *scratch_file(const char *name, const void *data, size_t size);

/* Removes every file in the directory. */
void scratch_clear(void);

#endif
