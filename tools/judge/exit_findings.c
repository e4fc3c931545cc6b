#include "exit_findings.h"

#include <string.h>

#include "child_names.h"
#include "leftovers_json.h"
#include "shell_words.h"
#include "stack_text.h"
#include "wait_status.h"

static long long integer(json_t *object, const char *key)
{
    return (long long)json_integer_value(json_object_get(object, key));
}

/* "temp file /tmp/x.a1b2c3 (fd 3) removed by exitguard (tempfiles=unlink); created at:" */
void print_tempfile(FILE *to, json_t *tempfile, json_int_t stack_depth)
{
    const char *action = string_or(tempfile, "action", "kept");
    fputs("  temp file ", to);
    print_shell_word(to, string_or(tempfile, "path", "?"));
    if (json_is_integer(json_object_get(tempfile, "fd")))
        fprintf(to, " (fd %lld)", integer(tempfile, "fd"));
    if (strcmp(action, "removed") == 0)
        fputs(" removed by exitguard (tempfiles=unlink)", to);
    else if (strcmp(action, "remove_failed") == 0)
        fputs(" left on disk: exitguard could not remove it", to);
    else
        fputs(" left on disk", to);
    fputs("; created at:\n", to);
    print_stack(to, json_object_get(tempfile, "stack"), stack_depth);
}

/* What went wrong, after "finalizer NAME (...)". */
static void print_outcome(FILE *to, json_t *finalizer)
{
    const char *outcome = string_or(finalizer, "outcome", "?");
    if (strcmp(outcome, "crashed") == 0) {
        char name[32];
        signal_name((int)integer(finalizer, "signal"), name, sizeof name);
        fprintf(to, " crashed (%s)", string_or(finalizer, "name", name));
    } else if (strcmp(outcome, "exited") == 0) {
        fprintf(to, " called exit(%lld)", integer(finalizer, "status"));
    } else if (strcmp(outcome, "hung") == 0) {
        fputs(" hung and was abandoned (finalizer_timeout)", to);
    } else if (strcmp(outcome, "skipped") == 0) {
        const char *reason = string_or(finalizer, "reason", "?");
        if (strcmp(reason, "not_signal_safe") == 0)
            fputs(" skipped: not signal-safe, and the process ended by a signal", to);
        else if (strcmp(reason, "out_of_time") == 0)
            fputs(" skipped: the exit sequence ran out of time (exit_timeout)", to);
        else
            fprintf(to, " skipped (%s)", reason);
    } else {
        fprintf(to, ": %s", outcome);
    }
}

/* "finalizer close_db (obj 0x5581, fd 4) crashed (SIGSEGV); registered at:" */
void print_finalizer(FILE *to, json_t *finalizer, json_int_t stack_depth)
{
    const char *outcome = string_or(finalizer, "outcome", "?");
    if (strcmp(outcome, "ran") == 0)
        return;
    fputs("  finalizer ", to);
    print_function(to, json_object_get(finalizer, "fn"));
    fprintf(to, " (obj %s", string_or(finalizer, "obj", "?"));
    if (json_is_integer(json_object_get(finalizer, "fd")))
        fprintf(to, ", fd %lld", integer(finalizer, "fd"));
    fputc(')', to);
    print_outcome(to, finalizer);
    fputs("; registered at:\n", to);
    print_stack(to, json_object_get(finalizer, "stack"), stack_depth);
}

/* What became of a child the process left, as the report's "action" and
 * "group" say. */
static void print_child_action(FILE *to, json_t *child)
{
    const char *action = string_or(child, "action", "none");
    int group = json_is_true(json_object_get(child, "group"));
    if (strcmp(action, "terminated") == 0)
        fputs(group ? "; its process group terminated (SIGTERM)" : "; terminated (SIGTERM)", to);
    else if (strcmp(action, "killed") == 0)
        fputs(group ? "; its process group killed (SIGKILL after kill_grace)"
                    : "; killed (SIGKILL after kill_grace)", to);
    else if (strcmp(action, "survived") == 0)
        fputs("; it survived SIGKILL", to);
    else if (strcmp(action, "none") != 0)
        fprintf(to, "; %s", action);
    const char *after = string_or(child, "after_command", NULL);
    if (after)
        fprintf(to, "; when the command ended: %s", leftover_action_text(after));
}

/* "child process 1234 (sleep 100) still running; terminated (SIGTERM);
 * started by fork at:" */
void print_child(FILE *to, json_t *child, json_int_t stack_depth)
{
    fprintf(to, "  child process %lld", integer(child, "pid"));
    json_t *argv = json_object_get(child, "argv"), *forked_as = json_object_get(child, "forked_as");
    if (json_array_size(argv)) {
        fputs(" (", to);
        print_argv_json(to, argv);
        if (json_array_size(forked_as)) {
            fputs(child_was_forked(child) ? ", forked from " : ", started as ", to);
            print_argv_json(to, forked_as);
        }
        fputc(')', to);
    }
    const char *unchecked = string_or(child, "unchecked", NULL);
    if (unchecked)
        fprintf(to, " (%s: ran without exitguard)",
                strcmp(unchecked, "static") == 0 ? "statically linked" : unchecked);
    const char *state = string_or(child, "state", "running");
    if (strcmp(state, "zombie") == 0)
        fputs(" ended but was never waited for (a zombie)", to);
    else
        fputs(" still running", to);
    print_child_action(to, child);
    fprintf(to, "; started by %s at:\n", string_or(child, "via", "?"));
    print_stack(to, json_object_get(child, "stack"), stack_depth);
}

/* "thread 4321 still running, started in worker; created at:" */
void print_thread(FILE *to, json_t *thread, json_int_t stack_depth)
{
    fprintf(to, "  thread %lld still running, started in ", integer(thread, "tid"));
    print_function(to, json_object_get(thread, "start"));
    fputs("; created at:\n", to);
    print_stack(to, json_object_get(thread, "stack"), stack_depth);
}
