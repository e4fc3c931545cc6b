#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "exit_findings.h"
#include "findings.h"
#include "html_escape.h"
#include "html_sections.h"
#include "stack_text.h"
#include "totals.h"

/* Repeats of one leak in one process show this many lines, then one
 * saying how many more, as the summary does. */
#define REPEATS_SHOWN 4

typedef void item_printer(FILE *to, json_t *item, json_int_t stack_depth);

/* The first line `print` (a finding printer: findings.h, exit_findings.h)
 * writes, escaped, without its indent; the lines after it (the stacks),
 * unescaped, in *rest (malloc'd; NULL if none) unless rest is NULL. */
static void print_item_line(FILE *to, item_printer *print, json_t *item, json_int_t depth, char **rest)
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



/* The site of a leak, linked to its section. */
static void print_site_link(FILE *to, struct html_page *page, struct leak_group *group)
{
    fprintf(to, " <a class=\"site\" href=\"#site-%zu\">",
            (size_t)(group - page->groups.groups) + 1);
    print_html(to, group->site);
    fputs("</a>", to);
}

static void print_leak_item(FILE *to, struct html_page *page, long node, enum leak_kind kind,
                            item_printer *print, json_t *item, json_int_t depth)
{
    struct leak_group *group = page->grouped ? leak_group_of(&page->groups, kind, item) : NULL;
    if (group) {
        size_t g = (size_t)(group - page->groups.groups);
        if (page->here_node[g] != node) {
            page->here_node[g] = node;
            page->here[g] = 0;
        }
        size_t shown = page->here[g]++;
        if (shown > REPEATS_SHOWN)
            return;
        if (shown == REPEATS_SHOWN) {
            /* how many more: counted once, when the line is written */
            size_t total = 0, d, i;
            for (d = 0; d < page->tree.nodes[node].ndocs; d++) {
                json_t *leak;
                json_array_foreach(leak_array(page->tree.nodes[node].docs[d], kind), i, leak)
                    total += leak_group_of(&page->groups, kind, leak) == group;
            }
            fprintf(to, "<li class=\"more k-%s\">and %zu more from", leak_kind_name(kind),
                    total - REPEATS_SHOWN);
            print_site_link(to, page, group);
            fputs("</li>\n", to);
            return;
        }
    }
    fprintf(to, "<li class=\"item k-%s\">", leak_kind_name(kind));
    char *rest = NULL;
    print_item_line(to, print, item, depth, group ? NULL : &rest);
    if (group) {
        print_site_link(to, page, group);
    } else if (rest) { /* out of memory for groups: the stack here */
        fputs("<pre class=\"stack\">", to);
        print_html(to, rest);
        fputs("</pre>", to);
    }
    free(rest);
    fputs("</li>\n", to);
}

/* A finding that is not a leak (a misuse, a finalizer): its stacks here. */
static void print_other_item(FILE *to, const char *kind, item_printer *print, json_t *item,
                             json_int_t depth)
{
    fprintf(to, "<li class=\"item k-%s\">", kind);
    char *rest = NULL;
    print_item_line(to, print, item, depth, &rest);
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

void print_html_items(FILE *to, struct html_page *page, long node, json_t *report)
{
    json_int_t depth = json_integer_value(json_object_get(report, "stack_depth"));
    enum leak_kind fd_kind = report_is_exec(report) ? LEAK_EXEC : LEAK_FD;
    size_t i;
    json_t *item;
    fputs("<ul class=\"items\">\n", to);
    EACH(report, "leaks", i, item)
        print_leak_item(to, page, node, fd_kind, print_leak, item, depth);
    EACH(report, "errors", i, item)
        print_other_item(to, "misuse", print_error, item, depth);
    json_int_t dropped = json_integer_value(json_object_get(report, "errors_dropped"));
    if (dropped > 0)
        fprintf(to, "<li class=\"more k-misuse\">and %lld more fd misuses, not kept</li>\n",
                (long long)dropped);
    EACH(report, "children", i, item)
        print_leak_item(to, page, node, LEAK_PROCESS, print_child, item, depth);
    EACH(report, "tempfiles", i, item)
        print_leak_item(to, page, node, LEAK_TEMPFILE, print_tempfile, item, depth);
    EACH(report, "finalizers", i, item)
        if (strcmp(string_or(item, "outcome", "?"), "ran") != 0)
            print_other_item(to, "finalizer", print_finalizer, item, depth);
    EACH(report, "threads", i, item)
        print_leak_item(to, page, node, LEAK_THREAD, print_thread, item, depth);
    print_fd_list(to, "closed without exitguard seeing it (a raw close syscall?)",
                  json_object_get(report, "closed_unseen"));
    fputs("</ul>\n", to);
}
