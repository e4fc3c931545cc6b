#include "html_escape.h"

#include <stdlib.h>
#include <string.h>

void print_html_n(FILE *to, const char *text, size_t length)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + length;
    for (; p < end; p++) {
        switch (*p) {
        case '&': fputs("&amp;", to); continue;
        case '<': fputs("&lt;", to); continue;
        case '>': fputs("&gt;", to); continue;
        case '"': fputs("&quot;", to); continue;
        case '\'': fputs("&#39;", to); continue;
        case '\n': case '\t': fputc(*p, to); continue;
        }
        /* a terminal's escape sequence or a NUL-like byte means nothing
         * on a page, and HTML forbids most of them */
        if (*p < 0x20 || *p == 0x7f)
            fputs("\xef\xbf\xbd", to);
        else
            fputc(*p, to);
    }
}

void print_html(FILE *to, const char *text)
{
    if (text)
        print_html_n(to, text, strlen(text));
}

void print_html_of(FILE *to, void (*print)(FILE *, void *), void *arg)
{
    char *text = NULL;
    size_t size = 0;
    FILE *buffer = open_memstream(&text, &size);
    if (!buffer)
        return;
    print(buffer, arg);
    if (fclose(buffer) == 0)
        print_html(to, text);
    free(text);
}
