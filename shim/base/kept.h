/* Strings every process keeps from its start: its LD_PRELOAD and
 * EXITGUARD_OPTIONS entries (exec.c puts them back for the programs it
 * runs), and the option values parsed from the latter (options.c). */
#ifndef EXITGUARD_KEPT_H
#define EXITGUARD_KEPT_H

#include <stddef.h>

/* A NUL-terminated copy of the len bytes at s: packed beside the other
 * statics written at start (fork_state.h) while there is room, else in
 * `own` (own_size bytes); NULL when it fits neither (never cut). */
const char *eg_keep(const char *s, size_t len, char *own, size_t own_size);

#endif
