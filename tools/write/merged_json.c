#define _GNU_SOURCE
#include "merged_json.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "messages.h"
#include "wait_status.h"

/* counts[value of `key`] += 1 for each of `items`. */
static void count_items(json_t *counts, json_t *items, const char *key)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        json_t *value = json_object_get(item, key);
        const char *name = json_is_string(value) ? json_string_value(value) : "none";
        json_int_t n = json_integer_value(json_object_get(counts, name));
        json_object_set_new(counts, name, json_integer(n + 1));
    }
}

/* The same over the `section` of every report. */
static void count_by(json_t *counts, json_t *reports, const char *section, const char *key)
{
    size_t r;
    json_t *report;
    json_array_foreach(reports, r, report)
        count_items(counts, json_object_get(report, section), key);
}

/* What every process's exit sequence did, added up: finalizers by
 * outcome (ran, crashed, exited, hung, skipped), children by what the
 * children policy did (none, terminated, killed, survived), temp files
 * by action (kept, removed, remove_failed); and what the command did to
 * the processes left running, by action.  Each starts at 0 for the
 * values the per-process schema knows, so a reader need not guess. */
static json_t *exit_sequence_json(json_t *reports, json_t *leftovers)
{
    json_t *finalizers = json_pack("{s:i, s:i, s:i, s:i, s:i}", "ran", 0, "crashed", 0,
                                   "exited", 0, "hung", 0, "skipped", 0);
    json_t *children = json_pack("{s:i, s:i, s:i, s:i}", "none", 0, "terminated", 0,
                                 "killed", 0, "survived", 0);
    json_t *tempfiles = json_pack("{s:i, s:i, s:i}", "kept", 0, "removed", 0, "remove_failed", 0);
    json_t *left = json_pack("{s:i, s:i, s:i, s:i, s:i}", "left_running", 0, "terminated", 0,
                             "killed", 0, "survived", 0, "ended", 0);
    count_by(finalizers, reports, "finalizers", "outcome");
    count_by(children, reports, "children", "action");
    count_by(tempfiles, reports, "tempfiles", "action");
    count_items(left, leftovers, "action");
    return json_pack("{s:o, s:o, s:o, s:o}", "finalizers", finalizers, "children", children,
                     "tempfiles", tempfiles, "leftover_processes", left);
}

static json_t *totals_json(const struct totals *t, json_t *reports, json_t *leftovers)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
                     "processes", (json_int_t)t->processes,
                     "leaking_processes", (json_int_t)t->leaking_processes,
                     "leaks", (json_int_t)t->leaks, "exec_leaks", (json_int_t)t->exec_leaks,
                     "errors", (json_int_t)t->errors, "tempfiles", (json_int_t)t->tempfiles,
                     "finalizer_failures", (json_int_t)t->finalizer_failures,
                     "threads", (json_int_t)t->threads, "children", (json_int_t)t->children,
                     "leftovers", (json_int_t)t->leftovers,
                     "unreported", (json_int_t)t->unreported,
                     "exit_sequence", exit_sequence_json(reports, leftovers));
}

static json_t *merged_document(char *const *command, int wait_status, json_t *reports,
                               json_t *leftovers, const struct totals *t,
                               const struct merged_extras *extras)
{
    json_t *argv = json_array();
    for (size_t i = 0; argv && command[i]; i++)
        json_array_append_new(argv, json_string(command[i]));
    json_t *baseline = extras->baseline
                           ? json_pack("{s:s, s:I}", "file", extras->baseline, "removed",
                                       (json_int_t)extras->baseline_removed)
                           : json_null();
    /* suppressions: "o", its reference taken in write_merged_json ("O"
     * took a second one, and the rules' list was never freed) */
    json_t *document = json_pack("{s:i, s:o, s:o, s:O, s:O, s:o, s:o, s:o}", "exitguard", MERGED_SCHEMA,
                     "command", argv, "status", wait_status_json(wait_status),
                     "processes", reports, "leftover_processes", leftovers,
                     "totals", totals_json(t, reports, leftovers),
                     "suppressions", extras->suppressions ? extras->suppressions : json_array(),
                     "baseline", baseline);
    /* a key of its own: "suppressions" stays the user's rules alone */
    if (document && extras->default_suppressions)
        json_object_set(document, "default_suppressions", extras->default_suppressions);
    if (document && extras->handovers)
        json_object_set(document, "handovers", extras->handovers);
    return document;
}

/* ".<name>.XXXXXX" beside the target, so that rename stays in one file
 * system. */
static char *temporary_name(const char *path)
{
    char *dir_copy = strdup(path), *base_copy = strdup(path), *name = NULL;
    if (dir_copy && base_copy &&
        asprintf(&name, "%s/.%s.XXXXXX", dirname(dir_copy), basename(base_copy)) < 0)
        name = NULL;
    free(dir_copy);
    free(base_copy);
    return name;
}

/* 0, or an errno value. */
static int fill_file(int fd, int (*fill)(FILE *to, void *arg), void *arg)
{
    FILE *to = fdopen(fd, "w");
    if (!to) {
        int error = errno;
        close(fd);
        return error;
    }
    errno = 0;
    int error = fill(to, arg) != 0 || fflush(to) != 0 || ferror(to) ? (errno ? errno : EIO) : 0;
    /* mkostemp made it 0600; give it the mode any new file would get */
    mode_t mask = umask(0);
    umask(mask);
    if (!error && fchmod(fd, 0666 & ~mask) != 0)
        error = errno;
    if (fclose(to) != 0 && !error)
        error = errno;
    return error;
}

int write_file_atomically(const char *path, const char *option,
                          int (*fill)(FILE *to, void *arg), void *arg)
{
    char *temporary = temporary_name(path);
    int fd = temporary ? mkostemp(temporary, O_CLOEXEC) : -1;
    int error = !temporary ? ENOMEM : fd < 0 ? errno : fill_file(fd, fill, arg);
    if (fd >= 0 && !error && rename(temporary, path) != 0)
        error = errno;
    if (fd >= 0 && error)
        unlink(temporary);
    free(temporary);
    if (error) {
        complain("cannot write --%s file '%s': %s", option, path, strerror(error));
        return -1;
    }
    return 0;
}

static int dump_json(FILE *to, void *document)
{
    if (!document) {
        errno = ENOMEM;
        return -1;
    }
    return json_dumpf(document, to, JSON_COMPACT) != 0 || fputc('\n', to) == EOF ? -1 : 0;
}

int write_merged_json(const char *path, char *const *command, int wait_status,
                      json_t *reports, json_t *leftovers, const struct totals *totals,
                      const struct merged_extras *extras)
{
    if (extras->suppressions)
        json_incref(extras->suppressions); /* the document takes a reference */
    json_t *document =
        merged_document(command, wait_status, reports, leftovers, totals, extras);
    int result = write_file_atomically(path, "json", dump_json, document);
    json_decref(document);
    return result;
}
