/* Colors for the summary, as the sanitizers use them: on when stderr is a
 * terminal and NO_COLOR is unset or empty (no-color.org), or when
 * --color=always says so.  Off, every function here prints its text
 * alone (or nothing), so the printers call them unconditionally. */
#ifndef EXITGUARD_TOOLS_COLORS_H
#define EXITGUARD_TOOLS_COLORS_H

#include <stdio.h>

#include "command_line.h"

enum color {
    COLOR_HEADER,   /* a process's header line: bold */
    COLOR_KIND,     /* what leaked: "fd 3", "temp file", "child process 12": magenta */
    COLOR_ERROR,    /* a misuse or a failed finalizer: "error", "finalizer": bold red */
    COLOR_FUNCTION, /* the function of the first frame shown: green */
    COLOR_FOUND,    /* the final line when something was found: bold red */
    COLOR_CLEAN,    /* the final line when nothing was: bold green */
};

/* Decides once, from the mode and whether `fd` is a terminal. */
void choose_colors(enum color_mode mode, int fd);

void color_start(FILE *to, enum color color);
void color_end(FILE *to);

/* One item's text as the finding printers write it (a line saying what,
 * then a stack, one frame a line): the first line's leading words that
 * name the kind in COLOR_KIND (COLOR_ERROR for a misuse or a finalizer),
 * and the function of the first frame in COLOR_FUNCTION. */
void print_item_header(FILE *to, const char *line, size_t length);
void print_stack_lines(FILE *to, const char *text);

#endif
