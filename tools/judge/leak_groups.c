#define _GNU_SOURCE
#include "leak_groups.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The summary prints an end document's "leaks", then "children",
 * "tempfiles", "threads"; an exec document's "leaks". */
static const enum leak_kind print_order[] = {LEAK_FD, LEAK_EXEC, LEAK_PROCESS, LEAK_TEMPFILE,
                                             LEAK_THREAD};

void for_each_leak(const struct tree_node *node,
                   void (*visit)(enum leak_kind kind, json_t *leak, void *arg), void *arg)
{
    for (size_t d = 0; d < node->ndocs; d++) {
        for (size_t k = 0; k < sizeof print_order / sizeof *print_order; k++) {
            size_t i;
            json_t *leak;
            json_array_foreach(leak_array(node->docs[d], print_order[k]), i, leak)
                visit(print_order[k], leak, arg);
        }
    }
}

static void visit_branch(const struct process_tree *tree, long at,
                         void (*visit)(long at, void *arg), void *arg)
{
    for (; at >= 0; at = tree->nodes[at].next_sibling) {
        visit(at, arg);
        visit_branch(tree, tree->nodes[at].first_child, visit, arg);
    }
}

void for_each_node(const struct process_tree *tree, void (*visit)(long at, void *arg), void *arg)
{
    for (size_t i = 0; i < tree->count; i++)
        if (tree->nodes[i].parent < 0)
            visit_branch(tree, (long)i, visit, arg);
}

/* leak_identity, and each frame's line where known: the identity leaves
 * lines out to hold across edits, but in one run two opens in the same
 * function are two leaks.  Not the offset where there is a line: a helper
 * linked into many test programs is one call site in all of them. */
static char *group_identity(enum leak_kind kind, json_t *leak)
{
    char *identity = leak_identity(kind, leak), *text = NULL;
    size_t size = 0;
    FILE *to = identity ? open_memstream(&text, &size) : NULL;
    if (!to) {
        free(identity);
        return NULL;
    }
    fputs(identity, to);
    free(identity);
    fputs("\nlines", to);
    size_t i;
    json_t *frame;
    json_array_foreach(json_object_get(leak, "stack"), i, frame)
        fprintf(to, " %lld", (long long)json_integer_value(json_object_get(frame, "line")));
    if (fclose(to) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* kind, site and target kind: what puts leaks in one group */
struct leak_group *leak_group_of(struct leak_groups *groups, enum leak_kind kind, json_t *leak)
{
    char *site = leak_site(json_object_get(leak, "stack")), *identity = NULL;
    const char *target = json_string_value(json_object_get(leak, "kind"));
    if (site && asprintf(&identity, "%s\n%s\n%s", leak_kind_name(kind), site,
                         target ? target : "") < 0)
        identity = NULL;
    if (!identity) {
        free(site);
        return NULL;
    }
    json_t *position = json_object_get(groups->index, identity);
    struct leak_group *group = NULL;
    if (position) {
        group = &groups->groups[json_integer_value(position)];
    } else {
        struct leak_group *more = realloc(groups->groups, (groups->count + 1) * sizeof *more);
        if (more && json_object_set_new(groups->index, identity,
                                        json_integer((json_int_t)groups->count)) == 0) {
            groups->groups = more;
            group = &more[groups->count++];
            *group = (struct leak_group){.last = -1, .here_node = -1, .stacks = json_object(),
                                         .kind = kind, .site = site,
                                         .system = system_site(json_object_get(leak, "stack"))};
            site = NULL;
        } else if (more) {
            groups->groups = more;
        }
    }
    free(identity);
    free(site);
    return group;
}

struct collecting {
    const struct process_tree *tree;
    struct leak_groups *groups;
    long node;
    int failed;
};

/* The distinct stacks that reach a group's site, each counted. */
static int note_stack(struct leak_group *group, enum leak_kind kind, json_t *leak)
{
    char *identity = group_identity(kind, leak);
    if (!identity || !group->stacks)
        return free(identity), 0;
    json_t *entry = json_object_get(group->stacks, identity);
    if (entry) {
        json_object_set_new(entry, "n", json_integer(json_integer_value(json_object_get(entry, "n")) + 1));
    } else {
        json_object_set_new(group->stacks, identity,
                            json_pack("{s:I, s:O}", "n", (json_int_t)1, "stack",
                                      json_object_get(leak, "stack")));
        if (!group->first)
            group->first = strdup(identity);
    }
    free(identity);
    return 1;
}

static void count_leak(enum leak_kind kind, json_t *leak, void *arg)
{
    struct collecting *c = arg;
    struct leak_group *group = leak_group_of(c->groups, kind, leak);
    if (!group || !note_stack(group, kind, leak)) {
        c->failed = 1;
        return;
    }
    if (group->count++ == 0 || group->last != c->node) {
        if (group->processes < GROUP_SAMPLES)
            group->samples[group->processes] = c->node;
        group->processes++;
        group->last = c->node;
    }
}

static void count_node(long at, void *arg)
{
    struct collecting *c = arg;
    c->node = at;
    for_each_leak(&c->tree->nodes[at], count_leak, c);
}

int collect_leak_groups(const struct process_tree *tree, struct leak_groups *out)
{
    *out = (struct leak_groups){.index = json_object()};
    if (!out->index)
        return -1;
    struct collecting c = {.tree = tree, .groups = out};
    for_each_node(tree, count_node, &c);
    return c.failed ? -1 : 0;
}

void free_leak_groups(struct leak_groups *groups)
{
    for (size_t i = 0; i < groups->count; i++) {
        json_decref(groups->groups[i].stacks);
        free(groups->groups[i].first);
        free(groups->groups[i].site);
    }
    json_decref(groups->index);
    free(groups->groups);
    *groups = (struct leak_groups){0};
}
