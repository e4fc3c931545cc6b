#define _GNU_SOURCE
#include "leak_identity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "totals.h"

static const char *const kind_names[LEAK_KINDS] = {"fd", "exec", "process", "tempfile", "thread"};

/* The per-process report's array for each kind.  "children" is the section
 * issue 4 adds for child processes; until a report has it, there are no
 * process leaks to see. */
static const char *const sections[LEAK_KINDS] = {"leaks", "leaks", "children", "tempfiles",
                                                 "threads"};

const char *leak_kind_name(enum leak_kind kind)
{
    return kind_names[kind];
}

int leak_kind_parse(const char *name, size_t len, enum leak_kind *kind)
{
    for (int k = 0; k < LEAK_KINDS; k++) {
        if (strlen(kind_names[k]) == len && memcmp(kind_names[k], name, len) == 0) {
            *kind = (enum leak_kind)k;
            return 0;
        }
    }
    return -1;
}

json_t *leak_array(json_t *report, enum leak_kind kind)
{
    /* an exec document's "leaks" are the fds handed on; an end document's
     * the fds left open */
    if ((kind == LEAK_FD && report_is_exec(report)) ||
        (kind == LEAK_EXEC && !report_is_exec(report)))
        return NULL;
    json_t *array = json_object_get(report, sections[kind]);
    return json_is_array(array) ? array : NULL;
}

const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static const char *string_at(json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

const char *child_program(json_t *child)
{
    json_t *then = json_object_get(child, "started_as"); /* child_names.c */
    if (!json_array_size(then))
        then = json_object_get(child, "argv");
    return json_string_value(json_array_get(then, 0));
}

static void put_frame(FILE *to, json_t *frame)
{
    const char *function = string_at(frame, "function");
    const char *file = string_at(frame, "file");
    const char *module = string_at(frame, "module");
    if (function && file)
        fprintf(to, "%s %s", function, base_name(file));
    else if (function && module)
        fprintf(to, "%s %s", function, base_name(module));
    else if (function)
        fputs(function, to);
    else if (module)
        fprintf(to, "%s+%s", base_name(module), string_at(frame, "offset") ?: "?");
    else
        fputc('?', to); /* a bare pc means nothing in another run */
}

char *stack_identity(const char *prefix, json_t *stack)
{
    char *text = NULL;
    size_t size = 0;
    FILE *to = open_memstream(&text, &size);
    if (!to)
        return NULL;
    fputs(prefix, to);
    size_t i;
    json_t *frame;
    json_array_foreach(stack, i, frame) {
        fputc('\n', to);
        put_frame(to, frame);
    }
    if (fclose(to) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

char *leak_identity(enum leak_kind kind, json_t *leak)
{
    return stack_identity(kind_names[kind], json_object_get(leak, "stack"));
}

static int starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

int is_plumbing_frame(json_t *frame)
{
    static const char *const modules[] = {"libexitguard.so", "libc.so", "libc-", "ld-linux",
                                          "ld-musl", "libpthread.so", "libdl.so"};
    /* what the summary hides (symbolize_frames.c), so that every format
     * starts where the summary does: a stripped program's unnamed _start */
    if (json_is_true(json_object_get(frame, "hidden")))
        return 1;
    const char *module = string_at(frame, "module");
    if (module) {
        for (size_t i = 0; i < sizeof modules / sizeof *modules; i++)
            if (starts_with(base_name(module), modules[i]))
                return 1;
    }
    /* the start code linked into every program, from crt1.o */
    const char *function = string_at(frame, "function");
    return function && (strcmp(function, "_start") == 0 || starts_with(function, "__libc_"));
}

json_t *first_own_frame(json_t *stack)
{
    size_t i;
    json_t *frame;
    json_array_foreach(stack, i, frame)
        if (!is_plumbing_frame(frame))
            return frame;
    return NULL;
}

size_t remove_leaks(json_t *reports, int (*drop)(enum leak_kind kind, json_t *leak, void *ctx),
                    void *ctx)
{
    size_t removed = 0, r;
    json_t *report;
    json_array_foreach(reports, r, report) {
        for (int kind = 0; kind < LEAK_KINDS; kind++) {
            json_t *leaks = leak_array(report, (enum leak_kind)kind);
            for (size_t i = 0; i < json_array_size(leaks);) {
                if (drop((enum leak_kind)kind, json_array_get(leaks, i), ctx)) {
                    json_array_remove(leaks, i);
                    removed++;
                } else {
                    i++;
                }
            }
        }
    }
    return removed;
}

/* "open_config src/config.c:12", "open_config (libfoo.so.1)", or
 * "libfoo.so.1+0x2a3f0": the first frame that is not hidden. */
char *leak_site(json_t *stack)
{
    size_t i;
    json_t *frame;
    json_array_foreach(stack, i, frame) {
        if (json_is_true(json_object_get(frame, "hidden")))
            continue;
        const char *fn = json_string_value(json_object_get(frame, "function"));
        const char *file = json_string_value(json_object_get(frame, "file"));
        const char *module = json_string_value(json_object_get(frame, "module"));
        const char *offset = json_string_value(json_object_get(frame, "offset"));
        json_int_t line = json_integer_value(json_object_get(frame, "line"));
        const char *base = module && strrchr(module, '/') ? strrchr(module, '/') + 1 : module;
        char *text = NULL;
        int n = fn && file ? asprintf(&text, "%s %s:%lld", fn, file, (long long)line)
                : fn       ? asprintf(&text, "%s (%s)", fn, base ? base : "?")
                           : asprintf(&text, "%s+%s", base ? base : "?", offset ? offset : "?");
        return n < 0 ? NULL : text;
    }
    return strdup("(no stack recorded)");
}


int system_site(json_t *stack)
{
    static const char *const system_dirs[] = {"/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/",
                                              "/opt/"};
    const char *module = string_at(first_own_frame(stack), "module");
    if (!module)
        return 0;
    for (size_t i = 0; i < sizeof system_dirs / sizeof *system_dirs; i++)
        if (strncmp(module, system_dirs[i], strlen(system_dirs[i])) == 0)
            return 1;
    return 0;
}
