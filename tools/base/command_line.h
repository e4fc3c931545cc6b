/* The command's own options, parsed from its argv.  One table (in
 * command_line.c) drives the parser, --help and the man page. */
#ifndef EXITGUARD_TOOLS_COMMAND_LINE_H
#define EXITGUARD_TOOLS_COMMAND_LINE_H

#include <stdio.h>

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* --gen-suppressions with no FILE: after the summary, on stderr. */
#define GEN_SUPPRESSIONS_STDERR "-"

struct command_line {
    const char *json_path;  /* --json FILE, or NULL */
    const char *junit_path; /* --junit FILE, or NULL */
    const char *sarif_path; /* --sarif FILE, or NULL */
    const char *html_path;  /* --html FILE, or NULL */
    const char *baseline_path; /* --baseline FILE, or NULL */
    const char *gen_suppressions; /* NULL, GEN_SUPPRESSIONS_STDERR, or the FILE */
    const char **suppressions; /* --suppressions FILE..., in order (malloc'd array) */
    size_t nsuppressions;
    enum color_mode color;
    const char *output_dir; /* --output DIR, or NULL */
    int error_exitcode;     /* --error-exitcode N, or -1 */
    int children;           /* --children: an enum child_policy, or -1 */
    long kill_grace_ms;     /* --kill-grace, or -1 */
    int no_default_suppressions;
    int quiet;
    int verbose;
    char **command;         /* COMMAND [ARGS...], NULL-terminated (points into argv) */
};

enum parse_result { PARSE_RUN, PARSE_HELP, PARSE_VERSION, PARSE_BAD_USAGE };

/* PARSE_BAD_USAGE: the problem, and where to look, are already on stderr. */
enum parse_result parse_command_line(int argc, char **argv, struct command_line *out);
void free_command_line(struct command_line *cl);

void print_help(FILE *to);
/* "exitguard 0.2.0": the first line of GNU's --version, on stdout. */
void print_version(FILE *to, const char *version);

#endif
