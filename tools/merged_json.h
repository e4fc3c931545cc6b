/* --json FILE: the whole run as one document (schema "exitguard": 2):
 * the command, its status, every report symbolized ("processes"), the
 * processes left running when it ended ("leftover_processes", see
 * leftovers_json.h) and the totals; written under a temporary name and renamed, so that a reader
 * never sees half of it. */
#ifndef EXITGUARD_TOOLS_MERGED_JSON_H
#define EXITGUARD_TOOLS_MERGED_JSON_H

#include <jansson.h>

#include "totals.h"

#define MERGED_SCHEMA 2

/* 0, or -1 after one line naming the path. */
int write_merged_json(const char *path, char *const *command, int wait_status,
                      json_t *reports, json_t *leftovers, const struct totals *totals);

#endif
