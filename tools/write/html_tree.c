#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "html_escape.h"
#include "html_sections.h"
#include "process_words.h"
#include "shell_words.h"
#include "stack_text.h"
#include "totals.h"

/* Deeper processes are listed at this depth: Chromium's parser stops
 * nesting at 512 elements (PITFALLS.md), and a process is three. */
#define MAX_DEPTH 32

static void put_name(FILE *to, const struct tree_node *node)
{
    char *name = short_process_name(node->docs[node->ndocs - 1]);
    if (name)
        print_html(to, name);
    free(name);
}

void print_html_node_link(FILE *to, const struct html_page *page, long node)
{
    fprintf(to, "<a href=\"#n%ld\">", node);
    put_name(to, &page->tree.nodes[node]);
    fprintf(to, " (pid %lld)</a>", (long long)page->tree.nodes[node].pid);
}

struct writer {
    FILE *to;
    struct html_page *page;
    const unsigned char *open; /* choose_open's */
};

static void print_badge(FILE *to, const char *kind, size_t n, const char *one, const char *many)
{
    if (n)
        fprintf(to, " <span class=\"badge k-%s\">%zu %s</span>", kind, n, n == 1 ? one : many);
}

/* "sh -c 'exec make' -> make -j2 (pid 42) exited with status 0", then
 * what it left, counted. */
static void print_header(FILE *to, const struct tree_node *node)
{
    fputs("<span class=\"name\">", to);
    json_t *previous = NULL;
    for (size_t d = 0; d < node->ndocs; d++) {
        json_t *argv = json_object_get(node->docs[d], "argv");
        if (json_array_size(previous) && json_equal(previous, argv))
            continue;
        char *name = NULL;
        size_t size = 0;
        FILE *buffer = open_memstream(&name, &size);
        if (buffer) {
            print_process_name(buffer, node->docs[d]);
            if (fclose(buffer) == 0) {
                fputs(d ? " -&gt; " : "", to);
                print_html(to, name);
            }
            free(name);
        }
        previous = argv;
    }
    fprintf(to, "</span> <span class=\"pid\">(pid %lld)</span> ", (long long)node->pid);
    json_t *last = node->docs[node->ndocs - 1];
    char *end = NULL;
    size_t size = 0;
    FILE *buffer = open_memstream(&end, &size);
    if (buffer) {
        print_report_end(buffer, last);
        const char *unfiled = json_string_value(json_object_get(last, "report_error"));
        if (unfiled)
            fprintf(buffer, " (its report could not be written: %s; read from its registry file)",
                    unfiled);
        if (fclose(buffer) == 0)
            print_html(to, end);
        free(end);
    }
    size_t fds = 0, execs = 0, misuses = 0, children = 0, tempfiles = 0, failed = 0, threads = 0;
    for (size_t d = 0; d < node->ndocs; d++) {
        json_t *report = node->docs[d];
        *(report_is_exec(report) ? &execs : &fds) += report_leaks(report);
        misuses += report_errors(report);
        children += report_children(report);
        tempfiles += report_tempfiles(report);
        failed += report_finalizer_failures(report);
        threads += report_threads(report);
    }
    print_badge(to, "fd", fds, "fd", "fds");
    print_badge(to, "exec", execs, "fd across exec", "fds across exec");
    print_badge(to, "misuse", misuses, "misuse", "misuses");
    print_badge(to, "process", children, "child", "children");
    print_badge(to, "tempfile", tempfiles, "temp file", "temp files");
    print_badge(to, "finalizer", failed, "finalizer failed", "finalizers failed");
    print_badge(to, "thread", threads, "thread", "threads");
}

static int node_has_findings(const struct tree_node *node)
{
    for (size_t d = 0; d < node->ndocs; d++)
        if (report_has_findings(node->docs[d]))
            return 1;
    return 0;
}

/* The exec documents that are not the process's last word, with what
 * they handed on; then the document that ends it. */
static void print_body(struct writer *w, long at)
{
    const struct tree_node *node = &w->page->tree.nodes[at];
    for (size_t d = 0; d < node->ndocs; d++) {
        json_t *report = node->docs[d];
        if (!report_is_exec(report)) {
            print_html_items(w->to, w->page, at, report);
        } else if (report_has_news(report) &&
                   (d + 1 < node->ndocs || report_has_findings(report))) {
            fputs("<div class=\"exec\">exec'd <span class=\"name\">", w->to);
            char *path = NULL;
            size_t size = 0;
            FILE *buffer = open_memstream(&path, &size);
            if (buffer) {
                print_shell_word(buffer, string_or(json_object_get(report, "end"), "path", "?"));
                print_unchecked(buffer, json_object_get(report, "end"));
                if (fclose(buffer) == 0)
                    print_html(w->to, path);
                free(path);
            }
            size_t leaks = report_leaks(report);
            fputs("</span>", w->to);
            if (leaks)
                fprintf(w->to, " handing it %zu %s without O_CLOEXEC", leaks,
                        leaks == 1 ? "fd" : "fds");
            fputs(":</div>\n", w->to);
            print_html_items(w->to, w->page, at, report);
        }
    }
}

/* A process with nothing of its own to show: each of its leaks is in a
 * group an earlier process had first (`first`: the nodes that had some
 * group first), and it has no other finding.  It stays closed (one
 * line), as the summary counts it instead of listing it: 500 test
 * processes leaking one fd are 500 lines, not 1000. */
static int folded(const struct html_page *page, const unsigned char *first, long at)
{
    const struct tree_node *node = &page->tree.nodes[at];
    if (!page->grouped || first[at])
        return 0;
    for (size_t d = 0; d < node->ndocs; d++) {
        json_t *report = node->docs[d];
        if (report_errors(report) || report_finalizer_failures(report) ||
            report_finalizers_skipped(report) || report_is_postmortem(report) ||
            json_object_get(json_object_get(report, "end"), "unchecked"))
            return 0;
    }
    return 1;
}

/* Which <details> are open: a process with something of its own, and
 * the ones above it.  NULL if out of memory (then every one with news). */
static unsigned char *choose_open(const struct html_page *page)
{
    size_t n = page->tree.count;
    unsigned char *open = calloc(n + 1, 1), *first = calloc(n + 1, 1);
    if (!open || !first) {
        free(open);
        free(first);
        return NULL;
    }
    for (size_t g = 0; page->grouped && g < page->groups.count; g++)
        if (page->nmembers[g])
            first[page->members[g][0]] = 1;
    for (size_t i = 0; i < n; i++)
        if (page->tree.nodes[i].news && !folded(page, first, (long)i))
            for (long at = (long)i; at >= 0 && !open[at]; at = page->tree.nodes[at].parent)
                open[at] = 1;
    free(first);
    return open;
}

static void print_branch(struct writer *w, long at, int depth);

static void print_node(struct writer *w, long at, int depth)
{
    const struct tree_node *node = &w->page->tree.nodes[at];
    const char *mark = node_has_findings(node) ? " found" : node->news ? " news" : "";
    fprintf(w->to, "<li class=\"proc%s%s\" id=\"n%ld\">", mark, node->listed ? "" : " quiet", at);
    int children = node->first_child >= 0;
    if (!node->news && !children) {
        fputs("<div class=\"leaf\">", w->to);
        print_header(w->to, node);
        fputs("</div></li>\n", w->to);
        return;
    }
    int open = w->open ? w->open[at] : node->listed;
    fprintf(w->to, "<details%s><summary>", open ? " open" : "");
    print_header(w->to, node);
    fputs("</summary>\n", w->to);
    if (node->news)
        print_body(w, at);
    if (children && depth < MAX_DEPTH) {
        fputs("<ul>\n", w->to);
        print_branch(w, node->first_child, depth + 1);
        fputs("</ul>\n", w->to);
    }
    fputs("</details></li>\n", w->to);
    if (children && depth >= MAX_DEPTH)
        print_branch(w, node->first_child, depth);
}

static void print_branch(struct writer *w, long at, int depth)
{
    for (; at >= 0; at = w->page->tree.nodes[at].next_sibling)
        print_node(w, at, depth);
}

void print_html_tree(FILE *to, struct html_page *page)
{
    size_t listed = 0;
    for (size_t i = 0; i < page->tree.count; i++)
        listed += page->tree.nodes[i].news;
    fprintf(to, "<section id=\"tree\">\n<h2>Processes (%zu, %zu with something to show)</h2>\n"
                "<p><button type=\"button\" data-open=\"1\" hidden>expand all</button>"
                "<button type=\"button\" data-open=\"0\" hidden>collapse all</button></p>\n"
                "<ul class=\"tree\">\n", page->tree.count, listed);
    unsigned char *open = choose_open(page);
    struct writer w = {to, page, open};
    for (size_t i = 0; i < page->tree.count; i++)
        if (page->tree.nodes[i].parent < 0)
            print_branch(&w, (long)i, 0);
    free(open);
    fputs("</ul>\n</section>\n", to);
}
