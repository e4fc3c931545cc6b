/* --gen-suppressions: a suppressions file (see suppressions.h) that would
 * silence the leaks of these reports.  One rule per distinct rule text,
 * naming the first frame of the leak's stack outside exitguard, libc and
 * the start code: its function, or its module where it is not symbolized
 * (or, without such a frame, what leaked: the fd's target, the temp
 * file's path, the child's program, the thread's start routine).  A
 * comment above each says what leaked.  Parsing the output gives back
 * rules that suppress every one of these leaks. */
#ifndef EXITGUARD_TOOLS_GEN_SUPPRESSIONS_H
#define EXITGUARD_TOOLS_GEN_SUPPRESSIONS_H

#include <jansson.h>
#include <stdio.h>

/* `reports`: per-process documents, symbolized (symbolize_reports). */
void print_generated_suppressions(FILE *to, json_t *reports);

#endif
