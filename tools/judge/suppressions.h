/* Suppressions files, in the spirit of LeakSanitizer's: one rule a line,
 * KIND:PATTERN, where KIND is fd, exec, process, tempfile, thread or *
 * (any), and PATTERN matches -- as a whole, '*' standing for any run of
 * characters, '/' included -- one of:
 *   - any frame of the leak's stack: its function, its source file (the
 *     path or its last part), its module (the path or its last part);
 *   - fd, exec: what the fd refers to ("target"), or its last part;
 *   - tempfile: the file's path, or its last part;
 *   - process: the child's argv[0] or executable, or their last part;
 *   - thread: the start routine, as a frame.
 * Blank lines and lines starting with '#' are ignored; whitespace around
 * the kind and the pattern is too.  Unlike LSan's, a pattern is not a
 * substring: "fd:libfoo" matches a module libfoo, "fd:*libfoo*" any
 * module containing it.
 *
 * Suppressed leaks are removed from the reports, so that everything
 * counting or printing leaks afterwards (totals, summary, --json, JUnit,
 * SARIF) sees only the rest; each rule counts the leaks it removed.  A
 * leak several rules match counts for the first. */
#ifndef EXITGUARD_TOOLS_SUPPRESSIONS_H
#define EXITGUARD_TOOLS_SUPPRESSIONS_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "leak_identity.h"

struct suppression {
    int any_kind;        /* "*:PATTERN": any leak */
    int misuse;          /* "misuse:PATTERN": an fd misuse, not a leak */
    enum leak_kind kind; /* otherwise */
    char *pattern;
    char *file;          /* where the rule was written */
    unsigned line;
    size_t suppressed;   /* leaks it removed */
};

struct suppressions {
    struct suppression *rules;
    size_t count;
};

/* Adds the rules of `text` (read from `file`, for messages) to `rules`,
 * which starts as {0}: several files may be loaded.  0, or -1 with one
 * line in `error`, "FILE:LINE: what is wrong", and no rule added. */
int parse_suppressions(struct suppressions *rules, const char *text, const char *file,
                       char *error, size_t error_size);
/* The same, from the file at `path`. */
int load_suppressions(struct suppressions *rules, const char *path, char *error,
                      size_t error_size);
void free_suppressions(struct suppressions *rules);

/* Whether `pattern` matches all of `text`; '*' matches any run of bytes. */
int pattern_matches(const char *pattern, const char *text);

/* The first rule suppressing `leak` (of `kind`), or NULL. */
struct suppression *suppression_for(struct suppressions *rules, enum leak_kind kind,
                                    json_t *leak);

/* Removes the suppressed leaks from every report of `reports` (an array of
 * per-process documents: the command's, or a --json document's
 * "processes"), counting them in each rule.  Returns how many it removed. */
size_t apply_suppressions(struct suppressions *rules, json_t *reports);

/* [{"rule": "fd:libfoo*", "file": F, "line": N, "suppressed": N}, ...],
 * every rule, for the --json document. */
json_t *suppressions_used_json(const struct suppressions *rules);

/* "exitguard: suppressed 3 leaks: 2 by fd:libfoo* (F:3), 1 by ...", or
 * nothing when no rule suppressed anything. */
void print_suppressions_used(FILE *to, const struct suppressions *rules);

#endif
