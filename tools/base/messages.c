#include "messages.h"

#include <stdarg.h>
#include <stdio.h>

void complain(const char *format, ...)
{
    /* Formatted first and written with one call, so that a line cannot be
     * split by output from processes the command left running. */
    char line[2048];
    va_list ap;
    va_start(ap, format);
    vsnprintf(line, sizeof line, format, ap);
    va_end(ap);
    fprintf(stderr, "exitguard: %s\n", line);
}
