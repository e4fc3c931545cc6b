#include "process_tree.h"

#include <stdlib.h>

#include "totals.h"

static int group_documents(json_t *reports, struct process_tree *t)
{
    size_t n = json_array_size(reports);
    t->nodes = calloc(n ? n : 1, sizeof *t->nodes);
    json_t **docs = t->docs = calloc(n ? n : 1, sizeof *docs);
    if (!t->nodes || !docs)
        return -1;
    json_t *previous = NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *report = json_array_get(reports, i);
        docs[i] = report;
        if (!report_continues(previous, report)) {
            t->nodes[t->count++] = (struct tree_node){
                .docs = docs + i, .pid = json_integer_value(json_object_get(report, "pid")),
                .parent = -1, .first_child = -1, .next_sibling = -1};
        }
        struct tree_node *node = &t->nodes[t->count - 1];
        node->ndocs++;
        node->news |= report_has_news(report);
        previous = report;
    }
    return 0;
}

static long node_of_pid(const struct process_tree *t, json_int_t pid, size_t not)
{
    for (size_t i = 0; i < t->count; i++)
        if (t->nodes[i].pid == pid && i != not)
            return (long)i;
    return -1;
}

/* The node whose reports list `pid` as a child it left, or -1. */
static long node_listing(const struct process_tree *t, json_int_t pid, size_t not)
{
    for (size_t i = 0; i < t->count; i++) {
        if (i == not)
            continue;
        for (size_t d = 0; d < t->nodes[i].ndocs; d++) {
            size_t k;
            json_t *child;
            json_array_foreach(json_object_get(t->nodes[i].docs[d], "children"), k, child)
                if (json_integer_value(json_object_get(child, "pid")) == pid)
                    return (long)i;
        }
    }
    return -1;
}

/* A reused pid can make two processes each other's parent: such a loop is
 * cut where it is found. */
static int in_loop(const struct process_tree *t, size_t i)
{
    long at = t->nodes[i].parent;
    for (size_t steps = 0; at >= 0 && steps <= t->count; steps++) {
        if ((size_t)at == i)
            return 1;
        at = t->nodes[at].parent;
    }
    return at >= 0;
}

static void link_parents(struct process_tree *t)
{
    for (size_t i = 0; i < t->count; i++) {
        struct tree_node *node = &t->nodes[i];
        long parent = node_listing(t, node->pid, i);
        if (parent < 0) {
            json_t *ppid = json_object_get(node->docs[0], "ppid");
            if (json_is_integer(ppid))
                parent = node_of_pid(t, json_integer_value(ppid), i);
        }
        node->parent = parent;
    }
    for (size_t i = 0; i < t->count; i++)
        if (in_loop(t, i))
            t->nodes[i].parent = -1;
    /* children in pid order: link from the end */
    for (size_t i = t->count; i-- > 0;) {
        long parent = t->nodes[i].parent;
        if (parent >= 0) {
            t->nodes[i].next_sibling = t->nodes[parent].first_child;
            t->nodes[parent].first_child = (long)i;
        }
    }
    for (size_t i = 0; i < t->count; i++)
        if (t->nodes[i].news)
            for (long at = (long)i; at >= 0 && !t->nodes[at].listed; at = t->nodes[at].parent)
                t->nodes[at].listed = 1;
}

int build_process_tree(json_t *reports, struct process_tree *out)
{
    *out = (struct process_tree){0};
    if (group_documents(reports, out) != 0) {
        free_process_tree(out);
        return -1;
    }
    link_parents(out);
    return 0;
}

void free_process_tree(struct process_tree *tree)
{
    free(tree->docs);
    free(tree->nodes);
    *tree = (struct process_tree){0};
}
