#include "baseline.h"

#include <stdio.h>
#include <stdlib.h>

#include "leak_identity.h"
#include "merged_schema.h"

json_t *load_baseline(const char *path, char *error, size_t error_size)
{
    json_error_t parse_error;
    json_t *document = json_load_file(path, 0, &parse_error);
    if (!document) {
        if (parse_error.line > 0)
            snprintf(error, error_size, "baseline '%s': line %d: %s", path, parse_error.line,
                     parse_error.text);
        else
            snprintf(error, error_size, "baseline '%s': %s", path, parse_error.text);
        return NULL;
    }
    json_t *version = json_object_get(document, "exitguard");
    json_t *processes = json_object_get(document, "processes");
    if (!json_is_integer(version) || !json_is_array(processes)) {
        snprintf(error, error_size, "baseline '%s': not an exitguard --json document", path);
    } else if (json_integer_value(version) != MERGED_SCHEMA) {
        snprintf(error, error_size, "baseline '%s': schema version %lld; this exitguard reads %d",
                 path, (long long)json_integer_value(version), MERGED_SCHEMA);
    } else {
        json_incref(processes);
        json_decref(document);
        return processes;
    }
    json_decref(document);
    return NULL;
}

/* identity -> how many leaks have it, over every report */
static json_t *count_identities(json_t *reports)
{
    json_t *counts = json_object();
    size_t r;
    json_t *report;
    json_array_foreach(reports, r, report) {
        for (int kind = 0; kind < LEAK_KINDS; kind++) {
            size_t i;
            json_t *leak;
            json_array_foreach(leak_array(report, (enum leak_kind)kind), i, leak) {
                char *identity = leak_identity((enum leak_kind)kind, leak);
                if (!identity)
                    continue;
                json_int_t n = json_integer_value(json_object_get(counts, identity));
                json_object_set_new(counts, identity, json_integer(n + 1));
                free(identity);
            }
        }
    }
    return counts;
}

/* Takes one from the baseline's count for `identity`: 1 if there was one. */
static int take_one(json_t *counts, const char *identity)
{
    json_t *count = json_object_get(counts, identity);
    json_int_t n = json_integer_value(count);
    if (n <= 0)
        return 0;
    json_integer_set(count, n - 1);
    return 1;
}

/* A leak the baseline still has one of. */
static int in_baseline(enum leak_kind kind, json_t *leak, void *counts)
{
    char *identity = leak_identity(kind, leak);
    int found = identity && take_one(counts, identity);
    free(identity);
    return found;
}

size_t subtract_baseline(json_t *reports, json_t *baseline)
{
    json_t *counts = count_identities(baseline);
    size_t removed = remove_leaks(reports, in_baseline, counts);
    json_decref(counts);
    return removed;
}
