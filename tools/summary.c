#include "summary.h"

#include <string.h>

#include "findings.h"
#include "shell_words.h"
#include "wait_status.h"

/* "exited with status 3", "called _exit(1)", "killed by SIGSEGV" */
static void print_end(FILE *to, json_t *end)
{
    const char *how = json_string_value(json_object_get(end, "how"));
    long long status = (long long)json_integer_value(json_object_get(end, "status"));
    if (!how) {
        fputs("ended", to);
    } else if (strcmp(how, "signal") == 0) {
        const char *name = json_string_value(json_object_get(end, "name"));
        if (name)
            fprintf(to, "was killed by %s", name);
        else
            fprintf(to, "was killed by signal %lld",
                    (long long)json_integer_value(json_object_get(end, "signal")));
    } else if (strcmp(how, "exit") == 0) {
        fprintf(to, "exited with status %lld", status);
    } else {
        fprintf(to, "called %s(%lld)", how, status); /* _exit, quick_exit */
    }
}

/* fds the registry thought open that the kernel had closed (a raw close
 * syscall no interposer sees): not leaks, but worth knowing about. */
static void print_closed_unseen(FILE *to, json_t *fds)
{
    if (!json_array_size(fds))
        return;
    fputs("  closed without exitguard seeing it (a raw close syscall?): fd", to);
    size_t i;
    json_t *fd;
    json_array_foreach(fds, i, fd)
        fprintf(to, "%s %lld", i ? "," : "", (long long)json_integer_value(fd));
    fputc('\n', to);
}

static void print_process(FILE *to, json_t *report)
{
    json_t *argv = json_object_get(report, "argv");
    fputc('\n', to);
    if (json_array_size(argv))
        print_argv_json(to, argv);
    else
        print_shell_word(to, json_string_value(json_object_get(report, "exe")) ?: "?");
    fprintf(to, " (pid %lld) ", (long long)json_integer_value(json_object_get(report, "pid")));
    print_end(to, json_object_get(report, "end"));

    size_t leaks = report_leaks(report), errors = report_errors(report);
    if (!leaks && !errors) {
        fputs(": nothing left open\n", to);
        print_closed_unseen(to, json_object_get(report, "closed_unseen"));
        return;
    }
    fputs(":\n", to);
    json_int_t depth = json_integer_value(json_object_get(report, "stack_depth"));
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(report, "leaks"), i, item)
        print_leak(to, item, depth);
    json_array_foreach(json_object_get(report, "errors"), i, item)
        print_error(to, item, depth);
    json_int_t dropped = json_integer_value(json_object_get(report, "errors_dropped"));
    if (dropped > 0)
        fprintf(to, "  (%lld more fd misuses, not kept)\n", (long long)dropped);
    print_closed_unseen(to, json_object_get(report, "closed_unseen"));
}

void print_summary(FILE *to, json_t *reports, char *const *command, int wait_status,
                   int verbose)
{
    char how[64];
    describe_wait_status(wait_status, how, sizeof how);
    fputs("exitguard: fd report for ", to);
    print_command(to, command);
    fprintf(to, " (%s)\n", how);

    int listed = 0;
    size_t i;
    json_t *report;
    json_array_foreach(reports, i, report) {
        if (verbose || report_leaks(report) || report_errors(report)) {
            print_process(to, report);
            listed = 1;
        }
    }
    if (listed)
        fputc('\n', to);
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void print_final_line(FILE *to, const struct totals *t, size_t unreadable)
{
    fprintf(to, "exitguard: %zu %s", t->processes, plural(t->processes, "process", "processes"));
    if (t->processes == 0)
        fputs(" reported (static and setuid programs, and processes killed by a signal, write no report)", to);
    else if (t->leaks)
        fprintf(to, ", %zu leaked: %zu %s leaked, %zu %s", t->leaking_processes, t->leaks,
                plural(t->leaks, "fd", "fds"), t->errors,
                plural(t->errors, "fd misuse", "fd misuses"));
    else if (t->errors)
        fprintf(to, ", no leaks, %zu %s", t->errors, plural(t->errors, "fd misuse", "fd misuses"));
    else
        fputs(", no leaks", to);
    if (unreadable)
        fprintf(to, " (%zu unreadable %s)", unreadable, plural(unreadable, "report", "reports"));
    fputc('\n', to);
}

void print_no_reports_line(FILE *to, const char *why)
{
    fprintf(to, "exitguard: no reports collected: %s\n", why);
}
