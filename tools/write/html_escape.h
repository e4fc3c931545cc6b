/* Text as HTML: everything the page shows that comes from the program
 * (paths, argv, socket addresses, function names, source lines) goes
 * through here, so that a path holding "<script>" is text, never markup. */
#ifndef EXITGUARD_TOOLS_HTML_ESCAPE_H
#define EXITGUARD_TOOLS_HTML_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* & < > " ' as references (so the same call serves text and attribute
 * values); control characters other than tab and newline as U+FFFD. */
void print_html_n(FILE *to, const char *text, size_t length);
void print_html(FILE *to, const char *text);

/* What `print(to, arg)` writes, escaped. */
void print_html_of(FILE *to, void (*print)(FILE *, void *), void *arg);

#endif
