/* The sites that leaked most, a short section before the summary's
 * details: in a run of hundreds of processes the few call sites behind
 * most leaks are what to fix first.  A site is where the program itself
 * acquired the resource -- the first frame of its stack that is not
 * hidden (exitguard's, libc's under the public call) -- with the kind of
 * leak; however many processes and stacks lead there. */
#ifndef EXITGUARD_TOOLS_TOP_SITES_H
#define EXITGUARD_TOOLS_TOP_SITES_H

#include <jansson.h>
#include <stdio.h>

/* Prints up to 10 sites, most leaks first (with how many different
 * stacks reach a site, when more than one), when the leaks came from more
 * than one site and number at least 10; nothing otherwise. */
void print_top_sites(FILE *to, json_t *reports);

#endif
