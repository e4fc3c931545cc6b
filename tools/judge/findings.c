#include "findings.h"

#include <string.h>

#include "stack_text.h"

/* What exitguard did about a leak at the end, if anything. */
static void print_action(FILE *to, const char *action)
{
    if (!action)
        return;
    if (strcmp(action, "closed") == 0)
        fputs("; closed by exitguard (fds=close)", to);
    else if (strcmp(action, "buffered_data_may_be_lost") == 0)
        fputs("; its FILE* buffer may hold data never written", to);
    else
        fprintf(to, "; %s", action);
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
    print_action(to, string_or(leak, "action", NULL));
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
