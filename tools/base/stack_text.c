#include "stack_text.h"

static int show_hidden;

void stack_text_show_hidden(int on)
{
    show_hidden = on;
}

const char *string_or(json_t *object, const char *key, const char *fallback)
{
    const char *s = json_string_value(json_object_get(object, key));
    return s ? s : fallback;
}

/* Leaves out what is not known. */
static void print_frame(FILE *to, size_t i, json_t *frame)
{
    fprintf(to, "    #%zu %s", i, string_or(frame, "pc", "?"));
    const char *function = string_or(frame, "function", NULL);
    const char *function_offset = string_or(frame, "function_offset", NULL);
    const char *file = string_or(frame, "file", NULL);
    const char *module = string_or(frame, "module", NULL);
    if (function)
        fprintf(to, " in %s", function);
    if (function && function_offset)
        fprintf(to, "+%s", function_offset);
    if (file)
        fprintf(to, " %s:%lld", file, (long long)json_integer_value(json_object_get(frame, "line")));
    if (module)
        fprintf(to, " (%s+%s)", module, string_or(frame, "offset", "?"));
    fputc('\n', to);
}

void print_stack(FILE *to, json_t *stack, json_int_t stack_depth)
{
    if (json_array_size(stack) == 0) {
        fputs(stack_depth == 0 ? "    (no stack: stack_depth=0)\n" : "    (no stack recorded)\n", to);
        return;
    }
    size_t i, shown = 0;
    json_t *frame;
    json_array_foreach(stack, i, frame)
        if (show_hidden || !json_is_true(json_object_get(frame, "hidden")))
            print_frame(to, shown++, frame);
}

void print_function(FILE *to, json_t *frame)
{
    const char *function = string_or(frame, "function", NULL);
    const char *module = string_or(frame, "module", NULL);
    if (function)
        fputs(function, to);
    else if (module)
        fprintf(to, "%s+%s", module, string_or(frame, "offset", "?"));
    else
        fputs(string_or(frame, "pc", "?"), to);
}
