/* A process in the summary's words: its name and how it ended.  The
 * summary and the HTML page (html_report.h) both say it so, and cannot
 * say it differently. */
#ifndef EXITGUARD_TOOLS_PROCESS_WORDS_H
#define EXITGUARD_TOOLS_PROCESS_WORDS_H

#include <jansson.h>
#include <stdio.h>

/* Its argv, shell-quoted, or its executable if it has none. */
void print_process_name(FILE *to, json_t *report);

/* print_process_name cut to a glance (48 bytes, "..." at the end), as a
 * string to free; NULL without memory. */
char *short_process_name(json_t *report);

/* "exited with status 3", "called _exit(1)", "was killed by SIGSEGV",
 * "exec'd /bin/true, which wrote no report": `end` is a report's "end". */
void print_end(FILE *to, json_t *end);

/* print_end of the report's end, but for a post-mortem that held
 * nothing: "was killed by SIGKILL; it held nothing" (the wait status its
 * parent or the command saw), or "died without writing a report; it held
 * nothing" when no one saw how. */
void print_report_end(FILE *to, json_t *report);

/* ", which exitguard cannot follow (statically linked)", or nothing. */
void print_unchecked(FILE *to, json_t *end);

#endif
