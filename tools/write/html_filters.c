#include <string.h>

#include "html_sections.h"
#include "html_style.h"
#include "totals.h"

/* How many items of each of html_kinds the page shows. */
static void count_kinds(const struct html_run *run, size_t counts[HTML_KINDS])
{
    const struct totals *t = run->totals;
    size_t finalizers = 0, r;
    json_t *report;
    json_array_foreach(run->reports, r, report)
        finalizers += report_finalizer_failures(report) + report_finalizers_skipped(report);
    size_t n[HTML_KINDS] = {t->leaks - t->exec_leaks, t->exec_leaks, t->children, t->tempfiles,
                            t->threads, t->errors, finalizers};
    memcpy(counts, n, sizeof n);
}

/* The filters are check boxes before <main>, so that CSS alone hides
 * what is unchecked (input:not(:checked) ~ main .k-KIND): no script. */
void print_html_filter_style(FILE *to)
{
    for (int k = 0; k < HTML_KINDS; k++)
        fprintf(to, "#show-%s:not(:checked)~main .k-%s{display:none}\n"
                    "#show-%s:checked~main label[for=show-%s]{color:inherit;"
                    "text-decoration:none;background:#eef2fb}\n",
                html_kinds[k], html_kinds[k], html_kinds[k], html_kinds[k]);
    fputs("#show-quiet:not(:checked)~main li.quiet{display:none}\n"
          "#show-quiet:checked~main label[for=show-quiet]{color:inherit;text-decoration:none;"
          "background:#eef2fb}\n", to);
}

static const char *const kind_labels[HTML_KINDS] = {
    "fds left open", "fds handed across exec", "child processes", "temp files",
    "threads", "fd misuses", "finalizers"};

void print_html_filter_boxes(FILE *to)
{
    for (int k = 0; k < HTML_KINDS; k++)
        fprintf(to, "<input type=\"checkbox\" class=\"filter\" id=\"show-%s\" checked>\n",
                html_kinds[k]);
    fputs("<input type=\"checkbox\" class=\"filter\" id=\"show-quiet\" checked>\n", to);
}

void print_html_filter_labels(FILE *to, const struct html_run *run)
{
    size_t counts[HTML_KINDS];
    count_kinds(run, counts);
    fputs("<nav class=\"filters\" id=\"filters\">show:\n", to);
    for (int k = 0; k < HTML_KINDS; k++)
        if (counts[k])
            fprintf(to, "<label for=\"show-%s\">%s (%zu)</label>\n", html_kinds[k],
                    kind_labels[k], counts[k]);
    fputs("<label for=\"show-quiet\">processes that left nothing</label>\n</nav>\n", to);
}
