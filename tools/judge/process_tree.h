/* The reports arranged as the processes that wrote them, each under the
 * process that started it, for the summary.
 *
 * A process is a run of exec documents and the document that ends it
 * (totals.h).  Its parent is the process whose report lists it among its
 * children, else the process its report's "ppid" names (the parent when
 * the library started in it: an orphan's later parent does not count);
 * a process whose parent wrote no report is at the top. */
#ifndef EXITGUARD_TOOLS_PROCESS_TREE_H
#define EXITGUARD_TOOLS_PROCESS_TREE_H

#include <jansson.h>
#include <stddef.h>

struct tree_node {
    json_t **docs; /* into the reports array: exec documents, then the end */
    size_t ndocs;
    json_int_t pid;
    long parent, first_child, next_sibling; /* node indices, -1 for none */
    int news;    /* some document of it has something to show */
    int listed;  /* news, or an ancestor of a process with news */
};

struct process_tree {
    struct tree_node *nodes; /* in the reports' order: by pid */
    size_t count;
    json_t **docs; /* every node's documents, one block */
};

/* 0, or -1 if out of memory. */
int build_process_tree(json_t *reports, struct process_tree *out);
void free_process_tree(struct process_tree *tree);

#endif
