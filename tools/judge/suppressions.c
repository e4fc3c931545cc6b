#define _GNU_SOURCE
#include "suppressions.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Backtracking to the last '*' only: the classic linear-space glob, whose
 * worst case is quadratic, never exponential. */
int pattern_matches(const char *pattern, const char *text)
{
    const char *star = NULL, *resume = NULL;
    while (*text) {
        if (*pattern == '*') {
            star = ++pattern;
            resume = text;
        } else if (*pattern == *text) {
            pattern++;
            text++;
        } else if (star) {
            pattern = star;
            text = ++resume;
        } else {
            return 0;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* [*start, *end) without the blanks around it. */
static void trim(const char **start, const char **end)
{
    while (*start < *end && is_blank(**start))
        ++*start;
    while (*end > *start && is_blank((*end)[-1]))
        --*end;
}

static int add_rule(struct suppressions *rules, const struct suppression *rule)
{
    struct suppression *grown = realloc(rules->rules, (rules->count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    rules->rules = grown;
    rules->rules[rules->count++] = *rule;
    return 0;
}

/* One line, [start, end) without its newline: 1 if it held a rule, 0 if
 * not (blank, comment), -1 after writing what is wrong into `error`. */
static int parse_line(const char *start, const char *end, struct suppression *rule,
                      char *error, size_t error_size)
{
    trim(&start, &end);
    if (start == end || *start == '#')
        return 0;
    const char *colon = memchr(start, ':', (size_t)(end - start));
    if (!colon) {
        snprintf(error, error_size, "expected KIND:PATTERN, got '%.*s'", (int)(end - start),
                 start);
        return -1;
    }
    const char *kind_end = colon, *pattern = colon + 1;
    trim(&start, &kind_end);
    trim(&pattern, &end);
    size_t kind_len = (size_t)(kind_end - start);
    *rule = (struct suppression){0};
    if (kind_len == 1 && *start == '*') {
        rule->any_kind = 1;
    } else if (kind_len == 6 && strncmp(start, "misuse", 6) == 0) {
        rule->misuse = 1;
    } else if (leak_kind_parse(start, kind_len, &rule->kind) != 0) {
        snprintf(error, error_size,
                 "unknown kind '%.*s' (kinds: fd, exec, process, tempfile, thread, *, misuse)",
                 (int)kind_len, start);
        return -1;
    }
    if (pattern == end) {
        snprintf(error, error_size, "no pattern after '%.*s:'", (int)kind_len, start);
        return -1;
    }
    for (const char *p = pattern; p < end; p++) {
        if ((unsigned char)*p < 0x20 && *p != '\t') {
            snprintf(error, error_size, "control character 0x%02x in the pattern",
                     (unsigned char)*p);
            return -1;
        }
    }
    rule->pattern = strndup(pattern, (size_t)(end - pattern));
    if (!rule->pattern) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    return 1;
}

int parse_suppressions(struct suppressions *rules, const char *text, const char *file,
                       char *error, size_t error_size)
{
    size_t had = rules->count;
    unsigned number = 0;
    for (const char *line = text; *line;) {
        const char *end = strchrnul(line, '\n');
        number++;
        struct suppression rule;
        char what[512];
        int parsed = parse_line(line, end, &rule, what, sizeof what);
        if (parsed > 0) {
            rule.file = strdup(file);
            rule.line = number;
            if (!rule.file || add_rule(rules, &rule) != 0) {
                free(rule.file);
                free(rule.pattern);
                snprintf(what, sizeof what, "out of memory");
                parsed = -1;
            }
        }
        if (parsed < 0) {
            snprintf(error, error_size, "%s:%u: %s", file, number, what);
            /* all of the file, or none of it */
            while (rules->count > had) {
                rules->count--;
                free(rules->rules[rules->count].pattern);
                free(rules->rules[rules->count].file);
            }
            return -1;
        }
        line = *end ? end + 1 : end;
    }
    return 0;
}

int load_suppressions(struct suppressions *rules, const char *path, char *error,
                      size_t error_size)
{
    FILE *file = fopen(path, "re");
    char *text = NULL;
    size_t size = 0;
    ssize_t n = -1;
    if (file) {
        /* the whole file at once: getdelim with NUL as the delimiter */
        n = getdelim(&text, &size, '\0', file);
        if (n < 0 && !ferror(file))
            n = 0; /* an empty file */
    }
    int read_error = errno;
    if (file)
        fclose(file);
    if (n < 0) {
        snprintf(error, error_size, "cannot read suppressions file '%s': %s", path,
                 strerror(read_error));
        free(text);
        return -1;
    }
    if (n > 0 && strlen(text) != (size_t)n) {
        snprintf(error, error_size, "%s: not a text file (it holds a NUL byte)", path);
        free(text);
        return -1;
    }
    /* n == 0: getdelim wrote nothing into text, not even a NUL */
    int result = parse_suppressions(rules, n > 0 ? text : "", path, error, error_size);
    free(text);
    return result;
}

void free_suppressions(struct suppressions *rules)
{
    for (size_t i = 0; i < rules->count; i++) {
        free(rules->rules[i].pattern);
        free(rules->rules[i].file);
    }
    free(rules->rules);
    *rules = (struct suppressions){0};
}

/* `path` itself, or its last part. */
static int path_matches(const char *pattern, const char *path)
{
    return path && (pattern_matches(pattern, path) || pattern_matches(pattern, base_name(path)));
}

/* "dash+0xb739": a frame as leak_site names it without a function, so
 * that a rule can name a call site in a stripped program. */
static int module_offset_matches(const char *pattern, json_t *frame)
{
    const char *module = json_string_value(json_object_get(frame, "module"));
    const char *offset = json_string_value(json_object_get(frame, "offset"));
    char text[512];
    return module && offset &&
           snprintf(text, sizeof text, "%s+%s", base_name(module), offset) < (int)sizeof text &&
           pattern_matches(pattern, text);
}

static int frame_matches(const char *pattern, json_t *frame)
{
    const char *function = json_string_value(json_object_get(frame, "function"));
    return (function && pattern_matches(pattern, function)) ||
           module_offset_matches(pattern, frame) ||
           path_matches(pattern, json_string_value(json_object_get(frame, "file"))) ||
           path_matches(pattern, json_string_value(json_object_get(frame, "module")));
}

/* What the leak is, apart from its stack: the path an fd or temp file
 * refers to, a child's program, a thread's start routine. */
static int subject_matches(const char *pattern, enum leak_kind kind, json_t *leak)
{
    switch (kind) {
    case LEAK_FD:
    case LEAK_EXEC:
        return path_matches(pattern, json_string_value(json_object_get(leak, "target")));
    case LEAK_TEMPFILE:
        return path_matches(pattern, json_string_value(json_object_get(leak, "path")));
    case LEAK_PROCESS:
        return path_matches(pattern, child_program(leak));
    case LEAK_THREAD:
        return frame_matches(pattern, json_object_get(leak, "start"));
    }
    return 0;
}

static int stack_matches(const char *pattern, json_t *stack)
{
    size_t i;
    json_t *frame;
    json_array_foreach(stack, i, frame)
        if (frame_matches(pattern, frame))
            return 1;
    return 0;
}

static int rule_matches(const struct suppression *rule, enum leak_kind kind, json_t *leak)
{
    if (rule->misuse || (!rule->any_kind && rule->kind != kind))
        return 0;
    return subject_matches(rule->pattern, kind, leak) ||
           stack_matches(rule->pattern, json_object_get(leak, "stack"));
}

/* A misuse matches by its kind ("close_stream_fd"), or by a frame of
 * either of its stacks: where it happened, or the earlier close/open. */
static int misuse_matches(const struct suppression *rule, json_t *error)
{
    const char *what = json_string_value(json_object_get(error, "kind"));
    return rule->misuse && ((what && pattern_matches(rule->pattern, what)) ||
                            stack_matches(rule->pattern, json_object_get(error, "stack")) ||
                            stack_matches(rule->pattern, json_object_get(error, "earlier_stack")));
}

/* Misuse is a finding, not a leak: only a "misuse:" rule takes it out
 * (a boxfort worker closing its own directory fd while it closes every
 * fd before exec is every Criterion suite's, and nobody's to fix). */
static size_t suppress_misuse(struct suppressions *rules, json_t *report)
{
    size_t removed = 0;
    json_t *errors = json_object_get(report, "errors");
    for (size_t i = 0; i < json_array_size(errors);) {
        struct suppression *rule = NULL;
        for (size_t k = 0; !rule && k < rules->count; k++)
            if (misuse_matches(&rules->rules[k], json_array_get(errors, i)))
                rule = &rules->rules[k];
        if (rule) {
            rule->suppressed++;
            removed++;
            json_array_remove(errors, i);
        } else {
            i++;
        }
    }
    return removed;
}

struct suppression *suppression_for(struct suppressions *rules, enum leak_kind kind,
                                    json_t *leak)
{
    for (size_t i = 0; i < rules->count; i++)
        if (rule_matches(&rules->rules[i], kind, leak))
            return &rules->rules[i];
    return NULL;
}

/* A leak a rule takes out, counted for the first rule that does. */
static int suppressed(enum leak_kind kind, json_t *leak, void *rules)
{
    struct suppression *rule = suppression_for(rules, kind, leak);
    if (rule)
        rule->suppressed++;
    return rule != NULL;
}

size_t apply_suppressions(struct suppressions *rules, json_t *reports)
{
    size_t removed = remove_leaks(reports, suppressed, rules), r;
    json_t *report;
    json_array_foreach(reports, r, report)
        removed += suppress_misuse(rules, report);
    return removed;
}

static const char *kind_text(const struct suppression *rule)
{
    return rule->any_kind ? "*" : rule->misuse ? "misuse" : leak_kind_name(rule->kind);
}

json_t *suppressions_used_json(const struct suppressions *rules)
{
    json_t *used = json_array();
    for (size_t i = 0; used && i < rules->count; i++) {
        const struct suppression *rule = &rules->rules[i];
        char *text = NULL;
        if (asprintf(&text, "%s:%s", kind_text(rule), rule->pattern) < 0)
            text = NULL;
        json_array_append_new(used, json_pack("{s:s?, s:s, s:I, s:I}", "rule", text, "file",
                                              rule->file, "line", (json_int_t)rule->line,
                                              "suppressed", (json_int_t)rule->suppressed));
        free(text);
    }
    return used;
}

void print_suppressions_used(FILE *to, const struct suppressions *rules)
{
    size_t total = 0;
    for (size_t i = 0; i < rules->count; i++)
        total += rules->rules[i].suppressed;
    if (!total)
        return;
    fprintf(to, "exitguard: suppressed %zu %s:", total, total == 1 ? "leak" : "leaks");
    const char *separator = " ";
    for (size_t i = 0; i < rules->count; i++) {
        const struct suppression *rule = &rules->rules[i];
        if (!rule->suppressed)
            continue;
        fprintf(to, "%s%zu by %s:%s (%s:%u)", separator, rule->suppressed, kind_text(rule),
                rule->pattern, rule->file, rule->line);
        separator = ", ";
    }
    fputc('\n', to);
}
