/* The parts of the HTML page (html_report.h), and what they share. */
#ifndef EXITGUARD_TOOLS_HTML_SECTIONS_H
#define EXITGUARD_TOOLS_HTML_SECTIONS_H

#include <stdio.h>

#include "html_report.h"
#include "leak_groups.h"
#include "process_tree.h"

/* Anchors: a process is "nI", I its node in `tree`; a site "site-N", N
 * its group's index in `groups` plus one. */
struct html_page {
    const struct html_run *run;
    struct process_tree tree;
    struct leak_groups groups;
    int grouped;          /* 0 if out of memory: no sites, leaks unlinked */
    long **members;       /* per group: the nodes that had it, tree order */
    size_t *nmembers;
    long *here_node;      /* per group, while the tree is written: the node */
    size_t *here;         /* and how many of the group's leaks it showed */
};

/* <header>: the summary's first and last lines, and the totals. */
void print_html_header(FILE *to, const struct html_run *run);
/* The command line, shell-quoted, escaped. */
void print_html_command(FILE *to, char *const *command);

/* The kind filters (html_style.h): their CSS, their check boxes (before
 * <main>, so that CSS alone can hide what is unchecked:
 * input:not(:checked) ~ main .k-KIND) and their labels, inside <main>,
 * for the kinds the run has. */
void print_html_filter_style(FILE *to);
void print_html_filter_boxes(FILE *to);
void print_html_filter_labels(FILE *to, const struct html_run *run);

/* <section id="tree">: the process tree. */
void print_html_tree(FILE *to, struct html_page *page);
/* <section id="sites">: the leak sites, most leaks first. */
void print_html_sites(FILE *to, struct html_page *page);

/* <ul class="items">: the findings of one document of the process at
 * `node`, in the summary's words, each leak linked to its site. */
void print_html_items(FILE *to, struct html_page *page, long node, json_t *report);

/* <a href="#nI">NAME (pid N)</a>, NAME cut short for a list. */
void print_html_node_link(FILE *to, const struct html_page *page, long node);

#endif
