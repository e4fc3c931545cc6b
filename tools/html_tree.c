#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "exit_findings.h"
#include "findings.h"
#include "html_escape.h"
#include "html_sections.h"
#include "process_words.h"
#include "shell_words.h"
#include "stack_text.h"
#include "totals.h"

/* Repeats of one leak in one process show this many lines, then one
 * saying how many more, as the summary does. */
#define REPEATS_SHOWN 4
/* Deeper processes are listed at this depth: browsers stop nesting
 * elements at a few hundred levels. */
#define MAX_DEPTH 32

typedef void item_printer(FILE *to, json_t *item, json_int_t stack_depth);

void print_html_of(FILE *to, item_printer *print, json_t *item, json_int_t depth, char **rest)
{
    char *text = NULL;
    size_t size = 0;
    FILE *buffer = open_memstream(&text, &size);
    if (rest)
        *rest = NULL;
    if (!buffer)
        return;
    print(buffer, item, depth);
    if (fclose(buffer) != 0 || !text) {
        free(text);
        return;
    }
    const char *line = text + strspn(text, " ");
    size_t length = strcspn(line, "\n");
    print_html_n(to, line, length);
    if (rest && line[length] == '\n' && line[length + 1])
        *rest = strdup(line + length + 1);
    free(text);
}

size_t html_site_number(const struct html_page *page, const struct leak_group *group)
{
    return (size_t)(group - page->groups.groups) + 1;
}

static void put_name(FILE *to, const struct tree_node *node)
{
    char *name = NULL;
    size_t size = 0;
    FILE *buffer = open_memstream(&name, &size);
    if (!buffer)
        return;
    print_process_name(buffer, node->docs[node->ndocs - 1]);
    if (fclose(buffer) == 0 && name) {
        enum { LONGEST = 48 };
        if (strlen(name) > LONGEST)
            strcpy(name + LONGEST - 3, "...");
        print_html(to, name);
    }
    free(name);
}

void print_html_node_link(FILE *to, const struct html_page *page, long node)
{
    fprintf(to, "<a href=\"#n%ld\">", node);
    put_name(to, &page->tree.nodes[node]);
    fprintf(to, " (pid %lld)</a>", (long long)page->tree.nodes[node].pid);
}

/* The site of a leak, linked to its section. */
static void print_site_link(FILE *to, struct html_page *page, struct leak_group *group)
{
    fprintf(to, " <a class=\"site\" href=\"#site-%zu\">", html_site_number(page, group));
    print_html(to, group->site);
    fputs("</a>", to);
}

struct writer {
    FILE *to;
    struct html_page *page;
    long node;
    const unsigned char *open; /* choose_open's */
};

static void print_leak_item(struct writer *w, enum leak_kind kind, item_printer *print,
                            json_t *item, json_int_t depth)
{
    struct html_page *page = w->page;
    struct leak_group *group = page->grouped ? leak_group_of(&page->groups, kind, item) : NULL;
    if (group) {
        size_t g = (size_t)(group - page->groups.groups);
        if (page->here_node[g] != w->node) {
            page->here_node[g] = w->node;
            page->here[g] = 0;
        }
        size_t shown = page->here[g]++;
        if (shown > REPEATS_SHOWN)
            return;
        if (shown == REPEATS_SHOWN) {
            /* how many more: counted once, when the line is written */
            size_t total = 0, d, i;
            for (d = 0; d < page->tree.nodes[w->node].ndocs; d++) {
                json_t *leak;
                json_array_foreach(leak_array(page->tree.nodes[w->node].docs[d], kind), i, leak)
                    total += leak_group_of(&page->groups, kind, leak) == group;
            }
            fprintf(w->to, "<li class=\"more k-%s\">and %zu more from", leak_kind_name(kind),
                    total - REPEATS_SHOWN);
            print_site_link(w->to, page, group);
            fputs("</li>\n", w->to);
            return;
        }
    }
    fprintf(w->to, "<li class=\"item k-%s\">", leak_kind_name(kind));
    char *rest = NULL;
    print_html_of(w->to, print, item, depth, group ? NULL : &rest);
    if (group) {
        print_site_link(w->to, page, group);
    } else if (rest) { /* out of memory for groups: the stack here */
        fputs("<pre class=\"stack\">", w->to);
        print_html(w->to, rest);
        fputs("</pre>", w->to);
    }
    free(rest);
    fputs("</li>\n", w->to);
}

/* A finding that is not a leak (a misuse, a finalizer): its stacks here. */
static void print_other_item(FILE *to, const char *kind, item_printer *print, json_t *item,
                             json_int_t depth)
{
    fprintf(to, "<li class=\"item k-%s\">", kind);
    char *rest = NULL;
    print_html_of(to, print, item, depth, &rest);
    if (rest) {
        fputs("<pre class=\"stack\">", to);
        print_html(to, rest);
        fputs("</pre>", to);
    }
    free(rest);
    fputs("</li>\n", to);
}

static void print_fd_list(FILE *to, const char *what, json_t *fds)
{
    if (!json_array_size(fds))
        return;
    fprintf(to, "<li class=\"note\">%s:", what);
    size_t i;
    json_t *fd;
    json_array_foreach(fds, i, fd) {
        json_t *number = json_is_object(fd) ? json_object_get(fd, "fd") : fd;
        fprintf(to, "%s fd %lld", i ? "," : "", (long long)json_integer_value(number));
    }
    fputs("</li>\n", to);
}

#define EACH(report, key, i, item) json_array_foreach(json_object_get(report, key), i, item)

static void print_items(struct writer *w, json_t *report)
{
    json_int_t depth = json_integer_value(json_object_get(report, "stack_depth"));
    enum leak_kind fd_kind = report_is_exec(report) ? LEAK_EXEC : LEAK_FD;
    size_t i;
    json_t *item;
    fputs("<ul class=\"items\">\n", w->to);
    EACH(report, "leaks", i, item)
        print_leak_item(w, fd_kind, print_leak, item, depth);
    EACH(report, "errors", i, item)
        print_other_item(w->to, "misuse", print_error, item, depth);
    json_int_t dropped = json_integer_value(json_object_get(report, "errors_dropped"));
    if (dropped > 0)
        fprintf(w->to, "<li class=\"more k-misuse\">and %lld more fd misuses, not kept</li>\n",
                (long long)dropped);
    EACH(report, "children", i, item)
        print_leak_item(w, LEAK_PROCESS, print_child, item, depth);
    EACH(report, "tempfiles", i, item)
        print_leak_item(w, LEAK_TEMPFILE, print_tempfile, item, depth);
    EACH(report, "finalizers", i, item)
        if (strcmp(string_or(item, "outcome", "?"), "ran") != 0)
            print_other_item(w->to, "finalizer", print_finalizer, item, depth);
    EACH(report, "threads", i, item)
        print_leak_item(w, LEAK_THREAD, print_thread, item, depth);
    print_fd_list(w->to, "closed without exitguard seeing it (a raw close syscall?)",
                  json_object_get(report, "closed_unseen"));
    fputs("</ul>\n", w->to);
}

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
        print_end(buffer, json_object_get(last, "end"));
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
static void print_body(struct writer *w, const struct tree_node *node)
{
    for (size_t d = 0; d < node->ndocs; d++) {
        json_t *report = node->docs[d];
        if (!report_is_exec(report)) {
            print_items(w, report);
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
            print_items(w, report);
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
    w->node = at;
    if (node->news)
        print_body(w, node);
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
    struct writer w = {to, page, -1, open};
    for (size_t i = 0; i < page->tree.count; i++)
        if (page->tree.nodes[i].parent < 0)
            print_branch(&w, (long)i, 0);
    free(open);
    fputs("</ul>\n</section>\n", to);
}
