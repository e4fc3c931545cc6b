#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "html_escape.h"
#include "html_sections.h"
#include "source_lines.h"
#include "stack_text.h"

/* A site names this many of its processes, and lists up to
 * PROCESSES_SHOWN of them when asked, then says how many more. */
#define PROCESSES_INLINE 3
#define PROCESSES_SHOWN 1000
/* and this many of the stacks that reach it, most leaks first */
#define STACKS_SHOWN 10
/* The sites that leaked most are open; the rest are one line each. */
#define SITES_OPEN 5

static int by_leaks(const void *a, const void *b)
{
    const struct leak_group *x = *(const struct leak_group *const *)a,
                            *y = *(const struct leak_group *const *)b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* The frame whose source is shown: the first the summary shows that has
 * a line (the site itself, unless that is a library without one). */
static json_t *source_frame(json_t *stack)
{
    size_t i;
    json_t *frame;
    json_array_foreach(stack, i, frame)
        if (!json_is_true(json_object_get(frame, "hidden")) &&
            json_string_value(json_object_get(frame, "file")) &&
            json_integer_value(json_object_get(frame, "line")) > 0)
            return frame;
    return NULL;
}

static void print_source(FILE *to, const struct html_page *page, json_t *stack)
{
    json_t *frame = source_frame(stack);
    if (!frame) {
        fputs("<p class=\"nosource\">no source line known for this site "
              "(a module without debug information?)</p>\n", to);
        return;
    }
    const char *file = json_string_value(json_object_get(frame, "file"));
    long line = (long)json_integer_value(json_object_get(frame, "line"));
    struct source_lines lines;
    if (read_source_lines(file, page->run->base_dir, line, &lines) != 0) {
        fputs("<p class=\"nosource\">source not found: <code>", to);
        print_html(to, file);
        fprintf(to, ":%ld</code></p>\n", line);
        return;
    }
    fputs("<div class=\"source\"><div class=\"path\">", to);
    print_html(to, file);
    fprintf(to, ":%ld</div><pre>", line);
    for (size_t i = 0; i < lines.count; i++) {
        long at = lines.first + (long)i;
        fprintf(to, "<span class=\"l%s\"><span class=\"n\">%ld</span>", at == line ? " hit" : "",
                at);
        print_html(to, lines.lines[i]);
        fputs("</span>", to);
    }
    fputs("</pre></div>\n", to);
    free_source_lines(&lines);
}

struct counted_stack {
    json_t *stack;
    json_int_t n;
};

static int by_n(const void *a, const void *b)
{
    const struct counted_stack *x = a, *y = b;
    return (x->n < y->n) - (x->n > y->n);
}

static void print_stacks(FILE *to, const struct leak_group *group)
{
    size_t n = json_object_size(group->stacks), k = 0;
    struct counted_stack *stacks = calloc(n + 1, sizeof *stacks);
    if (!stacks)
        return;
    const char *identity;
    json_t *entry;
    json_object_foreach(group->stacks, identity, entry)
        stacks[k++] = (struct counted_stack){json_object_get(entry, "stack"),
                                             json_integer_value(json_object_get(entry, "n"))};
    qsort(stacks, k, sizeof *stacks, by_n);
    if (k > 1)
        fprintf(to, "<p>reached by %zu different stacks:</p>\n", k);
    for (size_t i = 0; i < k && i < STACKS_SHOWN; i++) {
        char *text = NULL;
        size_t size = 0;
        FILE *buffer = open_memstream(&text, &size);
        if (!buffer)
            break;
        print_stack(buffer, stacks[i].stack, -1);
        if (fclose(buffer) == 0) {
            if (k > 1)
                fprintf(to, "<p>%lld %s:</p>", (long long)stacks[i].n,
                        stacks[i].n == 1 ? "time" : "times");
            fputs("<pre class=\"stack\">", to);
            print_html(to, text);
            fputs("</pre>\n", to);
        }
        free(text);
    }
    if (k > STACKS_SHOWN)
        fprintf(to, "<p class=\"more\">and %zu more stacks</p>\n", k - STACKS_SHOWN);
    free(stacks);
}

static void print_site(FILE *to, const struct html_page *page, const struct leak_group *group,
                       int open)
{
    size_t g = (size_t)(group - page->groups.groups);
    const char *kind = leak_kind_name(group->kind);
    fprintf(to, "<section class=\"site k-%s\" id=\"site-%zu\"><details%s><summary>\n"
                "<h3><span class=\"badge k-%s\">%s</span> <span class=\"name\">", kind, g + 1,
            open ? " open" : "", kind, kind);
    print_html(to, group->site);
    fprintf(to, "</span> <span class=\"count\">%zu %s in %zu %s</span></h3>\n", group->count,
            group->kind == LEAK_THREAD ? (group->count == 1 ? "thread" : "threads")
                                       : (group->count == 1 ? "leak" : "leaks"),
            group->processes, group->processes == 1 ? "process" : "processes");
    fputs("</summary>\n", to);
    /* three inline, as the summary names them; all of them a click away */
    size_t n = page->nmembers[g];
    fputs("<p class=\"procs\">in ", to);
    for (size_t i = 0; i < n && i < PROCESSES_INLINE; i++) {
        fputs(!i ? "" : i + 1 == n ? " and " : ", ", to);
        print_html_node_link(to, page, page->members[g][i]);
    }
    if (n > PROCESSES_INLINE) {
        fprintf(to, " and %zu more</p>\n<details class=\"procs\"><summary>all %zu processes"
                    "</summary>", n - PROCESSES_INLINE, n);
        for (size_t i = 0; i < n && i < PROCESSES_SHOWN; i++) {
            fputs(i ? ", " : "", to);
            print_html_node_link(to, page, page->members[g][i]);
        }
        if (n > PROCESSES_SHOWN)
            fprintf(to, " and %zu more", n - PROCESSES_SHOWN);
        fputs("</details>\n", to);
    } else {
        fputs("</p>\n", to);
    }
    json_t *first = json_object_get(json_object_get(group->stacks, group->first ? group->first : ""),
                                    "stack");
    print_source(to, page, first);
    print_stacks(to, group);
    fputs("</details></section>\n", to);
}

void print_html_sites(FILE *to, struct html_page *page)
{
    fputs("<section id=\"sites\">\n<h2>Leak sites</h2>\n", to);
    size_t n = page->grouped ? page->groups.count : 0;
    const struct leak_group **ranked = calloc(n + 1, sizeof *ranked);
    if (!n || !ranked) {
        fputs(n ? "<p>(out of memory)</p>\n" : "<p>No leaks.</p>\n", to);
        free(ranked);
        fputs("</section>\n", to);
        return;
    }
    for (size_t i = 0; i < n; i++)
        ranked[i] = &page->groups.groups[i];
    qsort(ranked, n, sizeof *ranked, by_leaks);
    fprintf(to, "<p>%zu %s, where the program acquired what it left, most leaks first.</p>\n", n,
            n == 1 ? "site" : "sites");
    for (size_t i = 0; i < n; i++)
        print_site(to, page, ranked[i], i < SITES_OPEN);
    free(ranked);
    fputs("</section>\n", to);
}
