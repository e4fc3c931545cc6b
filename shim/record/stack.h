/* Call stacks of the program at an acquisition, without exitguard's own
 * frames.  The unwinder is loaded on the first capture, not at start: a
 * wrapped test suite starts thousands of processes, many of which never
 * acquire anything. */
#ifndef EXITGUARD_STACK_H
#define EXITGUARD_STACK_H

#include <stdint.h>

#include "options.h"

/* Call once from init (cheap: where our own text lies). */
void eg_stack_init(void);

/* A thread we started is ending: its capture cache goes. */
void eg_stack_thread_ends(void);

/* Captures stack_depth frames and interns them; 0 when stacks are off
 * (checked inline: with stack_depth=0 an fd call pays a load). */
uint32_t eg_stack_capture(void);
static inline uint32_t eg_stack_here(void)
{
    return eg_options.stack_depth ? eg_stack_capture() : 0;
}

#endif
