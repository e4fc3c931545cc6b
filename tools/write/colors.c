#define _GNU_SOURCE
#include "colors.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int on;

void choose_colors(enum color_mode mode, int fd)
{
    const char *no_color = getenv("NO_COLOR");
    /* an explicit --color=always wins over NO_COLOR, as no-color.org asks */
    on = mode == COLOR_ALWAYS ||
         (mode == COLOR_AUTO && isatty(fd) && !(no_color && *no_color));
}

static const char *const codes[] = {
    [COLOR_HEADER] = "\033[1m",      [COLOR_KIND] = "\033[1;35m",
    [COLOR_ERROR] = "\033[1;31m",    [COLOR_FUNCTION] = "\033[1;32m",
    [COLOR_FOUND] = "\033[1;31m",    [COLOR_CLEAN] = "\033[1;32m",
};

void color_start(FILE *to, enum color color)
{
    if (on)
        fputs(codes[color], to);
}

void color_end(FILE *to)
{
    if (on)
        fputs("\033[0m", to);
}

/* The words an item's line starts with, and how many of them name the
 * kind: "fd 3:" is two ("fd" and its number). */
static const struct {
    const char *start;
    enum color color;
} kinds[] = {
    {"fd ", COLOR_KIND},        {"temp file ", COLOR_KIND}, {"child process ", COLOR_KIND},
    {"thread ", COLOR_KIND},    {"error:", COLOR_ERROR},    {"finalizer ", COLOR_ERROR},
};

void print_item_header(FILE *to, const char *line, size_t length)
{
    size_t indent = strspn(line, " ");
    if (indent > length)
        indent = length;
    fwrite(line, 1, indent, to);
    line += indent;
    length -= indent;
    for (size_t k = 0; on && k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n = strlen(kinds[k].start);
        if (length < n || memcmp(line, kinds[k].start, n) != 0)
            continue;
        /* "fd 3", "child process 1234": the number belongs to the kind */
        size_t end = n;
        if (line[n - 1] == ' ') {
            while (end < length && line[end] >= '0' && line[end] <= '9')
                end++;
            if (end == n)
                end = n - 1; /* no number: the words alone */
        }
        color_start(to, kinds[k].color);
        fwrite(line, 1, end, to);
        color_end(to);
        line += end;
        length -= end;
        break;
    }
    fwrite(line, 1, length, to);
}

/* "    #0 0x55d1 in main src/x.c:12 (...)": where the function starts and
 * how long it is, or 0. */
static size_t frame_function(const char *line, size_t length, size_t *start)
{
    size_t i = strspn(line, " ");
    if (i >= length || line[i] != '#')
        return 0;
    const char *in = memmem(line, length, " in ", 4);
    if (!in)
        return 0;
    *start = (size_t)(in - line) + 4;
    size_t end = *start;
    while (end < length && line[end] != ' ' && line[end] != '\n')
        end++;
    return end - *start;
}

void print_stack_lines(FILE *to, const char *text)
{
    int colored = !on;
    while (*text) {
        const char *newline = strchr(text, '\n');
        size_t length = newline ? (size_t)(newline - text) + 1 : strlen(text);
        size_t start, n;
        if (!colored && (n = frame_function(text, length, &start)) > 0) {
            fwrite(text, 1, start, to);
            color_start(to, COLOR_FUNCTION);
            fwrite(text + start, 1, n, to);
            color_end(to);
            fwrite(text + start + n, 1, length - start - n, to);
            colored = 1;
        } else {
            fwrite(text, 1, length, to);
        }
        text += length;
    }
}
