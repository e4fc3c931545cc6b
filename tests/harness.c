#define _GNU_SOURCE
#include "harness.h"
#include "symbolize.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *build_path(const char *name)
{
    static char path[4][1024];
    static int next;
    const char *b = getenv("EXITGUARD_BUILD");
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", b ? b : "build", name);
    return p;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return strdup("");
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, m);
    fclose(m);
    fclose(f);
    return buf;
}

static void spawn(struct run *r, char *const argv[], char **envp)
{
    char out[300], err[300];
    snprintf(out, sizeof out, "%s.out", r->dir);
    snprintf(err, sizeof err, "%s.err", r->dir);
    r->pid = fork();
    cr_assert(r->pid >= 0);
    if (r->pid == 0) {
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(o, 1);
        dup2(e, 2);
        /* the program under test starts with 0, 1, 2 only */
        close_range(3, ~0u, 0);
        char *args[64];
        int n = 0;
        for (; argv[n] && n < 63; n++)
            args[n] = strcmp(argv[n], "{dir}") == 0 ? r->dir : argv[n];
        args[n] = NULL;
        execve(args[0], args, envp);
        _exit(127);
    }
    cr_assert(waitpid(r->pid, &r->status, 0) == r->pid);
    r->out = slurp(out);
    r->err = slurp(err);
    unlink(out);
    unlink(err);
}

static char **make_env(const char *preload, const char *options, const char *dir,
                       char *const extra[])
{
    static char *env[32];
    static char buf[8][2048];
    int n = 0, b = 0;
    snprintf(buf[b], sizeof buf[b], "PATH=%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    env[n++] = buf[b++];
    if (preload) {
        snprintf(buf[b], sizeof buf[b], "LD_PRELOAD=%s", preload);
        env[n++] = buf[b++];
    }
    if (options) {
        /* replace {dir} by the report directory */
        char *o = buf[b];
        size_t len = snprintf(o, sizeof buf[b], "EXITGUARD_OPTIONS=");
        for (const char *p = options; *p && len < sizeof buf[b] - 300;) {
            if (strncmp(p, "{dir}", 5) == 0) {
                len += snprintf(o + len, sizeof buf[b] - len, "%s", dir);
                p += 5;
            } else {
                o[len++] = *p++;
            }
        }
        o[len] = 0;
        env[n++] = buf[b++];
    }
    for (int i = 0; extra && extra[i] && n < 30; i++)
        env[n++] = extra[i];
    env[n] = NULL;
    return env;
}

void run_scratch(struct run *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "/tmp/exitguard-test.XXXXXX");
    cr_assert(mkdtemp(r->dir), "mkdtemp");
}

void run_preloaded(struct run *r, const char *options, char *const argv[],
                   char *const extra_env[])
{
    run_scratch(r);
    spawn(r, argv, make_env(build_path("libexitguard.so"), options, r->dir, extra_env));
}

void run_plain(struct run *r, char *const argv[], char *const extra_env[])
{
    run_scratch(r);
    spawn(r, argv, make_env(NULL, NULL, r->dir, extra_env));
}

/* The one-line reports of quiet processes (shim/report/report_record.c), each
 * a report document of its own. */
static void append_records(json_t *all, const char *dir)
{
    char path[600];
    snprintf(path, sizeof path, "%s/processes.jsonl", dir);
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    while (f && (len = getline(&line, &size, f)) > 0) {
        if (len == 1)
            continue;
        json_error_t err;
        json_t *doc = json_loadb(line, (size_t)len, 0, &err);
        cr_assert(doc, "%s: a line is not valid JSON: %s: %s", path, err.text, line);
        json_array_append_new(all, doc);
    }
    free(line);
    if (f)
        fclose(f);
}

json_t *report_of(struct run *r, pid_t pid)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%d.json", r->dir, (int)pid);
    json_error_t e;
    json_t *doc = json_load_file(path, 0, &e);
    if (!doc && access(path, F_OK) == 0)
        cr_log_error("%s: %s (line %d)", path, e.text, e.line);
    if (doc)
        return doc;
    json_t *records = json_array(), *rec, *found = NULL;
    size_t i;
    append_records(records, r->dir);
    json_array_foreach(records, i, rec)
        if (json_integer_value(json_object_get(rec, "pid")) == pid)
            found = rec;
    json_incref(found);
    json_decref(records);
    return found;
}

json_t *all_reports(struct run *r) { return reports_in(r->dir); }

int count_in(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

void assert_killed_report(struct run *r, size_t leaks)
{
    json_t *rep = report_of(r, r->pid);
    cr_assert(rep, "%s", r->err);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(rep, "end"), "how")),
                     "signal");
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), leaks, "%s", json_dumps(rep, 0));
    json_decref(rep);
}

json_t *reports_in(const char *dir)
{
    json_t *all = json_array();
    append_records(all, dir);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 6 || strcmp(e->d_name + n - 5, ".json"))
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        json_error_t err;
        json_t *doc = json_load_file(path, 0, &err);
        cr_assert(doc, "%s is not valid JSON: %s", path, err.text);
        json_array_append_new(all, doc);
    }
    if (d)
        closedir(d);
    return all;
}

/* The first entry of report[section] whose `key` is `value`, or NULL. */
static json_t *entry_with(json_t *report, const char *section, const char *key, long value)
{
    size_t i;
    json_t *entry;
    json_array_foreach(json_object_get(report, section), i, entry)
        if (json_integer_value(json_object_get(entry, key)) == value)
            return entry;
    return NULL;
}

json_t *leak_with_fd(json_t *report, int fd)
{
    return entry_with(report, "leaks", "fd", fd);
}

json_t *error_of_kind(json_t *report, const char *kind, int fd)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(report, "errors"), i, e)
        if (strcmp(json_string_value(json_object_get(e, "kind")), kind) == 0 &&
            json_integer_value(json_object_get(e, "fd")) == fd)
            return e;
    return NULL;
}

int stack_has(json_t *stack, const char *fn, const char *file, int line)
{
    size_t i;
    json_t *frame;
    json_array_foreach(stack, i, frame) {
        struct eg_symbol sym = {0};
        const char *f = json_string_value(json_object_get(frame, "function"));
        if (f) { /* symbolized by the command */
            snprintf(sym.function, sizeof sym.function, "%s", f);
            const char *src = json_string_value(json_object_get(frame, "file"));
            snprintf(sym.file, sizeof sym.file, "%s", src ? src : "");
            sym.line = (int)json_integer_value(json_object_get(frame, "line"));
        } else { /* raw, as the library writes it */
            const char *module = json_string_value(json_object_get(frame, "module"));
            const char *offset = json_string_value(json_object_get(frame, "offset"));
            if (!module || !offset)
                continue;
            eg_symbolize(module, strtoull(offset, NULL, 16) - 1, &sym);
        }
        size_t fl = strlen(sym.file), ql = file ? strlen(file) : 0;
        if ((!fn || strcmp(sym.function, fn) == 0) &&
            (!file || (fl >= ql && strcmp(sym.file + fl - ql, file) == 0)) &&
            (!line || sym.line == line))
            return 1;
    }
    return 0;
}

void run_exitguard(struct run *r, char *const args[], char *const extra_env[])
{
    char *argv[32] = {(char *)build_path("exitguard")};
    int n = 1;
    for (; args[n - 1] && n < 31; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    run_plain(r, argv, extra_env);
}

json_t *take_json(const char *path)
{
    json_error_t e;
    json_t *doc = json_load_file(path, 0, &e);
    unlink(path);
    cr_assert(doc, "no JSON in %s: %s", path, e.text);
    return doc;
}

json_t *child_with_pid(json_t *report, long pid)
{
    return entry_with(report, "children", "pid", pid);
}

int gone_within(pid_t pid, int ms)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", (int)pid);
    for (int i = 0; i < ms; i++) {
        if (access(path, F_OK) != 0)
            return 1;
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    return 0;
}

int number_after(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? atoi(p + strlen(key)) : -1;
}

void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0)
            remove_tree(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

int exit_code(struct run *r)
{
    cr_assert(WIFEXITED(r->status), "%s died of signal %d: %s", r->dir, WTERMSIG(r->status),
              r->err);
    return WEXITSTATUS(r->status);
}

void run_free(struct run *r)
{
    remove_tree(r->dir);
    free(r->out);
    free(r->err);
}
