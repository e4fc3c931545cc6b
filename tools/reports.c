#define _GNU_SOURCE
#include "reports.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "messages.h"

/* Not a dot-file (the library's temporaries), and ending in `suffix`. */
static int is_named(const char *name, const char *suffix)
{
    size_t len = strlen(name), n = strlen(suffix);
    return name[0] != '.' && len > n && strcmp(name + len - n, suffix) == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int list_names_ending(const char *dir, const char *suffix, struct report_names *out)
{
    *out = (struct report_names){0};
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    size_t capacity = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_named(e->d_name, suffix))
            continue;
        if (out->count == capacity) {
            capacity = capacity ? 2 * capacity : 64;
            char **grown = realloc(out->names, capacity * sizeof *grown);
            if (!grown)
                break;
            out->names = grown;
        }
        if (!(out->names[out->count] = strdup(e->d_name)))
            break;
        out->count++;
    }
    closedir(d);
    if (out->count)
        qsort(out->names, out->count, sizeof *out->names, by_name);
    return 0;
}

int list_report_names(const char *dir, struct report_names *out)
{
    return list_names_ending(dir, ".json", out);
}

int is_listed(const struct report_names *names, const char *name)
{
    return names->count &&
           bsearch(&name, names->names, names->count, sizeof *names->names, by_name);
}

void free_report_names(struct report_names *names)
{
    for (size_t i = 0; i < names->count; i++)
        free(names->names[i]);
    free(names->names);
    *names = (struct report_names){0};
}

/* A parsed report and the name it came in. */
struct loaded {
    json_t *report;
    const char *name;
    json_int_t pid;
};

/* By pid; for one pid, <pid>.json came before <pid>.1.json, <pid>.2.json
 * (an exec, or a reused pid), and a shorter name sorts first. */
static int by_pid(const void *a, const void *b)
{
    const struct loaded *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    size_t lx = strlen(x->name), ly = strlen(y->name);
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The report, or NULL after one line naming the file. */
static json_t *read_report(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        complain("cannot read report '%s': %s", path, strerror(errno));
        return NULL;
    }
    /* fdopen, not json_loadfd: that reads one byte per system call */
    FILE *file = fdopen(fd, "r");
    if (!file) {
        complain("cannot read report '%s': %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    json_error_t error;
    json_t *report = json_loadf(file, JSON_REJECT_DUPLICATES, &error);
    fclose(file);
    if (!report) {
        complain("cannot read report '%s': line %d: %s", path, error.line, error.text);
        return NULL;
    }
    json_t *version = json_object_get(report, "exitguard_report");
    if (!json_is_integer(version) || !json_is_integer(json_object_get(report, "pid"))) {
        complain("cannot read report '%s': not an exitguard report", path);
    } else if (json_integer_value(version) != REPORT_SCHEMA) {
        complain("cannot read report '%s': schema version %lld; this exitguard reads %d",
                 path, (long long)json_integer_value(version), REPORT_SCHEMA);
    } else {
        return report;
    }
    json_decref(report);
    return NULL;
}

json_t *load_reports(const char *dir, const struct report_names *skip, size_t *unreadable)
{
    *unreadable = 0;
    struct report_names names;
    if (list_report_names(dir, &names) != 0) {
        complain("cannot read reports from '%s': %s", dir, strerror(errno));
        return NULL;
    }
    struct loaded *loaded = calloc(names.count ? names.count : 1, sizeof *loaded);
    json_t *reports = json_array();
    size_t n = 0;
    if (!loaded || !reports)
        complain("cannot read reports from '%s': out of memory", dir);
    for (size_t i = 0; loaded && reports && i < names.count; i++) {
        if (is_listed(skip, names.names[i]))
            continue;
        json_t *report = read_report(dir, names.names[i]);
        if (!report) {
            ++*unreadable;
            continue;
        }
        loaded[n++] = (struct loaded){report, names.names[i],
                                      json_integer_value(json_object_get(report, "pid"))};
    }
    if (n)
        qsort(loaded, n, sizeof *loaded, by_pid);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(reports, loaded[i].report);
    free(loaded);
    free_report_names(&names);
    return reports;
}
