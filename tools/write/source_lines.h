/* The lines of a source file around one line, read when the report is
 * written (the file may have changed since the program was built: the
 * page shows what is there now). */
#ifndef EXITGUARD_TOOLS_SOURCE_LINES_H
#define EXITGUARD_TOOLS_SOURCE_LINES_H

#include <stddef.h>

#define SOURCE_CONTEXT 3          /* lines shown before and after */
#define SOURCE_LINE_MAX 240       /* bytes of a line shown */

struct source_lines {
    long first;                   /* the number of lines[0] */
    size_t count;
    char *lines[2 * SOURCE_CONTEXT + 1]; /* without their newlines, cut at SOURCE_LINE_MAX */
};

/* Lines line-SOURCE_CONTEXT .. line+SOURCE_CONTEXT of `file`, a path
 * relative to `base_dir` unless absolute.  0, or -1 when the file is not
 * there, not a regular file, not readable, has no such line -- or, when
 * the command runs as root, is not readable by everyone (a process of
 * another uid in the tree writes its own report and could name any file
 * as its source: the page must not show it /etc/shadow). */
int read_source_lines(const char *file, const char *base_dir, long line,
                      struct source_lines *out);
void free_source_lines(struct source_lines *lines);

#endif
