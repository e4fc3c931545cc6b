#include "findings.h"

#include <string.h>

static const char *string_or(json_t *object, const char *key, const char *fallback)
{
    const char *s = json_string_value(json_object_get(object, key));
    return s ? s : fallback;
}

/* "#0 0x55d1 in main /src/x.c:12 (/abs/module+0x11db)", leaving out what
 * is not known. */
static void print_frame(FILE *to, size_t i, json_t *frame)
{
    fprintf(to, "    #%zu %s", i, string_or(frame, "pc", "?"));
    const char *function = string_or(frame, "function", NULL);
    const char *file = string_or(frame, "file", NULL);
    const char *module = string_or(frame, "module", NULL);
    if (function)
        fprintf(to, " in %s", function);
    if (file)
        fprintf(to, " %s:%lld", file, (long long)json_integer_value(json_object_get(frame, "line")));
    if (module)
        fprintf(to, " (%s+%s)", module, string_or(frame, "offset", "?"));
    fputc('\n', to);
}

static void print_stack(FILE *to, json_t *stack, json_int_t stack_depth)
{
    if (json_array_size(stack) == 0) {
        fputs(stack_depth == 0 ? "    (no stack: stack_depth=0)\n" : "    (no stack recorded)\n", to);
        return;
    }
    size_t i;
    json_t *frame;
    json_array_foreach(stack, i, frame)
        print_frame(to, i, frame);
}

/* "fd 3: file /etc/hostname (O_RDONLY, no O_CLOEXEC), opened by fopen" */
void print_leak(FILE *to, json_t *leak, json_int_t stack_depth)
{
    const char *kind = string_or(leak, "kind", "fd");
    const char *description = string_or(leak, "description", NULL);
    if (!description)
        description = strcmp(kind, "unknown") == 0 ? "closed behind exitguard's back" : kind;
    fprintf(to, "  fd %lld: %s", (long long)json_integer_value(json_object_get(leak, "fd")),
            description);
    const char *flags = string_or(leak, "flags", NULL);
    json_t *cloexec = json_object_get(leak, "cloexec");
    if (flags && json_is_boolean(cloexec))
        fprintf(to, " (%s, %s)", flags, json_is_true(cloexec) ? "O_CLOEXEC" : "no O_CLOEXEC");
    else if (flags)
        fprintf(to, " (%s)", flags);
    const char *via = string_or(leak, "via", NULL);
    if (via)
        fprintf(to, ", opened by %s", via);
    fputc('\n', to);
    print_stack(to, json_object_get(leak, "stack"), stack_depth);
}

void print_error(FILE *to, json_t *error, json_int_t stack_depth)
{
    const char *kind = string_or(error, "kind", "?");
    const char *via = string_or(error, "via", "close");
    long long fd = (long long)json_integer_value(json_object_get(error, "fd"));
    const char *earlier = NULL;
    if (strcmp(kind, "double_close") == 0) {
        fprintf(to, "  error: fd %lld closed twice, by %s\n", fd, via);
        earlier = "first closed at:";
    } else if (strcmp(kind, "close_never_opened") == 0) {
        fprintf(to, "  error: fd %lld closed by %s but never opened\n", fd, via);
    } else if (strcmp(kind, "close_stream_fd") == 0) {
        const char *stream = string_or(error, "stream", "FILE*");
        fprintf(to, "  error: fd %lld closed by %s while a %s still uses it\n", fd, via, stream);
        earlier = strcmp(stream, "DIR*") == 0 ? "the DIR* was opened at:"
                                              : "the FILE* was opened at:";
    } else {
        fprintf(to, "  error: %s on fd %lld, by %s\n", kind, fd, via);
    }
    print_stack(to, json_object_get(error, "stack"), stack_depth);
    json_t *earlier_stack = json_object_get(error, "earlier_stack");
    if (earlier_stack) {
        fprintf(to, "    %s\n", earlier ? earlier : "earlier:");
        print_stack(to, earlier_stack, stack_depth);
    }
}
