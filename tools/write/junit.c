#define _GNU_SOURCE
#include "junit.h"

#include <stdlib.h>
#include <string.h>

#include "exit_findings.h"
#include "findings.h"
#include "leak_identity.h"
#include "shell_words.h"
#include "stack_text.h"
#include "totals.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

void print_xml_text(FILE *to, const char *text, int in_attribute)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", to); continue;
        case '<': fputs("&lt;", to); continue;
        case '>': fputs("&gt;", to); continue;
        case '"': fputs("&quot;", to); continue;
        case '\'': fputs("&apos;", to); continue;
        case '\n': fputs(in_attribute ? "&#10;" : "\n", to); continue;
        case '\t': fputs(in_attribute ? "&#9;" : "\t", to); continue;
        case '\r': fputs("&#13;", to); continue; /* a parser would make it \n */
        }
        if (*p < 0x20 || *p == 0x7f) {
            fputs(REPLACEMENT, to); /* 0x7f is legal, but unreadable */
        } else if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
            fputs(REPLACEMENT, to); /* U+FFFE, U+FFFF: not characters */
            p += 2;
        } else {
            fputc(*p, to); /* jansson checked that strings are UTF-8 */
        }
    }
}

/* What the run of reports [first, first + count) holds, counted. */
struct process_counts {
    size_t leaks;    /* fds left or handed on, temp files, children */
    size_t misuses;
    size_t finalizer_failures;
    int news;        /* anything to show, findings or not */
};

static struct process_counts count_process(json_t *reports, size_t first, size_t count)
{
    struct process_counts c = {0};
    for (size_t i = first; i < first + count; i++) {
        json_t *report = json_array_get(reports, i);
        c.leaks += report_leaks(report) + report_tempfiles(report) +
                   json_array_size(leak_array(report, LEAK_PROCESS));
        c.misuses += report_errors(report);
        c.finalizer_failures += report_finalizer_failures(report);
        c.news |= report_has_news(report) || json_array_size(leak_array(report, LEAK_PROCESS));
    }
    return c;
}

/* The process's findings as the summary words them; malloc'd. */
static char *process_text(json_t *reports, size_t first, size_t count)
{
    char *text = NULL;
    size_t size = 0;
    FILE *to = open_memstream(&text, &size);
    if (!to)
        return NULL;
    for (size_t r = first; r < first + count; r++) {
        json_t *report = json_array_get(reports, r);
        json_int_t depth = json_integer_value(json_object_get(report, "stack_depth"));
        size_t i;
        json_t *item;
        if (report_is_exec(report) && report_leaks(report)) {
            fputs("handed across exec to ", to);
            print_shell_word(to, json_string_value(json_object_get(
                                     json_object_get(report, "end"), "path")) ?: "?");
            fputs(" without O_CLOEXEC:\n", to);
        }
        json_array_foreach(json_object_get(report, "leaks"), i, item)
            print_leak(to, item, depth);
        json_array_foreach(json_object_get(report, "errors"), i, item)
            print_error(to, item, depth);
        json_array_foreach(json_object_get(report, "tempfiles"), i, item)
            print_tempfile(to, item, depth);
        json_array_foreach(leak_array(report, LEAK_PROCESS), i, item)
            print_child(to, item, depth);
        json_array_foreach(json_object_get(report, "finalizers"), i, item)
            print_finalizer(to, item, depth);
        json_array_foreach(json_object_get(report, "threads"), i, item)
            print_thread(to, item, depth);
    }
    if (fclose(to) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

static int failed(const struct process_counts *c)
{
    return c->leaks || c->misuses || c->finalizer_failures;
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* "2 leaks, 1 fd misuse, 1 finalizer failed", the failure's message. */
static void print_failure_message(FILE *to, const struct process_counts *c)
{
    const char *separator = "";
    if (c->leaks) {
        fprintf(to, "%zu %s", c->leaks, plural(c->leaks, "leak", "leaks"));
        separator = ", ";
    }
    if (c->misuses) {
        fprintf(to, "%s%zu %s", separator, c->misuses,
                plural(c->misuses, "fd misuse", "fd misuses"));
        separator = ", ";
    }
    if (c->finalizer_failures)
        fprintf(to, "%s%zu %s failed", separator, c->finalizer_failures,
                plural(c->finalizer_failures, "finalizer", "finalizers"));
}

/* The process's name: its argv shell-quoted (the program it ended as).
 * No pid: CI history matches test cases by name from run to run; the pid
 * is a property of the case. */
static void print_testcase_name(FILE *to, json_t *report)
{
    char *name = NULL;
    size_t size = 0;
    FILE *words = open_memstream(&name, &size);
    if (!words)
        return;
    json_t *argv = json_object_get(report, "argv");
    if (json_array_size(argv))
        print_argv_json(words, argv);
    else
        print_shell_word(words, json_string_value(json_object_get(report, "exe")) ?: "?");
    if (fclose(words) == 0)
        print_xml_text(to, name, 1);
    free(name);
}

static void print_testcase(FILE *to, json_t *reports, size_t first, size_t count)
{
    struct process_counts c = count_process(reports, first, count);
    fputs("    <testcase classname=\"exitguard\" name=\"", to);
    json_t *last = json_array_get(reports, first + count - 1);
    print_testcase_name(to, last);
    fprintf(to, "\">\n      <properties><property name=\"pid\" value=\"%lld\"/></properties>\n",
            (long long)json_integer_value(json_object_get(last, "pid")));
    if (!c.news) {
        fputs("    </testcase>\n", to);
        return;
    }
    char *text = process_text(reports, first, count);
    if (failed(&c)) {
        fputs("      <failure message=\"", to);
        print_failure_message(to, &c);
        fprintf(to, "\" type=\"%s\">", c.leaks ? "leak" : c.misuses ? "misuse" : "finalizer");
        print_xml_text(to, text ? text : "", 0);
        fputs("</failure>\n", to);
    } else {
        fputs("      <system-out>", to);
        print_xml_text(to, text ? text : "", 0);
        fputs("</system-out>\n", to);
    }
    free(text);
    fputs("    </testcase>\n", to);
}

/* Whether `report` continues the process of `previous`: the same pid, and
 * `previous` was written at an exec (reports come sorted by pid, then in
 * the order written).  totals.c counts processes so, in a static function
 * of its own. */
static int continues_process(json_t *previous, json_t *report)
{
    return report_is_exec(previous) && json_integer_value(json_object_get(previous, "pid")) ==
                                           json_integer_value(json_object_get(report, "pid"));
}

/* How many reports, from `first`, make one process: the exec documents
 * of a pid and the one that ends it. */
static size_t process_length(json_t *reports, size_t first)
{
    size_t count = 1;
    while (first + count < json_array_size(reports) &&
           continues_process(json_array_get(reports, first + count - 1),
                             json_array_get(reports, first + count)))
        count++;
    return count;
}

int print_junit(FILE *to, json_t *reports)
{
    size_t tests = 0, failures = 0;
    for (size_t i = 0; i < json_array_size(reports); i += process_length(reports, i)) {
        struct process_counts c = count_process(reports, i, process_length(reports, i));
        tests++;
        failures += failed(&c) != 0;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", to);
    fprintf(to, "<testsuites name=\"exitguard\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
            tests, failures);
    fprintf(to, "  <testsuite name=\"exitguard\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
                "skipped=\"0\">\n", tests, failures);
    for (size_t i = 0; i < json_array_size(reports);) {
        size_t count = process_length(reports, i);
        print_testcase(to, reports, i, count);
        i += count;
    }
    fputs("  </testsuite>\n</testsuites>\n", to);
    return fflush(to) == 0 && !ferror(to) ? 0 : -1;
}
