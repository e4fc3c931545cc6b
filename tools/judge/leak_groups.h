/* Leaks grouped by where the program acquired them, across the run, for
 * the summary to print each group once: two leaks are in one group when
 * they have the same kind, the same site (leak_site: the first frame that
 * is the program's own, with its line) and, for fds, the same kind of
 * target -- whichever processes had them, however often, and however
 * differently the stacks below the site go (a helper called from sixty
 * places is one group, its sixty stacks listed under it, counted). */
#ifndef EXITGUARD_TOOLS_LEAK_GROUPS_H
#define EXITGUARD_TOOLS_LEAK_GROUPS_H

#include <jansson.h>
#include <stddef.h>

#include "leak_identity.h"
#include "process_tree.h"

#define GROUP_SAMPLES 3

struct leak_group {
    size_t count;     /* leaks with this identity, in every process */
    size_t processes; /* processes that had it */
    long samples[GROUP_SAMPLES]; /* the first processes, tree order (node indices) */
    unsigned number;  /* its [N] in the summary, once printed; 0 before */
    long last;        /* the last process counted (while collecting) */
    long here_node;   /* the process being printed, and how often it has it */
    size_t here;
    size_t emitted;   /* lines printed for it in that process */
    json_t *stacks;   /* full-stack identity -> {"n": leaks, "stack": [...]} */
    enum leak_kind kind;
    char *site;       /* leak_site of its first leak */
    int system;       /* that site is in a program or library the system
                         installed (system_site), not the user's own */
    char *first;      /* the identity of the stack printed in full */
};

struct leak_groups {
    json_t *index; /* identity -> position in groups */
    struct leak_group *groups;
    size_t count;
    unsigned numbered;
};

/* Walks the tree as the summary prints it (each process before the ones
 * it started, siblings in pid order).  0, or -1 if out of memory. */
int collect_leak_groups(const struct process_tree *tree, struct leak_groups *out);
void free_leak_groups(struct leak_groups *groups);

/* The group of a leak of `kind` (NULL if out of memory). */
struct leak_group *leak_group_of(struct leak_groups *groups, enum leak_kind kind, json_t *leak);

/* Calls `visit` for each leak of each document of `node`, in the order the
 * summary prints them. */
void for_each_leak(const struct tree_node *node,
                   void (*visit)(enum leak_kind kind, json_t *leak, void *arg), void *arg);

/* The tree's nodes in the order the summary prints them. */
void for_each_node(const struct process_tree *tree, void (*visit)(long at, void *arg), void *arg);

#endif
