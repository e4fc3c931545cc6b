/* The HTML page over hand-made reports (fixtures.h): what the program
 * names is escaped, every kind of finding has its filter, a deep tree
 * stays within what a browser nests; and the source lines it shows. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"
#include "html_report.h"
#include "source_lines.h"
#include "totals.h"

static char *page_of(json_t *reports)
{
    json_t *leftovers = json_array();
    struct totals totals = count_totals(reports, leftovers);
    struct leak_filters filters = {0};
    char *command[] = {"make", "check", NULL};
    struct html_run run = {command, 0, reports, leftovers, &totals, &filters, 0, NULL};
    char *text = NULL;
    size_t size = 0;
    FILE *to = open_memstream(&text, &size);
    cr_assert(to);
    cr_assert_eq(print_html_report(to, &run), 0);
    fclose(to);
    json_decref(leftovers);
    return text;
}

static size_t occurrences(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

Test(html, what_the_program_names_is_escaped)
{
    json_t *reports = fixture_reports();
    char *page = page_of(reports);
    /* pid 200's argv: & < > " ' a newline and \x01 */
    cr_assert(strstr(page, "&amp;"), "%s", page);
    cr_assert(strstr(page, "&lt;"));
    cr_assert(strstr(page, "&quot;"));
    cr_assert(strstr(page, "&#39;"));
    cr_assert_null(strchr(page, '\x01'), "a control character on the page");
    cr_assert_eq(occurrences(page, "<script"), 1, "the page's own script only");
    free(page);
    json_decref(reports);
}

Test(html, every_kind_found_has_its_filter_and_its_items)
{
    json_t *reports = fixture_reports();
    char *page = page_of(reports);
    static const char *const kinds[] = {"fd", "exec", "process", "tempfile", "thread", "misuse"};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        char label[64], item[64];
        snprintf(label, sizeof label, "<label for=\"show-%s\">", kinds[k]);
        snprintf(item, sizeof item, "<li class=\"item k-%s\">", kinds[k]);
        cr_assert(strstr(page, label), "no filter for %s", kinds[k]);
        cr_assert(strstr(page, item), "no %s item", kinds[k]);
    }
    /* no finalizer in the fixture: no filter for them */
    cr_assert_null(strstr(page, "<label for=\"show-finalizer\">"));
    /* /work/main/src/scratch.c is not on this machine */
    cr_assert(strstr(page, "source not found: <code>/work/main/src/scratch.c:7</code>"), "%s",
              page);
    free(page);
    json_decref(reports);
}

/* 200 processes, each started by the one before */
Test(html, a_deep_tree_nests_no_deeper_than_a_browser_does)
{
    json_t *reports = json_array();
    for (int i = 0; i < 200; i++)
        json_array_append_new(reports, json_pack("{s:i, s:i, s:i, s:[s], s:{s:s, s:i}, s:[]}",
                                                 "exitguard_report", 2, "pid", 1000 + i, "ppid",
                                                 999 + i, "argv", "sh", "end", "how", "exit",
                                                 "status", 0, "leaks"));
    char *page = page_of(reports);
    cr_assert_eq(occurrences(page, "<li class=\"proc"), 200);
    int depth = 0, deepest = 0;
    for (const char *p = page; *p; p++) {
        if (strncmp(p, "<ul", 3) == 0 && ++depth > deepest)
            deepest = depth;
        else if (strncmp(p, "</ul>", 5) == 0)
            depth--;
    }
    cr_assert_eq(depth, 0);
    cr_assert_leq(deepest, 40, "nested %d lists deep", deepest);
    free(page);
    json_decref(reports);
}

static const char *numbered_file(int lines)
{
    const char *path = scratch_file(".c");
    FILE *f = fopen(path, "w");
    cr_assert(f);
    for (int i = 1; i <= lines; i++)
        fprintf(f, "line %d\n", i);
    fclose(f);
    chmod(path, 0644); /* as a source file is: root reads only those */
    return path;
}

Test(source_lines, the_lines_around_one)
{
    const char *path = numbered_file(20);
    struct source_lines lines;
    cr_assert_eq(read_source_lines(path, NULL, 9, &lines), 0);
    cr_assert_eq(lines.first, 6);
    cr_assert_eq(lines.count, 7);
    cr_assert_str_eq(lines.lines[3], "line 9");
    free_source_lines(&lines);
    cr_assert_eq(read_source_lines(path, NULL, 2, &lines), 0);
    cr_assert_eq(lines.first, 1);
    cr_assert_eq(lines.count, 5);
    free_source_lines(&lines);
    cr_assert_eq(read_source_lines(path, NULL, 20, &lines), 0);
    cr_assert_eq(lines.count, 4, "17 to 20");
    free_source_lines(&lines);
    cr_assert_eq(read_source_lines(path, NULL, 21, &lines), -1, "no such line: not this file");
    /* relative to the directory given */
    char *dir = strdup(path), *slash = strrchr(dir, '/');
    *slash = '\0';
    cr_assert_eq(read_source_lines(slash + 1, "/nonexistent", 9, &lines), -1);
    cr_assert_eq(read_source_lines(path + strlen(dir) + 1, dir, 9, &lines), 0);
    cr_assert_str_eq(lines.lines[3], "line 9");
    free_source_lines(&lines);
    free(dir);
    unlink(path);
}

Test(source_lines, what_is_not_a_source_file_is_not_read, .timeout = 5)
{
    struct source_lines lines;
    cr_assert_eq(read_source_lines("/nonexistent/x.c", NULL, 1, &lines), -1);
    cr_assert_eq(read_source_lines("/tmp", NULL, 1, &lines), -1, "a directory");
    const char *fifo = scratch_file(".c");
    unlink(fifo);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_assert_eq(read_source_lines(fifo, NULL, 1, &lines), -1, "a FIFO, without hanging");
    unlink(fifo);
    if (geteuid() == 0) { /* root shows only what everyone may read */
        const char *path = numbered_file(5);
        chmod(path, 0600);
        cr_assert_eq(read_source_lines(path, NULL, 1, &lines), -1);
        chmod(path, 0644);
        cr_assert_eq(read_source_lines(path, NULL, 1, &lines), 0);
        free_source_lines(&lines);
        unlink(path);
    }
}
