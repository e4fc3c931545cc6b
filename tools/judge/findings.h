/* One report's fd findings as text: each leaked fd (left open at the end,
 * or handed across exec), each fd misuse, and the stacks that led to them. */
#ifndef EXITGUARD_TOOLS_FINDINGS_H
#define EXITGUARD_TOOLS_FINDINGS_H

#include <jansson.h>
#include <stdio.h>

/* stack_depth: the report's, to explain an empty stack. */
void print_leak(FILE *to, json_t *leak, json_int_t stack_depth);
void print_error(FILE *to, json_t *error, json_int_t stack_depth);

#endif
