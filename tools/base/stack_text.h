/* Frames and stacks as text, one frame a line as the sanitizers print
 * them: "#0 0x55d1 in main /src/x.c:12 (/abs/module+0x11db)", a function
 * inlined at a call as a frame of its own (the same pc), and
 * "in load_settings+0x2c" where a stripped module names only its exported
 * functions.  Frames symbolize_reports marked "hidden" (exitguard's, libc's
 * under the public call, the start code) are left out unless
 * stack_text_show_hidden(1) was called (--verbose). */
#ifndef EXITGUARD_TOOLS_STACK_TEXT_H
#define EXITGUARD_TOOLS_STACK_TEXT_H

#include <jansson.h>
#include <stdio.h>

/* stack_depth: the report's, to explain an empty stack. */
void print_stack(FILE *to, json_t *stack, json_int_t stack_depth);

/* 1: print_stack prints hidden frames too. */
void stack_text_show_hidden(int on);

/* A function given as one frame (a finalizer, a thread's start routine):
 * its name if known, else module+offset, else its address. */
void print_function(FILE *to, json_t *frame);

/* The string at `key`, or `fallback`. */
const char *string_or(json_t *object, const char *key, const char *fallback);

#endif
