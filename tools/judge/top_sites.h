/* The sites that leaked most, a short section before the summary's
 * details: in a run of hundreds of processes the few call sites behind
 * most leaks are what to fix first.  The summary's leak groups are the
 * sites (leak_groups.h); this ranks them. */
#ifndef EXITGUARD_TOOLS_TOP_SITES_H
#define EXITGUARD_TOOLS_TOP_SITES_H

#include <stdio.h>

#include "leak_groups.h"

/* Prints up to 10 groups, the user's own sites before a system program's
 * (each of those with the suppression rule that hides it), most leaks first (with how many different
 * stacks reach a site, when more than one), when the leaks came from more
 * than one site and number at least 10; nothing otherwise.  Threads still
 * running are not leaks: left out. */
void print_top_sites(FILE *to, const struct leak_groups *groups);

#endif
