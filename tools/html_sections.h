/* The parts of the HTML page (html_report.h), and what they share. */
#ifndef EXITGUARD_TOOLS_HTML_SECTIONS_H
#define EXITGUARD_TOOLS_HTML_SECTIONS_H

#include <stdio.h>

#include "html_report.h"
#include "leak_groups.h"
#include "process_tree.h"

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

/* <section id="tree">: the process tree. */
void print_html_tree(FILE *to, struct html_page *page);
/* <section id="sites">: the leak sites, most leaks first. */
void print_html_sites(FILE *to, struct html_page *page);

/* A site's anchor is "site-N", N its index in page->groups plus one. */
size_t html_site_number(const struct html_page *page, const struct leak_group *group);

/* <a href="#nI">NAME (pid N)</a>, NAME cut short for a list. */
void print_html_node_link(FILE *to, const struct html_page *page, long node);

/* The first line `print` (a finding printer: findings.h, exit_findings.h)
 * writes, escaped, without its indent; the lines after it (the stacks),
 * unescaped, in *rest (malloc'd; NULL if none) unless rest is NULL. */
void print_html_of(FILE *to, void (*print)(FILE *, json_t *, json_int_t), json_t *item,
                   json_int_t depth, char **rest);

#endif
