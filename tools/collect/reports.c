#define _GNU_SOURCE
#include "reports.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "messages.h"
#include "report_file.h"

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
    int ret = list_names_ending(dir, ".json", out);
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, RECORDS_NAME);
    out->records_from = lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : 0;
    return ret;
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

/* A parsed report and the name it came in; a record, its line instead. */
struct loaded {
    json_t *report;
    const char *name; /* NULL for a record */
    size_t line;
    json_int_t pid;
};

json_int_t report_start_time(json_t *report)
{
    return json_integer_value(json_object_get(report, "start_time"));
}

int same_start(json_t *a, json_t *b)
{
    json_int_t x = report_start_time(a), y = report_start_time(b);
    return !x || !y || x == y;
}

/* By pid, then by start time (a reused pid: the earlier process first);
 * for one process, <pid>.json came before <pid>.1.json, <pid>.2.json
 * (its execs), and a shorter name sorts first; a record (always the end
 * of a process) after the files, in the order written. */
static int by_pid(const void *a, const void *b)
{
    const struct loaded *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    if (!same_start(x->report, y->report))
        return report_start_time(x->report) < report_start_time(y->report) ? -1 : 1;
    if (!x->name || !y->name) {
        if (x->name || y->name)
            return x->name ? -1 : 1;
        return x->line < y->line ? -1 : x->line > y->line;
    }
    size_t lx = strlen(x->name), ly = strlen(y->name);
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return strcmp(x->name, y->name);
}

static char token[64];

void set_run_token(const char *t)
{
    snprintf(token, sizeof token, "%s", t ? t : "");
}

const char *run_token(void) { return token; }

int is_run_token(const char *text, size_t size)
{
    size_t n = strlen(token);
    return !n || (text && n < size && strncmp(text, token, size) == 0);
}

/* The report if it is one of ours, or NULL after one line naming
 * `path` (and `where` in it). */
static json_t *checked(json_t *report, const char *path, const char *where)
{
    json_t *version = json_object_get(report, "exitguard_report");
    const char *theirs = json_string_value(json_object_get(report, "run_token"));
    if (!json_is_object(report) || !json_is_integer(version) ||
        !json_is_integer(json_object_get(report, "pid"))) {
        complain("cannot read report '%s'%s: not an exitguard report", path, where);
    } else if (!is_run_token(theirs, theirs ? strlen(theirs) + 1 : 0)) {
        complain("cannot read report '%s'%s: not from this run (no run token)", path, where);
    } else if (json_integer_value(version) != REPORT_SCHEMA) {
        complain("cannot read report '%s'%s: schema version %lld; this exitguard reads %d",
                 path, where, (long long)json_integer_value(version), REPORT_SCHEMA);
    } else {
        return report;
    }
    json_decref(report);
    return NULL;
}

/* The largest report read: an honest one is a few KiB a leak (a process
 * holding every fd of nr_open, with full stacks, would not be read whole
 * anyway), and the largest record file past what earlier runs left. */
#define REPORT_MAX_BYTES (64ll << 20)
#define RECORDS_MAX_BYTES (256ll << 20)

/* At most `limit` bytes of fd from where it is, in a malloc'd buffer
 * (*len of them); NULL with errno set, EFBIG if there were more: the
 * size fstat gave may have grown since. */
static char *read_bounded(int fd, long long limit, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *text = malloc(cap);
    while (text) {
        if (n == cap) {
            char *grown = cap > (size_t)limit ? NULL : realloc(text, 2 * cap);
            if (!grown) {
                int error = cap > (size_t)limit ? EFBIG : ENOMEM;
                free(text);
                errno = error;
                return NULL;
            }
            text = grown;
            cap *= 2;
        }
        ssize_t got = read(fd, text + n, cap - n);
        if (got < 0) {
            int error = errno;
            free(text);
            errno = error;
            return NULL;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > (size_t)limit) {
            free(text);
            errno = EFBIG;
            return NULL;
        }
    }
    *len = n;
    return text;
}

/* The report, or NULL after one line naming the file. */
static json_t *read_report(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    const char *problem;
    int fd = open_report_file(path, REPORT_MAX_BYTES, &st, &problem);
    if (fd < 0) {
        complain("cannot read report '%s': %s", path, problem ? problem : strerror(ENOENT));
        return NULL;
    }
    size_t len = 0;
    char *text = read_bounded(fd, REPORT_MAX_BYTES, &len);
    int error = errno;
    close(fd);
    if (!text) {
        complain("cannot read report '%s': %s", path,
                 error == EFBIG ? "it grew past the size read" : strerror(error));
        return NULL;
    }
    json_error_t parse_error;
    json_t *report = json_loadb(text, len, JSON_REJECT_DUPLICATES, &parse_error);
    free(text);
    if (!report) {
        complain("cannot read report '%s': line %d: %s", path, parse_error.line,
                 parse_error.text);
        return NULL;
    }
    return checked(report, path, "");
}

/* Appends to `loaded` the records of RECORDS_NAME from offset `from`; each
 * line that is not a report is named and counted in *unreadable (a
 * process killed in the middle of its write leaves half a line). */
static void read_records(const char *dir, long long from, struct loaded **loaded, size_t *n,
                         size_t *cap, size_t *unreadable)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, RECORDS_NAME);
    struct stat st;
    const char *problem;
    int fd = open_report_file(path, 0, &st, &problem);
    if (fd >= 0 && st.st_size - from > RECORDS_MAX_BYTES) {
        static char why[96];
        snprintf(why, sizeof why, "%lld bytes of this run's, more than the %lld read",
                 (long long)st.st_size - from, RECORDS_MAX_BYTES);
        problem = why;
    } else if (fd >= 0 && lseek(fd, (off_t)from, SEEK_SET) < 0) {
        problem = strerror(errno);
    }
    size_t size = 0;
    char *text = fd >= 0 && !problem ? read_bounded(fd, RECORDS_MAX_BYTES, &size) : NULL;
    if (fd >= 0 && !problem && !text)
        problem = errno == EFBIG ? "it grew past the size read" : strerror(errno);
    if (fd >= 0)
        close(fd);
    if (problem)
        complain("cannot read records '%s': %s", path, problem);
    if (!text)
        return;
    size_t line = 0;
    for (const char *start = text, *end = text + size; start < end;) {
        const char *newline = memchr(start, '\n', (size_t)(end - start));
        size_t len = newline ? (size_t)(newline - start) + 1 : (size_t)(end - start);
        const char *this_line = start;
        start += len;
        line++;
        if (len == 1 && this_line[0] == '\n')
            continue;
        json_error_t error;
        json_t *report = json_loadb(this_line, len, JSON_REJECT_DUPLICATES, &error);
        char where[64];
        snprintf(where, sizeof where, " line %zu", line);
        if (!report) {
            complain("cannot read records '%s':%s: %s", path, where, error.text);
            ++*unreadable;
            continue;
        }
        if (!(report = checked(report, path, where))) {
            ++*unreadable;
            continue;
        }
        if (*n == *cap) {
            size_t grown_cap = *cap ? 2 * *cap : 64;
            struct loaded *grown = realloc(*loaded, grown_cap * sizeof *grown);
            if (!grown) {
                json_decref(report);
                complain("cannot read records '%s': out of memory", path);
                break;
            }
            *loaded = grown;
            *cap = grown_cap;
        }
        (*loaded)[(*n)++] = (struct loaded){report, NULL, line,
                                            json_integer_value(json_object_get(report, "pid"))};
    }
    free(text);
}

json_t *load_reports(const char *dir, const struct report_names *skip, size_t *unreadable)
{
    *unreadable = 0;
    struct report_names names;
    if (list_report_names(dir, &names) != 0) {
        complain("cannot read reports from '%s': %s", dir, strerror(errno));
        return NULL;
    }
    size_t cap = names.count ? names.count : 1;
    struct loaded *loaded = calloc(cap, sizeof *loaded);
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
        loaded[n++] = (struct loaded){report, names.names[i], 0,
                                      json_integer_value(json_object_get(report, "pid"))};
    }
    if (loaded && reports)
        read_records(dir, skip ? skip->records_from : 0, &loaded, &n, &cap, unreadable);
    if (n)
        qsort(loaded, n, sizeof *loaded, by_pid);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(reports, loaded[i].report);
    free(loaded);
    free_report_names(&names);
    return reports;
}
