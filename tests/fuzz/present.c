#define _GNU_SOURCE
#include "present.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "child_names.h"
#include "killed_children.h"
#include "descendants.h"
#include "gen_suppressions.h"
#include "junit.h"
#include "leak_filters.h"
#include "leftovers_json.h"
#include "merged_json.h"
#include "sarif.h"
#include "scratch.h"
#include "stack_text.h"
#include "summary.h"
#include "suppressions.h"
#include "symbolize_frames.h"
#include "totals.h"

/* Rules that match little, so that most leaks reach the formats. */
static const char rules_text[] = "fd:libnothing*\n"
                                 "misuse:close_never_opened\n"
                                 "thread:worker\n"
                                 "process:*sleep*\n";

static FILE *null_out(void)
{
    static FILE *out;
    if (!out && !(out = fopen("/dev/null", "we")))
        abort();
    return out;
}

/* --gen-suppressions promises rules that parse back: any it writes that
 * do not is a bug in one of the two. */
static void generated_rules_parse_back(json_t *reports)
{
    char *text = NULL;
    size_t size = 0;
    FILE *to = open_memstream(&text, &size);
    if (!to)
        return;
    print_generated_suppressions(to, reports);
    fclose(to);
    struct suppressions rules = {0};
    char error[600];
    if (strlen(text) == size && parse_suppressions(&rules, text, "generated", error,
                                                   sizeof error) != 0) {
        fprintf(stderr, "generated suppressions do not parse: %s\n%s", error, text);
        abort();
    }
    free_suppressions(&rules);
    free(text);
}

static int write_junit(FILE *to, void *reports)
{
    return print_junit(to, reports);
}

void present_reports(json_t *reports, size_t unreadable)
{
    FILE *out = null_out();
    struct leftovers left = {0};
    struct leak_filters filters = {0};
    char error[600];
    if (parse_suppressions(&filters.rules, rules_text, "rules", error, sizeof error) != 0)
        abort();
    char *command[] = {"fuzz", NULL};

    note_how_killed_children_died(reports, 0, 0);
    name_children_by_image(reports, &left);
    symbolize_reports(reports);
    json_t *leftovers = leftovers_json(&left, reports);
    apply_leak_filters(&filters, reports, leftovers);
    struct totals totals = count_totals(reports, leftovers);
    stack_text_show_hidden(unreadable & 1);
    print_summary(out, reports, leftovers, command, 0, unreadable & 1);
    print_filters_used(out, &filters);
    print_final_line(out, &totals, unreadable);
    generated_rules_parse_back(reports);

    char merged[512];
    /* beside, not among the reports: the next execution would read it */
    snprintf(merged, sizeof merged, "%s/out", scratch_dir());
    mkdir(merged, 0700);
    snprintf(merged, sizeof merged, "%s/out/merged.json", scratch_dir());
    struct merged_extras extras = {.suppressions = suppressions_used_json(&filters.rules)};
    write_merged_json(merged, command, 0, reports, leftovers, &totals, &extras);
    json_decref(extras.suppressions);
    write_junit(out, reports);
    json_t *sarif = sarif_document(reports, "/work", "fuzz", NULL);
    if (sarif)
        json_dumpf(sarif, out, JSON_INDENT(2));
    json_decref(sarif);

    json_decref(leftovers);
    json_decref(reports);
    free_leak_filters(&filters);
}
