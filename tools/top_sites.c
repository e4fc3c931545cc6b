#define _GNU_SOURCE
#include "top_sites.h"

#include <stdlib.h>
#include <string.h>

#include "leak_identity.h"

enum { SHOWN = 10, MIN_LEAKS = 10 };

/* counts: site -> {"n": leaks, "stacks": {identity: 1}} */
static void count_list(json_t *counts, json_t *report, const char *section, enum leak_kind kind)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(report, section), i, item) {
        char *site = leak_site(json_object_get(item, "stack")), *key = NULL;
        char *stack = leak_identity(kind, item);
        if (site && stack && asprintf(&key, "%-8s %s", leak_kind_name(kind), site) >= 0) {
            json_t *entry = json_object_get(counts, key);
            if (!entry) {
                entry = json_pack("{s:I, s:{}}", "n", (json_int_t)0, "stacks");
                json_object_set_new(counts, key, entry);
            }
            json_object_set_new(entry, "n",
                                json_integer(json_integer_value(json_object_get(entry, "n")) + 1));
            json_object_set_new(json_object_get(entry, "stacks"), stack, json_true());
        }
        free(site);
        free(stack);
        free(key);
    }
}

struct site {
    const char *text;
    json_int_t count;
    size_t stacks;
};

static int by_count(const void *a, const void *b)
{
    const struct site *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->text, y->text);
}

void print_top_sites(FILE *to, json_t *reports)
{
    json_t *counts = json_object(), *report;
    size_t i;
    json_array_foreach(reports, i, report) {
        const char *how = json_string_value(json_object_get(json_object_get(report, "end"), "how"));
        int exec = how && !strcmp(how, "exec");
        count_list(counts, report, "leaks", exec ? LEAK_EXEC : LEAK_FD);
        count_list(counts, report, "children", LEAK_PROCESS);
        count_list(counts, report, "tempfiles", LEAK_TEMPFILE);
    }
    size_t n = json_object_size(counts);
    struct site *sites = n > 1 ? calloc(n, sizeof *sites) : NULL;
    json_int_t total = 0;
    size_t k = 0;
    const char *key;
    json_t *value;
    json_object_foreach(counts, key, value) {
        json_int_t count = json_integer_value(json_object_get(value, "n"));
        if (sites)
            sites[k++] = (struct site){key, count, json_object_size(json_object_get(value, "stacks"))};
        total += count;
    }
    if (sites && total >= MIN_LEAKS) {
        qsort(sites, n, sizeof *sites, by_count);
        fprintf(to, "\nthe %s that leaked most (of %lld leaks from %zu sites):\n",
                n < SHOWN ? "sites" : "10 sites", (long long)total, n);
        for (size_t s = 0; s < n && s < SHOWN; s++) {
            fprintf(to, "  %6lld  %s", (long long)sites[s].count, sites[s].text);
            if (sites[s].stacks > 1) /* reached from several places: one fix */
                fprintf(to, " (by %zu different stacks)", sites[s].stacks);
            fputc('\n', to);
        }
    }
    free(sites);
    json_decref(counts);
}
