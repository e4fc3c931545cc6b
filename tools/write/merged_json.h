/* --json FILE: the whole run as one document (schema "exitguard": 2):
 * the command, its status, every report symbolized ("processes", without
 * the leaks suppressions and the baseline took out), the processes left
 * running when it ended ("leftover_processes", see leftovers_json.h), the
 * totals with what the exit sequences did ("exit_sequence"), each
 * suppression rule with what it suppressed ("suppressions") and what the
 * baseline took out ("baseline").  Every file the command writes (this
 * one, --junit, --sarif, --gen-suppressions=FILE) is written under a
 * temporary name and renamed, so that a reader never sees half of it. */
#ifndef EXITGUARD_TOOLS_MERGED_JSON_H
#define EXITGUARD_TOOLS_MERGED_JSON_H

#include <jansson.h>
#include <stdio.h>

#include "totals.h"

#include "merged_schema.h"

/* What the merged document holds besides the reports. */
struct merged_extras {
    json_t *suppressions;    /* suppressions_used_json(), or NULL */
    json_t *default_suppressions; /* {"file", "hidden", "rules"}, or NULL: none used */
    const char *baseline;    /* --baseline FILE, or NULL */
    size_t baseline_removed; /* leaks the baseline took out */
    json_t *handovers;       /* take_handovers()'s, or NULL: not taken out */
};

/* 0, or -1 after one line naming the path. */
int write_merged_json(const char *path, char *const *command, int wait_status,
                      json_t *reports, json_t *leftovers, const struct totals *totals,
                      const struct merged_extras *extras);

/* Writes `path` atomically: `fill` writes the content to a temporary file
 * beside it (mode as any new file), which then replaces `path`.  `fill`
 * returns 0, or -1 with errno set.  0, or -1 after one line on stderr,
 * "cannot write --OPTION file 'PATH': REASON". */
int write_file_atomically(const char *path, const char *option,
                          int (*fill)(FILE *to, void *arg), void *arg);

#endif
