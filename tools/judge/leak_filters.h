/* What takes leaks out of the reports before anything counts or prints
 * them: the suppression rules (--suppressions FILE..., then the user's
 * suppressions= in EXITGUARD_OPTIONS), then the baseline (--baseline).
 * Both are read before COMMAND runs, so that a mistake in them costs
 * nothing but a line. */
#ifndef EXITGUARD_TOOLS_LEAK_FILTERS_H
#define EXITGUARD_TOOLS_LEAK_FILTERS_H

#include <jansson.h>
#include <stdio.h>

#include "default_suppressions.h"
#include "suppressions.h"

struct leak_filters {
    struct default_suppressions defaults; /* applied first; see its header */
    json_t *handovers;         /* shells' hand-overs (handovers.h), or NULL:
                                  reported as leaks (--no-default-suppressions) */
    struct suppressions rules;
    json_t *baseline;          /* its "processes", or NULL */
    const char *baseline_path;
    size_t baseline_removed;   /* leaks it took out */
};

/* 0, or -1 after one line naming the file (and the line) on stderr. */
int load_leak_filters(struct leak_filters *filters, const char *const *suppression_files,
                      size_t nfiles, const char *user_file, const char *baseline_path);

/* Takes the shells' hand-overs and the suppressed leaks out of `reports`, and the processes a
 * "process:" rule matches out of `leftovers` (the merged JSON's
 * "leftover_processes", matched by their argv), then the leaks the
 * baseline has. */
void apply_leak_filters(struct leak_filters *filters, json_t *reports, json_t *leftovers);

/* "exitguard: suppressed ..." and "exitguard: baseline F: N leaks ...", for
 * what did anything. */
void print_filters_used(FILE *to, const struct leak_filters *filters);

void free_leak_filters(struct leak_filters *filters);

#endif
