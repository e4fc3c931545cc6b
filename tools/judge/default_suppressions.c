#define _GNU_SOURCE
#include "default_suppressions.h"

#include <stdlib.h>
#include <string.h>

#include "messages.h"

void load_default_suppressions(struct default_suppressions *defaults, const char *path)
{
    *defaults = (struct default_suppressions){.hidden = json_array()};
    if (!path)
        return;
    char error[1024];
    if (load_suppressions(&defaults->rules, path, error, sizeof error) != 0) {
        complain("default suppressions not used: %s", error);
        return;
    }
    defaults->path = strdup(path);
}

/* "fd 255: file /x/build.sh", "temp file /tmp/x", "child process 42". */
static char *leak_words(enum leak_kind kind, json_t *leak)
{
    const char *description = json_string_value(json_object_get(leak, "description"));
    const char *target = json_string_value(json_object_get(leak, "target"));
    const char *path = json_string_value(json_object_get(leak, "path"));
    json_int_t number = json_integer_value(
        json_object_get(leak, kind == LEAK_FD || kind == LEAK_EXEC ? "fd" : "pid"));
    char *text = NULL;
    int n;
    switch (kind) {
    case LEAK_FD:
    case LEAK_EXEC:
        n = asprintf(&text, "fd %lld%s: %s", (long long)number,
                     kind == LEAK_EXEC ? " (handed across exec)" : "",
                     description ? description : target ? target : "?");
        break;
    case LEAK_TEMPFILE: n = asprintf(&text, "temp file %s", path ? path : "?"); break;
    case LEAK_PROCESS: n = asprintf(&text, "child process %lld", (long long)number); break;
    default: n = asprintf(&text, "thread"); break;
    }
    return n < 0 ? NULL : text;
}

static void note_hidden(struct default_suppressions *defaults, json_t *report,
                        enum leak_kind kind, json_t *leak, const struct suppression *rule)
{
    char *what = leak_words(kind, leak), *rule_text = NULL;
    if (asprintf(&rule_text, "%s:%s", rule->any_kind ? "*" : leak_kind_name(rule->kind),
                 rule->pattern) < 0)
        rule_text = NULL;
    json_array_append_new(
        defaults->hidden,
        json_pack("{s:O?, s:O?, s:s, s:s?, s:s?, s:I}", "pid", json_object_get(report, "pid"),
                  "argv", json_object_get(report, "argv"), "kind", leak_kind_name(kind),
                  "what", what, "rule", rule_text, "line",
                  (json_int_t)rule->line));
    free(what);
    free(rule_text);
}

size_t apply_default_suppressions(struct default_suppressions *defaults, json_t *reports)
{
    size_t removed = 0, r;
    json_t *report;
    if (!defaults->rules.count)
        return 0;
    json_array_foreach(reports, r, report) {
        for (int k = 0; k < LEAK_KINDS; k++) {
            enum leak_kind kind = (enum leak_kind)k;
            json_t *leaks = leak_array(report, kind);
            for (size_t i = 0; i < json_array_size(leaks);) {
                json_t *leak = json_array_get(leaks, i);
                struct suppression *rule = suppression_for(&defaults->rules, kind, leak);
                if (!rule) {
                    i++;
                    continue;
                }
                rule->suppressed++;
                note_hidden(defaults, report, kind, leak, rule);
                json_array_remove(leaks, i);
                removed++;
            }
        }
    }
    return removed;
}

/* The process as the summary names it: its argv, or "pid N". */
static void print_process(FILE *to, json_t *hidden)
{
    size_t i;
    json_t *arg;
    const char *separator = "";
    json_array_foreach(json_object_get(hidden, "argv"), i, arg) {
        fprintf(to, "%s%s", separator, json_string_value(arg) ? json_string_value(arg) : "?");
        separator = " ";
    }
    fprintf(to, "%s(pid %lld)", *separator ? " " : "",
            (long long)json_integer_value(json_object_get(hidden, "pid")));
}

void print_default_hidden(FILE *to, const struct default_suppressions *defaults, int verbose)
{
    size_t n = json_array_size(defaults->hidden), i;
    if (!n)
        return;
    fprintf(to, "exitguard: %zu %s hidden by default suppressions (%s; "
                "--no-default-suppressions shows %s)\n",
            n, n == 1 ? "finding" : "findings", verbose ? "listed below" : "--verbose lists them",
            n == 1 ? "it" : "them");
    if (!verbose)
        return;
    json_t *hidden;
    json_array_foreach(defaults->hidden, i, hidden) {
        fputs("  ", to);
        print_process(to, hidden);
        fprintf(to, ": %s, by %s (%s:%lld)\n",
                json_string_value(json_object_get(hidden, "what")),
                json_string_value(json_object_get(hidden, "rule")), defaults->path,
                (long long)json_integer_value(json_object_get(hidden, "line")));
    }
}

json_t *default_suppressions_json(const struct default_suppressions *defaults)
{
    if (!defaults->path)
        return NULL;
    return json_pack("{s:s, s:I, s:o}", "file", defaults->path, "hidden",
                     (json_int_t)json_array_size(defaults->hidden), "rules",
                     suppressions_used_json(&defaults->rules));
}

void free_default_suppressions(struct default_suppressions *defaults)
{
    free_suppressions(&defaults->rules);
    free(defaults->path);
    json_decref(defaults->hidden);
    *defaults = (struct default_suppressions){0};
}
