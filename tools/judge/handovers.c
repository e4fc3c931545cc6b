#define _GNU_SOURCE
#include "handovers.h"

#include <stdlib.h>
#include <string.h>

#include "leak_identity.h"
#include "totals.h"

#define SHELLS_KEPT 3
#define PROGRAMS_KEPT 5

int is_shell(json_t *report)
{
    static const char *const shells[] = {"sh",  "dash", "bash", "ash",  "ksh",
                                         "ksh93", "mksh", "zsh", "yash", "posh"};
    const char *exe = json_string_value(json_object_get(report, "exe"));
    if (!exe)
        return 0;
    const char *name = base_name(exe);
    if (strcmp(name, "busybox") == 0) { /* one binary, many programs: its argv[0] says */
        const char *arg0 = json_string_value(json_array_get(json_object_get(report, "argv"), 0));
        if (!arg0)
            return 0;
        name = base_name(arg0);
    }
    for (size_t i = 0; i < sizeof shells / sizeof *shells; i++)
        if (strcmp(name, shells[i]) == 0)
            return 1;
    return 0;
}

static char *joined_argv(json_t *report)
{
    size_t i, len = 0;
    json_t *arg;
    json_t *argv = json_object_get(report, "argv");
    json_array_foreach(argv, i, arg) len += strlen(json_string_value(arg) ? json_string_value(arg) : "") + 1;
    char *text = malloc(len + 1), *at = text;
    if (!text)
        return NULL;
    *text = 0;
    json_array_foreach(argv, i, arg) {
        const char *s = json_string_value(arg) ? json_string_value(arg) : "";
        at += sprintf(at, "%s%s", i ? " " : "", s);
    }
    return text;
}

/* Adds `value` to the string array `key` of `entry` unless it is there;
 * past `kept` entries only `count_key` grows. */
static void add_distinct(json_t *entry, const char *key, const char *count_key, const char *value,
                         size_t kept)
{
    json_t *list = json_object_get(entry, key);
    size_t i;
    json_t *have;
    json_array_foreach(list, i, have)
        if (strcmp(json_string_value(have), value) == 0)
            return;
    json_t *seen = json_object_get(json_object_get(entry, "_seen"), key);
    if (json_object_get(seen, value))
        return;
    json_object_set_new(seen, value, json_true());
    json_object_set_new(entry, count_key, json_integer(json_integer_value(json_object_get(entry, count_key)) + 1));
    if (json_array_size(list) < kept)
        json_array_append_new(list, json_string(value));
}

static json_t *entry_for(json_t *handovers, json_t *index, json_t *leak)
{
    char *identity = leak_identity(LEAK_EXEC, leak);
    char *key = NULL;
    if (!identity || asprintf(&key, "%lld\n%s", (long long)json_integer_value(json_object_get(leak, "fd")),
                              identity) < 0)
        key = NULL;
    free(identity);
    if (!key)
        return NULL;
    json_t *at = json_object_get(index, key);
    if (at) {
        free(key);
        return json_array_get(handovers, (size_t)json_integer_value(at));
    }
    char *site = leak_site(json_object_get(leak, "stack"));
    json_t *entry = json_pack("{s:O?, s:O?, s:O?, s:O?, s:s?, s:[], s:i, s:i, s:[], s:i, s:{s:{}, s:{}}}",
                              "fd", json_object_get(leak, "fd"), "description",
                              json_object_get(leak, "description"), "via",
                              json_object_get(leak, "via"), "stack", json_object_get(leak, "stack"),
                              "site", site, "shells", "shell_count", 0, "commands", 0, "programs",
                              "program_count", 0, "_seen", "shells", "programs");
    free(site);
    json_object_set_new(index, key, json_integer((json_int_t)json_array_size(handovers)));
    free(key);
    json_array_append_new(handovers, entry);
    return entry;
}

size_t take_handovers(json_t *handovers, json_t *reports)
{
    json_t *index = json_object();
    size_t moved = 0, r;
    json_t *report;
    json_array_foreach(reports, r, report) {
        json_t *leaks = leak_array(report, LEAK_EXEC);
        if (!json_array_size(leaks) || !is_shell(report))
            continue;
        char *shell = joined_argv(report);
        const char *program =
            json_string_value(json_object_get(json_object_get(report, "end"), "path"));
        size_t i;
        json_t *leak;
        json_array_foreach(leaks, i, leak) {
            json_t *entry = entry_for(handovers, index, leak);
            if (!entry)
                continue;
            if (shell)
                add_distinct(entry, "shells", "shell_count", shell, SHELLS_KEPT);
            add_distinct(entry, "programs", "program_count", program ? base_name(program) : "?",
                         PROGRAMS_KEPT);
            json_object_set_new(entry, "commands",
                                json_integer(json_integer_value(json_object_get(entry, "commands")) + 1));
            moved++;
        }
        free(shell);
        json_array_clear(leaks);
    }
    json_decref(index);
    size_t i;
    json_t *entry;
    json_array_foreach(handovers, i, entry) json_object_del(entry, "_seen");
    return moved;
}

static void print_list(FILE *to, json_t *list, json_int_t count, const char *more)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
        fprintf(to, "%s%s", i ? ", " : "", json_string_value(item));
    if (count > (json_int_t)json_array_size(list))
        fprintf(to, " and %lld more %s", (long long)(count - (json_int_t)json_array_size(list)), more);
}

void print_handovers(FILE *to, json_t *handovers)
{
    size_t n = json_array_size(handovers), i;
    if (!n)
        return;
    json_int_t commands = 0;
    json_t *entry;
    json_array_foreach(handovers, i, entry)
        commands += json_integer_value(json_object_get(entry, "commands"));
    fprintf(to, "exitguard: shells handed on %zu %s to %lld %s they ran, by design (not leaks; "
                "--no-default-suppressions reports them):\n",
            n, n == 1 ? "fd" : "fds", (long long)commands, commands == 1 ? "command" : "commands");
    json_array_foreach(handovers, i, entry) {
        const char *description = json_string_value(json_object_get(entry, "description"));
        const char *site = json_string_value(json_object_get(entry, "site"));
        json_int_t given = json_integer_value(json_object_get(entry, "commands"));
        fprintf(to, "  fd %lld (%s), opened at %s by ",
                (long long)json_integer_value(json_object_get(entry, "fd")),
                description ? description : "?", site ? site : "?");
        print_list(to, json_object_get(entry, "shells"),
                   json_integer_value(json_object_get(entry, "shell_count")), "shells");
        fprintf(to, ": to %lld %s (", (long long)given, given == 1 ? "command" : "commands");
        print_list(to, json_object_get(entry, "programs"),
                   json_integer_value(json_object_get(entry, "program_count")), "programs");
        fprintf(to, ")\n");
    }
}
