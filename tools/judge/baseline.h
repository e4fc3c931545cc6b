/* --baseline FILE: report only the leaks a previous run did not have.
 * FILE is that run's --json document.  A leak is in the baseline when a
 * leak of the same kind with the same identity (leak_identity.h: the
 * stack, never a pid, an fd number or an address) is there, counting:
 * three identical leaks now and two in the baseline leave one.  Which of
 * the three is kept is the last one met, in report order.  Fd misuses,
 * finalizer failures and the rest are not leaks and stay as they are. */
#ifndef EXITGUARD_TOOLS_BASELINE_H
#define EXITGUARD_TOOLS_BASELINE_H

#include <jansson.h>
#include <stddef.h>

/* The "processes" of the --json document at `path`, or NULL with one line
 * in `error` naming the file (and the line, for a syntax error). */
json_t *load_baseline(const char *path, char *error, size_t error_size);

/* Removes from `reports` (per-process documents, symbolized) the leaks
 * `baseline` (the same, from load_baseline) has; returns how many. */
size_t subtract_baseline(json_t *reports, json_t *baseline);

#endif
