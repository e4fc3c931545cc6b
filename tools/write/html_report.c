#define _GNU_SOURCE
#include "html_report.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "html_escape.h"
#include "html_sections.h"
#include "html_style.h"
#include "leftovers_json.h"

static void put_leftover(FILE *to, void *leftover)
{
    print_leftover(to, leftover);
}

static void print_leftovers_section(FILE *to, json_t *leftovers)
{
    size_t i, shown = 0;
    json_t *leftover;
    json_array_foreach(leftovers, i, leftover)
        shown += !leftover_reported_as_child(leftover);
    if (!shown)
        return;
    fprintf(to, "<section id=\"leftovers\">\n<h2>Still running when the command ended (%zu)</h2>\n"
                "<ul class=\"items\">\n", shown);
    json_array_foreach(leftovers, i, leftover) {
        if (leftover_reported_as_child(leftover))
            continue; /* shown under the process that left it */
        fputs("<li class=\"item\">", to);
        print_html_of(to, put_leftover, leftover);
        fputs("</li>\n", to);
    }
    fputs("</ul>\n</section>\n", to);
}

static void print_filters_section(FILE *to, const struct leak_filters *filters)
{
    if (!filters->rules.count && !filters->baseline_path)
        return;
    fputs("<section id=\"suppressions\">\n<h2>Suppressions and baseline</h2>\n", to);
    json_t *rules = suppressions_used_json(&filters->rules);
    if (json_array_size(rules)) {
        fputs("<table class=\"rules\">\n<tr><th>rule</th><th>where</th><th>suppressed</th></tr>\n", to);
        size_t i;
        json_t *rule;
        json_array_foreach(rules, i, rule) {
            fputs("<tr><td class=\"mono\">", to);
            print_html(to, json_string_value(json_object_get(rule, "rule")));
            fputs("</td><td class=\"mono\">", to);
            print_html(to, json_string_value(json_object_get(rule, "file")));
            fprintf(to, ":%lld</td><td>%lld</td></tr>\n",
                    (long long)json_integer_value(json_object_get(rule, "line")),
                    (long long)json_integer_value(json_object_get(rule, "suppressed")));
        }
        fputs("</table>\n", to);
    }
    json_decref(rules);
    if (filters->baseline_path) {
        fprintf(to, "<p>%zu %s in the baseline <code>", filters->baseline_removed,
                filters->baseline_removed == 1 ? "leak" : "leaks");
        print_html(to, filters->baseline_path);
        fputs("</code>, not shown.</p>\n", to);
    }
    fputs("</section>\n", to);
}

/* Node lists of each group, for the sites section. */
struct membership {
    struct html_page *page;
    long node;
};

static void note_member(enum leak_kind kind, json_t *leak, void *arg)
{
    struct membership *m = arg;
    struct leak_group *group = leak_group_of(&m->page->groups, kind, leak);
    if (!group)
        return;
    size_t g = (size_t)(group - m->page->groups.groups);
    size_t n = m->page->nmembers[g];
    if (n && m->page->members[g][n - 1] == m->node)
        return;
    long *more = realloc(m->page->members[g], (n + 1) * sizeof *more);
    if (!more)
        return;
    more[n] = m->node;
    m->page->members[g] = more;
    m->page->nmembers[g] = n + 1;
}

static void note_members(long at, void *arg)
{
    struct membership *m = arg;
    m->node = at;
    for_each_leak(&m->page->tree.nodes[at], note_member, m);
}

static int open_page(struct html_page *page, const struct html_run *run)
{
    *page = (struct html_page){.run = run};
    if (build_process_tree(run->reports, &page->tree) != 0)
        return -1;
    page->grouped = collect_leak_groups(&page->tree, &page->groups) == 0;
    size_t n = page->groups.count + 1;
    page->members = calloc(n, sizeof *page->members);
    page->nmembers = calloc(n, sizeof *page->nmembers);
    page->here_node = calloc(n, sizeof *page->here_node);
    page->here = calloc(n, sizeof *page->here);
    if (!page->members || !page->nmembers || !page->here_node || !page->here)
        page->grouped = 0;
    if (page->grouped) {
        for (size_t g = 0; g < page->groups.count; g++)
            page->here_node[g] = -1;
        struct membership m = {page, -1};
        for_each_node(&page->tree, note_members, &m);
    }
    return 0;
}

static void close_page(struct html_page *page)
{
    for (size_t g = 0; page->members && g < page->groups.count; g++)
        free(page->members[g]);
    free(page->members);
    free(page->nmembers);
    free(page->here_node);
    free(page->here);
    free_leak_groups(&page->groups);
    free_process_tree(&page->tree);
}

int print_html_report(FILE *to, const struct html_run *run)
{
    struct html_page page;
    if (open_page(&page, run) != 0) {
        close_page(&page);
        return -1;
    }
    /* a fresh nonce: the page's own script runs, nothing else would,
     * even if some text escaped the escaping */
    unsigned char random[16];
    char nonce[sizeof random * 2 + 1] = "";
    if (getrandom(random, sizeof random, 0) == (ssize_t)sizeof random)
        for (size_t i = 0; i < sizeof random; i++)
            snprintf(nonce + 2 * i, 3, "%02x", random[i]);
    fprintf(to, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'; script-src 'nonce-%s'\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>exitguard: ", nonce);
    print_html_command(to, run->command);
    fprintf(to, "</title>\n<style>\n%s", html_style);
    print_html_filter_style(to);
    fputs("</style>\n</head>\n<body>\n", to);
    print_html_header(to, run);
    print_html_filter_boxes(to);
    fputs("<main>\n", to);
    print_html_filter_labels(to, run);
    fputs("<nav><a href=\"#sites\">leak sites</a><a href=\"#tree\">processes</a>", to);
    if (json_array_size(run->leftovers))
        fputs("<a href=\"#leftovers\">still running</a>", to);
    fputs("</nav>\n", to);
    /* the sites first: in a run of hundreds of processes, what to fix */
    print_html_sites(to, &page);
    print_html_tree(to, &page);
    print_leftovers_section(to, run->leftovers);
    print_filters_section(to, run->filters);
    fprintf(to, "</main>\n<footer>written by exitguard --html</footer>\n"
                "<script nonce=\"%s\">\n%s</script>\n</body>\n</html>\n", nonce, html_script);
    close_page(&page);
    return fflush(to) == 0 && !ferror(to) ? 0 : -1;
}
