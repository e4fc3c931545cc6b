/* Prints a command line so that it can be pasted back into a shell, and so
 * that 'a b' and a b cannot be confused in a report. */
#ifndef EXITGUARD_TOOLS_SHELL_WORDS_H
#define EXITGUARD_TOOLS_SHELL_WORDS_H

#include <jansson.h>
#include <stdio.h>

void print_shell_word(FILE *to, const char *word);
void print_command(FILE *to, char *const *command);   /* NULL-terminated */
void print_argv_json(FILE *to, json_t *argv);         /* array of strings */

#endif
