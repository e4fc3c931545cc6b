/* A hand-made report that a process of the exitguard command's tree
 * plants in its report directory carries the run's token (run_token= in
 * EXITGUARD_OPTIONS), as the library's reports do: the command refuses a
 * report without it. */
#ifndef EXITGUARD_TESTS_PLANTED_H
#define EXITGUARD_TESTS_PLANTED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes '{"exitguard_report":2,"run_token":"...",'; the rest is the
 * caller's. */
static inline void planted_report_start(FILE *f)
{
    const char *options = getenv("EXITGUARD_OPTIONS");
    const char *t = options ? strstr(options, "run_token=") : NULL;
    int n = t ? (int)strcspn(t + 10, ":") : 0;
    fprintf(f, "{\"exitguard_report\":2,\"run_token\":\"%.*s\",", n, t ? t + 10 : "");
}

#endif
