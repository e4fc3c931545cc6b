/* Unit tests link the registry, depot, options and report directly (no
 * interposers, no constructor): each test gets a fresh region. */
#ifndef EXITGUARD_TESTS_UNIT_H
#define EXITGUARD_TESTS_UNIT_H

#include <stdlib.h>
#include <unistd.h>

#include "depot.h"
#include "options.h"
#include "region.h"
#include "registry.h"
#include "stack.h"

static inline void core_setup(const char *options)
{
    eg_options_parse(options);
    eg_region = eg_region_create();
    eg_depot_init();
    eg_pid = getpid();
    eg_stack_init();
}

/* Runs fn with fd 2 sent to a temporary file; returns what was written. */
char *capture_stderr(void (*fn)(void *), void *arg);

#endif
