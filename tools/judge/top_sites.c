#include "top_sites.h"

#include <stdlib.h>
#include <string.h>

enum { SHOWN = 10, MIN_LEAKS = 10 };

/* the user's own sites first: those are what the user can fix */
static int by_count(const void *a, const void *b)
{
    const struct leak_group *x = *(const struct leak_group *const *)a,
                            *y = *(const struct leak_group *const *)b;
    if (x->system != y->system)
        return x->system - y->system;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->site, y->site);
}

void print_top_sites(FILE *to, const struct leak_groups *groups)
{
    const struct leak_group **ranked = calloc(groups->count + 1, sizeof *ranked);
    if (!ranked)
        return;
    size_t n = 0, total = 0;
    for (size_t i = 0; i < groups->count; i++) {
        if (groups->groups[i].kind == LEAK_THREAD || !groups->groups[i].site)
            continue;
        ranked[n++] = &groups->groups[i];
        total += groups->groups[i].count;
    }
    if (n > 1 && total >= MIN_LEAKS) {
        qsort(ranked, n, sizeof *ranked, by_count);
        fprintf(to, "\nthe %s that leaked most (of %zu leaks from %zu sites):\n",
                n < SHOWN ? "sites" : "10 sites", total, n);
        for (size_t s = 0; s < n && s < SHOWN; s++) {
            size_t stacks = json_object_size(ranked[s]->stacks);
            fprintf(to, "  %6zu  %-8s %s", ranked[s]->count, leak_kind_name(ranked[s]->kind),
                    ranked[s]->site);
            if (stacks > 1) /* reached from several places: one fix */
                fprintf(to, " (by %zu different stacks)", stacks);
            if (ranked[s]->system) { /* the rule its user would paste, not write */
                size_t word = strcspn(ranked[s]->site, " ");
                fprintf(to, "  [system; to hide it: %s:%.*s in a --suppressions file]",
                        leak_kind_name(ranked[s]->kind), (int)word, ranked[s]->site);
            }
            fputc('\n', to);
        }
    }
    free(ranked);
}
