#define _GNU_SOURCE
#include "gen_suppressions.h"

#include <stdlib.h>
#include <string.h>

#include "leak_identity.h"
#include "shell_words.h"

static const char *string_at(json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

static const char *frame_name(json_t *frame)
{
    const char *function = string_at(frame, "function");
    const char *module = string_at(frame, "module");
    return function ? function : module ? base_name(module) : NULL;
}

/* What to name a leak by when its stack names nothing of the program's. */
static const char *subject(enum leak_kind kind, json_t *leak)
{
    switch (kind) {
    case LEAK_FD:
    case LEAK_EXEC:
        return string_at(leak, "target");
    case LEAK_TEMPFILE:
        return string_at(leak, "path");
    case LEAK_PROCESS:
        return child_program(leak);
    case LEAK_THREAD:
        return frame_name(json_object_get(leak, "start"));
    }
    return NULL;
}

/* "fd:PATTERN" with what a line cannot hold (a newline in a path) and
 * the blanks the parser would trim replaced by '*'; malloc'd. */
static char *rule_text(enum leak_kind kind, const char *pattern)
{
    char *text = NULL;
    if (asprintf(&text, "%s:%s", leak_kind_name(kind), pattern) < 0)
        return NULL;
    size_t length = strlen(text);
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        int edge = i == length - 1 || (i > 0 && text[i - 1] == ':');
        if (c < 0x20 || c == 0x7f || (edge && (c == ' ' || c == '\t')))
            text[i] = '*';
    }
    return text;
}

/* The comment's words, on one line whatever they hold. */
static void print_one_line(FILE *to, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, to);
}

static void print_comment(FILE *to, enum leak_kind kind, json_t *leak, json_t *report)
{
    static const char *const what[LEAK_KINDS] = {
        "fd left open", "fd handed across exec", "child process left", "temp file left",
        "thread still running"};
    fprintf(to, "# %s", what[kind]);
    const char *detail = kind == LEAK_FD || kind == LEAK_EXEC ? string_at(leak, "description")
                                                              : subject(kind, leak);
    if (detail) {
        fputs(": ", to);
        print_one_line(to, detail);
    }
    fputs(", in ", to);
    json_t *argv = json_object_get(report, "argv");
    if (json_array_size(argv))
        print_argv_json(to, argv); /* control characters come out escaped */
    else
        print_one_line(to, string_at(report, "exe") ?: "?");
    fputc('\n', to);
}

void print_generated_suppressions(FILE *to, json_t *reports)
{
    json_t *printed = json_object(); /* rule text -> true */
    fputs("# exitguard suppressions, one KIND:PATTERN a line (generated)\n", to);
    size_t r;
    json_t *report;
    json_array_foreach(reports, r, report) {
        for (int k = 0; k < LEAK_KINDS; k++) {
            enum leak_kind kind = (enum leak_kind)k;
            size_t i;
            json_t *leak;
            json_array_foreach(leak_array(report, kind), i, leak) {
                const char *pattern = frame_name(first_own_frame(json_object_get(leak, "stack")));
                if (!pattern)
                    pattern = subject(kind, leak);
                char *text = pattern && *pattern ? rule_text(kind, pattern) : NULL;
                if (!text) {
                    fprintf(to, "# (a %s leak with nothing to name it by)\n",
                            leak_kind_name(kind));
                    continue;
                }
                if (!json_object_get(printed, text)) {
                    print_comment(to, kind, leak, report);
                    json_t *own = first_own_frame(json_object_get(leak, "stack"));
                    if (own && !string_at(own, "function"))
                        /* a module is in the stack of every leak made
                         * through it: a test runner's and the test's own */
                        fputs("# (a module: it matches every leak whose stack passes through "
                              "it; narrow it if that is too much)\n", to);
                    fprintf(to, "%s\n", text);
                    json_object_set_new(printed, text, json_true());
                }
                free(text);
            }
        }
    }
    json_decref(printed);
}
