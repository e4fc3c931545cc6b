#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "html_escape.h"
#include "html_sections.h"
#include "shell_words.h"
#include "summary.h"
#include "wait_status.h"

static void put_command(FILE *to, void *command)
{
    print_command(to, command);
}

void print_html_command(FILE *to, char *const *command)
{
    print_html_of(to, put_command, (void *)command);
}

struct final_line {
    const struct totals *totals;
    size_t unreadable;
};

/* The summary's last line, without "exitguard: " and its newline. */
static void put_final_line(FILE *to, void *arg)
{
    const struct final_line *f = arg;
    char *text = NULL;
    size_t size = 0;
    FILE *buffer = open_memstream(&text, &size);
    if (!buffer)
        return;
    print_final_line(buffer, f->totals, f->unreadable);
    if (fclose(buffer) == 0 && text) {
        const char *start = strncmp(text, "exitguard: ", 11) == 0 ? text + 11 : text;
        fwrite(start, 1, strcspn(start, "\n"), to);
    }
    free(text);
}

static size_t suppressed_total(const struct leak_filters *filters)
{
    size_t total = 0;
    for (size_t i = 0; i < filters->rules.count; i++)
        total += filters->rules.rules[i].suppressed;
    return total;
}

/* One box of the totals, when there is something to count: `bad` when a
 * count above 0 is a finding. */
static void print_total(FILE *to, const char *label, size_t n, int bad)
{
    if (n)
        fprintf(to, "<li%s><b>%zu</b>%s</li>\n", bad ? " class=\"bad\"" : "", n, label);
}

/* The same, shown at 0 too: what the run is about, and what filters did. */
static void print_total_always(FILE *to, const char *label, size_t n, int bad)
{
    fprintf(to, "<li class=\"%s\"><b>%zu</b>%s</li>\n", !n ? "zero" : bad ? "bad" : "", n, label);
}

void print_html_header(FILE *to, const struct html_run *run)
{
    const struct totals *t = run->totals;
    char how[64];
    describe_wait_status(run->wait_status, how, sizeof how);
    /* the summary's first line */
    fputs("<header>\n<h1>exitguard: report for <span class=\"name\">", to);
    print_html_command(to, run->command);
    fprintf(to, "</span> <span class=\"pid\" id=\"status\">(%s)</span></h1>\n", how);
    struct final_line f = {t, run->unreadable};
    fprintf(to, "<p class=\"verdict %s\" id=\"verdict\">", totals_have_findings(t) ? "found" : "clean");
    print_html_of(to, put_final_line, &f);
    fputs("</p>\n<ul class=\"totals\" id=\"totals\">\n", to);
    print_total_always(to, "processes", t->processes, 0);
    print_total_always(to, "leaked", t->leaking_processes, 1);
    print_total_always(to, "fds leaked", t->leaks, 1);
    print_total(to, "of them across exec", t->exec_leaks, 1);
    print_total(to, "fd misuses", t->errors, 1);
    print_total(to, "temp files left", t->tempfiles, 1);
    print_total(to, "finalizers failed", t->finalizer_failures, 1);
    print_total(to, "child processes left", t->children, 1);
    print_total(to, "still running after the command", t->leftovers, 1);
    print_total(to, "threads still running", t->threads, 0);
    print_total(to, "processes without a report", t->unreported, 1);
    if (run->filters->rules.count)
        print_total_always(to, "suppressed", suppressed_total(run->filters), 0);
    if (run->filters->baseline_path)
        print_total_always(to, "hidden by the baseline", run->filters->baseline_removed, 0);
    print_total(to, "unreadable reports", run->unreadable, 1);
    fputs("</ul>\n</header>\n", to);
}
