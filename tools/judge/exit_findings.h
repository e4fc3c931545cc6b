/* What one process's exit sequence dealt with, as text: temp files left,
 * finalizers that failed or were skipped, threads and child processes
 * still running.  Each is
 * one line, then the stack of where it was created or registered. */
#ifndef EXITGUARD_TOOLS_EXIT_FINDINGS_H
#define EXITGUARD_TOOLS_EXIT_FINDINGS_H

#include <jansson.h>
#include <stdio.h>

/* stack_depth: the report's, to explain an empty stack. */
void print_tempfile(FILE *to, json_t *tempfile, json_int_t stack_depth);
/* Prints nothing for a finalizer that ran as it should. */
void print_finalizer(FILE *to, json_t *finalizer, json_int_t stack_depth);
void print_thread(FILE *to, json_t *thread, json_int_t stack_depth);
/* A child process left running or unreaped (the report's "children"). */
void print_child(FILE *to, json_t *child, json_int_t stack_depth);

#endif
