#include "process_words.h"

#include <stdlib.h>
#include <string.h>

#include "leftovers_json.h"
#include "shell_words.h"
#include "totals.h"

/* ", which exitguard cannot follow (statically linked)" */
void print_unchecked(FILE *to, json_t *end)
{
    const char *why = json_string_value(json_object_get(end, "unchecked"));
    if (why)
        fprintf(to, ", which exitguard cannot follow (%s)",
                strcmp(why, "static") == 0 ? "statically linked" : why);
}

/* "exited with status 3", "called _exit(1)", "killed by SIGSEGV",
 * "was ended by SIGTERM while starting /usr/bin/sleep" */
void print_end(FILE *to, json_t *end)
{
    const char *how = json_string_value(json_object_get(end, "how"));
    const char *starting = json_string_value(json_object_get(end, "starting"));
    long long status = (long long)json_integer_value(json_object_get(end, "status"));
    if (!how) {
        fputs("ended", to);
    } else if (strcmp(how, "signal") == 0) {
        const char *name = json_string_value(json_object_get(end, "name"));
        fputs(starting ? "was ended by " : "was killed by ", to);
        if (name)
            fputs(name, to);
        else
            fprintf(to, "signal %lld",
                    (long long)json_integer_value(json_object_get(end, "signal")));
    } else if (strcmp(how, "exit") == 0) {
        fprintf(to, "exited with status %lld", status);
    } else if (strcmp(how, "unreported") == 0) {
        /* a post-mortem: what its registry file held */
        json_t *died = json_object_get(end, "status");
        const char *name = json_string_value(json_object_get(died, "name"));
        const char *why = json_string_value(json_object_get(end, "unchecked"));
        if (why)
            fprintf(to, "ended in a program exitguard cannot follow (%s)",
                    strcmp(why, "static") == 0 ? "statically linked" : why);
        else if (name && json_is_true(json_object_get(end, "exec")))
            fprintf(to, "was ended by %s while starting a new image", name);
        else if (name)
            fprintf(to, "was killed by %s before it could write a report", name);
        else
            fputs("was killed without writing a report (SIGKILL?)", to);
    } else if (strcmp(how, "exec") == 0) {
        fputs("exec'd ", to);
        print_shell_word(to, json_string_value(json_object_get(end, "path")) ?: "?");
        json_t *argv = json_object_get(end, "argv");
        const char *ended = json_string_value(json_object_get(end, "ended_by_command"));
        if (json_object_get(end, "unchecked")) {
            print_unchecked(to, end);
        } else if (ended) { /* what it ran wrote nothing: it had nothing to say */
            if (json_array_size(argv)) {
                fputs(" (", to);
                print_argv_json(to, argv);
                fputc(')', to);
            }
            fprintf(to, ", which wrote no report; when the command ended: %s",
                    leftover_action_text(ended));
        } else {
            fputs(", which wrote no report", to);
        }
    } else {
        fprintf(to, "called %s(%lld)", how, status); /* _exit, quick_exit */
    }
    if (starting) { /* the exec it was in when it ended */
        fputs(" while starting ", to);
        print_shell_word(to, starting);
    }
}

void print_report_end(FILE *to, json_t *report)
{
    json_t *end = json_object_get(report, "end");
    if (!report_held_nothing(report)) {
        print_end(to, end);
        return;
    }
    const char *name =
        json_string_value(json_object_get(json_object_get(end, "status"), "name"));
    if (name)
        fprintf(to, "was killed by %s; it held nothing", name);
    else
        fputs("died without writing a report; it held nothing", to);
}

/* Its argv, or its executable if it has none. */
void print_process_name(FILE *to, json_t *report)
{
    json_t *argv = json_object_get(report, "argv");
    if (json_array_size(argv))
        print_argv_json(to, argv);
    else
        print_shell_word(to, json_string_value(json_object_get(report, "exe")) ?: "?");
}

char *short_process_name(json_t *report)
{
    char *name = NULL;
    size_t size = 0;
    FILE *buffer = open_memstream(&name, &size);
    if (!buffer)
        return NULL;
    print_process_name(buffer, report);
    if (fclose(buffer) != 0) {
        free(name);
        return NULL;
    }
    enum { LONGEST = 48 };
    if (name && strlen(name) > LONGEST)
        strcpy(name + LONGEST - 3, "...");
    return name;
}
