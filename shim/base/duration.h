/* A duration as EXITGUARD_OPTIONS and the exitguard command take it:
 * "5", "0.25", "5s" or "250ms".  One parser for both, so that
 * --kill-grace and kill_grace= can never read the same text apart. */
#ifndef EXITGUARD_DURATION_H
#define EXITGUARD_DURATION_H

#include <stddef.h>

/* In milliseconds (a positive duration under 1 ms is 1); -1 if malformed. */
long eg_duration_ms(const char *text, size_t len);

#endif
