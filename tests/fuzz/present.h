/* What the command does with the reports once they are read (the steps of
 * tools/exitguard.c's present(), in its order): name children, symbolize,
 * filter, count, and write every format.  Fuzz targets that feed a reader
 * go on through these, so that what a reader lets through is also what
 * every consumer of it survives. */
#ifndef EXITGUARD_FUZZ_PRESENT_H
#define EXITGUARD_FUZZ_PRESENT_H

#include <jansson.h>

/* Consumes `reports` (an array, as load_reports returns it). */
void present_reports(json_t *reports, size_t unreadable);

#endif
