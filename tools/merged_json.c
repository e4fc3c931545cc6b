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

static json_t *totals_json(const struct totals *t)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                     "processes", (json_int_t)t->processes,
                     "leaking_processes", (json_int_t)t->leaking_processes,
                     "leaks", (json_int_t)t->leaks, "exec_leaks", (json_int_t)t->exec_leaks,
                     "errors", (json_int_t)t->errors, "tempfiles", (json_int_t)t->tempfiles,
                     "finalizer_failures", (json_int_t)t->finalizer_failures,
                     "threads", (json_int_t)t->threads, "children", (json_int_t)t->children,
                     "leftovers", (json_int_t)t->leftovers);
}

static json_t *merged_document(char *const *command, int wait_status, json_t *reports,
                               json_t *leftovers, const struct totals *t)
{
    json_t *argv = json_array();
    for (size_t i = 0; argv && command[i]; i++)
        json_array_append_new(argv, json_string(command[i]));
    return json_pack("{s:i, s:o, s:o, s:O, s:O, s:o}", "exitguard", MERGED_SCHEMA,
                     "command", argv, "status", wait_status_json(wait_status),
                     "processes", reports, "leftover_processes", leftovers,
                     "totals", totals_json(t));
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

static int write_to(int fd, json_t *document)
{
    if (json_dumpfd(document, fd, JSON_COMPACT) != 0 || write(fd, "\n", 1) != 1)
        return -1;
    /* mkostemp made it 0600; give it the mode any new file would get */
    mode_t mask = umask(0);
    umask(mask);
    return fchmod(fd, 0666 & ~mask);
}

int write_merged_json(const char *path, char *const *command, int wait_status,
                      json_t *reports, json_t *leftovers, const struct totals *totals)
{
    json_t *document = merged_document(command, wait_status, reports, leftovers, totals);
    char *temporary = temporary_name(path);
    int fd = document && temporary ? mkostemp(temporary, O_CLOEXEC) : -1;
    int error = fd < 0 ? errno : 0;
    if (fd >= 0) {
        errno = 0;
        if (write_to(fd, document) != 0)
            error = errno ? errno : EIO;
        if (close(fd) != 0 && !error)
            error = errno;
        if (!error && rename(temporary, path) != 0)
            error = errno;
        if (error)
            unlink(temporary);
    }
    if (!document || !temporary)
        error = ENOMEM;
    free(temporary);
    json_decref(document);
    if (error) {
        complain("cannot write --json file '%s': %s", path, strerror(error));
        return -1;
    }
    return 0;
}
