#include "summary.h"

#include <string.h>

#include "exit_findings.h"
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
    } else if (strcmp(how, "unreported") == 0) { /* tools/postmortem.c */
        fputs("died without a report (post-mortem from its registry file)", to);
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

/* Its argv, or its executable if it has none. */
static void print_process_name(FILE *to, json_t *report)
{
    json_t *argv = json_object_get(report, "argv");
    if (json_array_size(argv))
        print_argv_json(to, argv);
    else
        print_shell_word(to, json_string_value(json_object_get(report, "exe")) ?: "?");
}

/* "sh -c 'make' (pid 42) exited with status 0" */
static void print_end_header(FILE *to, json_t *report)
{
    print_process_name(to, report);
    fprintf(to, " (pid %lld) ", (long long)json_integer_value(json_object_get(report, "pid")));
    print_end(to, json_object_get(report, "end"));
    fputs(report_has_news(report) ? ":\n" : ": nothing left open\n", to);
}

/* "pid 42 (sh -c 'exec make') exec'd /usr/bin/make handing it 2 fds
 * without O_CLOEXEC" */
static void print_exec_header(FILE *to, json_t *report)
{
    fprintf(to, "pid %lld (", (long long)json_integer_value(json_object_get(report, "pid")));
    print_process_name(to, report);
    fputs(") exec'd ", to);
    json_t *path = json_object_get(json_object_get(report, "end"), "path");
    print_shell_word(to, json_string_value(path) ?: "?");
    size_t leaks = report_leaks(report);
    if (leaks)
        fprintf(to, " handing it %zu %s without O_CLOEXEC:\n", leaks, leaks == 1 ? "fd" : "fds");
    else
        fputs(report_has_news(report) ? ":\n" : ": nothing handed on\n", to);
}

#define EACH(report, key, i, item) json_array_foreach(json_object_get(report, key), i, item)

static void print_process(FILE *to, json_t *report)
{
    fputc('\n', to);
    if (report_is_exec(report))
        print_exec_header(to, report);
    else
        print_end_header(to, report);
    json_int_t depth = json_integer_value(json_object_get(report, "stack_depth"));
    size_t i;
    json_t *item;
    EACH(report, "leaks", i, item)
        print_leak(to, item, depth);
    EACH(report, "errors", i, item)
        print_error(to, item, depth);
    json_int_t dropped = json_integer_value(json_object_get(report, "errors_dropped"));
    if (dropped > 0)
        fprintf(to, "  (%lld more fd misuses, not kept)\n", (long long)dropped);
    EACH(report, "tempfiles", i, item)
        print_tempfile(to, item, depth);
    EACH(report, "finalizers", i, item)
        print_finalizer(to, item, depth);
    EACH(report, "threads", i, item)
        print_thread(to, item, depth);
    print_closed_unseen(to, json_object_get(report, "closed_unseen"));
}

void print_summary(FILE *to, json_t *reports, char *const *command, int wait_status,
                   int verbose)
{
    char how[64];
    describe_wait_status(wait_status, how, sizeof how);
    fputs("exitguard: report for ", to);
    print_command(to, command);
    fprintf(to, " (%s)\n", how);

    int listed = 0;
    size_t i;
    json_t *report;
    json_array_foreach(reports, i, report) {
        if (verbose || report_has_news(report)) {
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

/* ", 3 fds leaked (1 across exec)": the leak count, then the other
 * findings, then what is shown without being a finding. */
static void print_counts(FILE *to, const struct totals *t)
{
    if (t->leaks) {
        fprintf(to, ", %zu leaked: %zu %s leaked", t->leaking_processes, t->leaks,
                plural(t->leaks, "fd", "fds"));
        if (t->exec_leaks)
            fprintf(to, " (%zu across exec)", t->exec_leaks);
    } else {
        fputs(", no leaks", to);
    }
    if (t->errors || t->leaks)
        fprintf(to, ", %zu %s", t->errors, plural(t->errors, "fd misuse", "fd misuses"));
    if (t->tempfiles)
        fprintf(to, ", %zu %s left", t->tempfiles, plural(t->tempfiles, "temp file", "temp files"));
    if (t->finalizer_failures)
        fprintf(to, ", %zu %s failed", t->finalizer_failures,
                plural(t->finalizer_failures, "finalizer", "finalizers"));
    if (t->threads)
        fprintf(to, ", %zu %s still running", t->threads, plural(t->threads, "thread", "threads"));
}

void print_final_line(FILE *to, const struct totals *t, size_t unreadable)
{
    fprintf(to, "exitguard: %zu %s", t->processes, plural(t->processes, "process", "processes"));
    if (t->processes == 0)
        fputs(" reported (static and setuid programs, and processes killed by a signal, write no report)", to);
    else
        print_counts(to, t);
    if (unreadable)
        fprintf(to, " (%zu unreadable %s)", unreadable, plural(unreadable, "report", "reports"));
    fputc('\n', to);
}

void print_no_reports_line(FILE *to, const char *why)
{
    fprintf(to, "exitguard: no reports collected: %s\n", why);
}
