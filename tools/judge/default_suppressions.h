/* The default suppressions (share/default.supp): what well-known programs
 * and runtimes hold for their whole life by design.  Applied before the
 * user's rules, and kept apart from them: the summary counts what they hid
 * in one line of its own ("3 findings hidden by default suppressions"),
 * --verbose lists each one, and the user's "suppressed ..." line and
 * rule counts are only the user's. */
#ifndef EXITGUARD_TOOLS_DEFAULT_SUPPRESSIONS_H
#define EXITGUARD_TOOLS_DEFAULT_SUPPRESSIONS_H

#include <jansson.h>
#include <stdio.h>

#include "suppressions.h"

struct default_suppressions {
    struct suppressions rules;
    char *path;        /* the file they came from, or NULL: none loaded */
    json_t *hidden;    /* [{"pid", "argv", "kind", "what", "rule", "line"}] */
};

/* Loads the rules at `path` (NULL: none, as --no-default-suppressions).
 * A file that cannot be read or parsed is named in one line, and the run
 * goes on without its rules: the file is exitguard's, not the user's. */
void load_default_suppressions(struct default_suppressions *defaults, const char *path);

/* Takes the leaks the rules match out of `reports` (an array of
 * per-process documents), noting each in `hidden`; returns how many. */
size_t apply_default_suppressions(struct default_suppressions *defaults, json_t *reports);

/* "exitguard: 3 findings hidden by default suppressions (...)", then with
 * `verbose` one line for each; nothing when none was hidden. */
void print_default_hidden(FILE *to, const struct default_suppressions *defaults, int verbose);

/* {"file": F, "hidden": N, "rules": [each rule as suppressions_used_json()
 * has it]}, for the --json document; NULL when no file was loaded. */
json_t *default_suppressions_json(const struct default_suppressions *defaults);

void free_default_suppressions(struct default_suppressions *defaults);

#endif
