#define _GNU_SOURCE
#include "leak_filters.h"

#include "baseline.h"
#include "handovers.h"
#include "messages.h"

int load_leak_filters(struct leak_filters *filters, const char *const *suppression_files,
                      size_t nfiles, const char *user_file, const char *baseline_path)
{
    *filters = (struct leak_filters){.baseline_path = baseline_path};
    char error[1024];
    for (size_t i = 0; i <= nfiles; i++) {
        const char *file = i < nfiles ? suppression_files[i] : user_file;
        if (file && load_suppressions(&filters->rules, file, error, sizeof error) != 0) {
            complain("%s", error);
            return -1;
        }
    }
    if (baseline_path && !(filters->baseline = load_baseline(baseline_path, error, sizeof error))) {
        complain("%s", error);
        return -1;
    }
    return 0;
}

static void suppress_leftovers(struct suppressions *rules, json_t *leftovers)
{
    for (size_t i = 0; i < json_array_size(leftovers);) {
        struct suppression *rule =
            suppression_for(rules, LEAK_PROCESS, json_array_get(leftovers, i));
        if (!rule) {
            i++;
            continue;
        }
        rule->suppressed++;
        json_array_remove(leftovers, i);
    }
}

void apply_leak_filters(struct leak_filters *filters, json_t *reports, json_t *leftovers)
{
    /* first the rules, then the baseline: a baseline taken without the
     * rules would otherwise take out leaks the rules should count */
    if (filters->handovers)
        take_handovers(filters->handovers, reports);
    apply_default_suppressions(&filters->defaults, reports);
    apply_suppressions(&filters->rules, reports);
    suppress_leftovers(&filters->rules, leftovers);
    if (filters->baseline)
        filters->baseline_removed = subtract_baseline(reports, filters->baseline);
}

void print_filters_used(FILE *to, const struct leak_filters *filters)
{
    print_suppressions_used(to, &filters->rules);
    if (filters->baseline_removed)
        fprintf(to, "exitguard: %zu %s in the baseline %s, not shown\n",
                filters->baseline_removed, filters->baseline_removed == 1 ? "leak" : "leaks",
                filters->baseline_path);
}

void free_leak_filters(struct leak_filters *filters)
{
    free_default_suppressions(&filters->defaults);
    free_suppressions(&filters->rules);
    json_decref(filters->baseline);
    json_decref(filters->handovers);
    *filters = (struct leak_filters){0};
}
