#define _GNU_SOURCE
#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "colors.h"
#include "exit_findings.h"
#include "findings.h"
#include "leak_groups.h"
#include "leftovers_json.h"
#include "process_tree.h"
#include "process_words.h"
#include "shell_words.h"
#include "stack_text.h"
#include "top_sites.h"
#include "wait_status.h"

/* "  <what>: fd 3, fd 9 (/etc/hostname)": fd numbers, or {"fd","target"}. */
static void print_fd_list(FILE *to, const char *what, json_t *fds)
{
    if (!json_array_size(fds))
        return;
    fprintf(to, "  %s:", what);
    size_t i;
    json_t *fd;
    json_array_foreach(fds, i, fd) {
        json_t *number = json_is_object(fd) ? json_object_get(fd, "fd") : fd;
        fprintf(to, "%s fd %lld", i ? "," : "", (long long)json_integer_value(number));
        const char *target = json_string_value(json_object_get(fd, "target"));
        if (target)
            fprintf(to, " (%s)", target);
    }
    fputc('\n', to);
}

static int same_argv(json_t *a, json_t *b)
{
    return json_array_size(a) && json_equal(a, b);
}

/* Grouping.  Identical leaks (leak_groups.h) print their stack once: the
 * first time the tree meets one, under the process that had it, with a
 * line numbering it and saying how many times and in which processes it
 * happened ("[1] 20 times in 20 processes: ..."); every later occurrence
 * is its one describing line and "same as [1] above", and repeats in one
 * process print once.  A process whose findings are all such repeats is
 * not listed at all (only counted: "and 19 other processes whose leaks
 * are shown above"), unless --verbose: so the tree still shows each
 * process with what is its own, where it sits, and 500 test processes
 * leaking the same fd print one stack and one line, not 500 of either. */
struct summary {
    const struct process_tree *tree;
    struct leak_groups groups;
    int grouped;         /* 0 if out of memory: everything in full */
    unsigned char *shown;
    int verbose;
};

/* "sh -c 'exec make' -> make -j2 (pid 42) exited with status 0": the
 * programs one pid ran, one after the other. */
static void print_node_header(FILE *to, const struct tree_node *node)
{
    color_start(to, COLOR_HEADER);
    json_t *previous = NULL;
    for (size_t d = 0; d < node->ndocs; d++) {
        json_t *argv = json_object_get(node->docs[d], "argv");
        if (same_argv(previous, argv))
            continue;
        if (d)
            fputs(" -> ", to);
        print_process_name(to, node->docs[d]);
        previous = argv;
    }
    fprintf(to, " (pid %lld) ", (long long)node->pid);
    json_t *last = node->docs[node->ndocs - 1];
    print_report_end(to, last);
    const char *unfiled = json_string_value(json_object_get(last, "report_error"));
    if (unfiled)
        fprintf(to, " (its report could not be written: %s; read from its registry file)",
                unfiled);
    color_end(to);
    fputs(node->news ? ":\n" : report_held_nothing(last) ? "\n" : ": nothing left open\n", to);
}

/* "  exec'd /usr/bin/make handing it 2 fds without O_CLOEXEC:" */
static void print_exec_line(FILE *to, json_t *report)
{
    fputs("  exec'd ", to);
    json_t *path = json_object_get(json_object_get(report, "end"), "path");
    print_shell_word(to, json_string_value(path) ?: "?");
    size_t leaks = report_leaks(report);
    if (leaks)
        fprintf(to, " handing it %zu %s without O_CLOEXEC", leaks, leaks == 1 ? "fd" : "fds");
    print_unchecked(to, json_object_get(report, "end"));
    fputs(":\n", to);
}

typedef void item_printer(FILE *to, json_t *item, json_int_t stack_depth);

/* The item's text: its line colored, then `note` (a line, or NULL), then
 * its stack unless `brief`. */
static void print_item(FILE *to, item_printer *print, json_t *item, json_int_t depth,
                       const char *note, int brief)
{
    char *text = NULL;
    size_t size = 0;
    FILE *buffer = open_memstream(&text, &size);
    if (!buffer)
        return;
    print(buffer, item, depth);
    if (fclose(buffer) != 0 || !text) {
        free(text);
        return;
    }
    const char *newline = strchrnul(text, '\n');
    size_t first = (size_t)(newline - text) + (*newline == '\n');
    print_item_header(to, text, first);
    if (note)
        fputs(note, to);
    if (!brief)
        print_stack_lines(to, text + first);
    free(text);
}

/* "leak_one --flag (pid 101)", the command shortened to a glance. */
static void print_sample(FILE *to, const struct tree_node *node)
{
    char *name = short_process_name(node->docs[node->ndocs - 1]);
    if (name)
        fputs(name, to);
    free(name);
    fprintf(to, " (pid %lld)", (long long)node->pid);
}

/* "    [1] 20 times in 20 processes: a (pid 1), b (pid 2), c (pid 3) and 17 more\n" */
static char *group_note(const struct summary *s, const struct leak_group *group)
{
    char *note = NULL;
    size_t size = 0;
    FILE *to = open_memstream(&note, &size);
    if (!to)
        return NULL;
    fprintf(to, "    [%u] %zu times", group->number, group->count);
    if (group->processes == 1) {
        fputs(" in this process\n", to);
    } else {
        fprintf(to, " in %zu processes: ", group->processes);
        size_t samples = group->processes < GROUP_SAMPLES ? group->processes : GROUP_SAMPLES;
        for (size_t i = 0; i < samples; i++) {
            if (i)
                fputs(i + 1 == samples && samples == group->processes ? " and " : ", ", to);
            print_sample(to, &s->tree->nodes[group->samples[i]]);
        }
        if (group->processes > samples)
            fprintf(to, " and %zu more", group->processes - samples);
        fputc('\n', to);
    }
    if (fclose(to) != 0) {
        free(note);
        return NULL;
    }
    return note;
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* Each line of `text` after `spaces` spaces (blank lines stay blank). */
static void print_indented(FILE *to, const char *text, int spaces)
{
    while (*text) {
        const char *end = strchrnul(text, '\n');
        if (end != text)
            fprintf(to, "%*s", spaces, "");
        fwrite(text, 1, (size_t)(end - text) + (*end == '\n'), to);
        text = *end ? end + 1 : end;
    }
}

/* Under a group's first leak, the other stacks that reach its site, each
 * with how many leaks came that way, most first. */
struct other_stack {
    json_t *stack;
    json_int_t n;
};

static int by_leaks(const void *a, const void *b)
{
    const struct other_stack *x = a, *y = b;
    return (x->n < y->n) - (x->n > y->n);
}

static void print_other_stacks(FILE *to, const struct leak_group *group, json_int_t depth)
{
    size_t n = json_object_size(group->stacks);
    struct other_stack *others = n > 1 ? calloc(n, sizeof *others) : NULL;
    if (!others)
        return;
    size_t k = 0;
    const char *identity;
    json_t *entry;
    json_object_foreach(group->stacks, identity, entry)
        if (!group->first || strcmp(identity, group->first) != 0)
            others[k++] = (struct other_stack){json_object_get(entry, "stack"),
                                               json_integer_value(json_object_get(entry, "n"))};
    qsort(others, k, sizeof *others, by_leaks);
    fprintf(to, "    the same site reached by %zu other %s:\n", k, plural(k, "stack", "stacks"));
    for (size_t i = 0; i < k; i++) {
        char *text = NULL;
        size_t size = 0;
        FILE *stack = open_memstream(&text, &size);
        if (!stack)
            break;
        fprintf(stack, "  %lld %s:\n", (long long)others[i].n, plural((size_t)others[i].n, "time", "times"));
        print_stack(stack, others[i].stack, depth);
        fclose(stack);
        print_indented(to, text ? text : "", 2);
        free(text);
    }
    free(others);
}

/* Repeats of one leak in one process print this many lines, then one
 * saying how many more there are. */
#define REPEATS_SHOWN 4

/* A leak, in full, numbered, or as its line and a reference to where it
 * was printed in full. */
static void print_leak_item(FILE *to, struct summary *s, long node, enum leak_kind kind,
                            item_printer *print, json_t *item, json_int_t depth)
{
    struct leak_group *group = s->grouped ? leak_group_of(&s->groups, kind, item) : NULL;
    if (!group || group->count < 2) {
        print_item(to, print, item, depth, NULL, 0);
        return;
    }
    size_t emitted = group->here_node == node ? group->emitted++ : REPEATS_SHOWN + 1;
    char *note = NULL;
    if (!group->number) {
        group->number = ++s->groups.numbered;
        note = group_note(s, group);
        print_item(to, print, item, depth, note, 0);
        print_other_stacks(to, group, depth);
    } else if (emitted < REPEATS_SHOWN) {
        if (asprintf(&note, "    same as [%u] above\n", group->number) < 0)
            note = NULL;
        print_item(to, print, item, depth, note, 1);
    } else if (emitted == REPEATS_SHOWN) {
        fprintf(to, "  and %zu more the same as [%u] in this process\n",
                group->here - REPEATS_SHOWN, group->number);
    }
    free(note);
}

#define EACH(report, key, i, item) json_array_foreach(json_object_get(report, key), i, item)

static void print_items(FILE *to, struct summary *s, long node, json_t *report)
{
    json_int_t depth = json_integer_value(json_object_get(report, "stack_depth"));
    enum leak_kind fd_kind = report_is_exec(report) ? LEAK_EXEC : LEAK_FD;
    size_t i;
    json_t *item;
    EACH(report, "leaks", i, item)
        print_leak_item(to, s, node, fd_kind, print_leak, item, depth);
    EACH(report, "errors", i, item)
        print_item(to, print_error, item, depth, NULL, 0);
    json_int_t dropped = json_integer_value(json_object_get(report, "errors_dropped"));
    if (dropped > 0)
        fprintf(to, "  (%lld more fd misuses, not kept)\n", (long long)dropped);
    EACH(report, "children", i, item)
        print_leak_item(to, s, node, LEAK_PROCESS, print_child, item, depth);
    EACH(report, "tempfiles", i, item)
        print_leak_item(to, s, node, LEAK_TEMPFILE, print_tempfile, item, depth);
    EACH(report, "finalizers", i, item)
        if (strcmp(string_or(item, "outcome", "?"), "ran") != 0)
            print_item(to, print_finalizer, item, depth, NULL, 0);
    EACH(report, "threads", i, item)
        print_leak_item(to, s, node, LEAK_THREAD, print_thread, item, depth);
    /* fds the registry thought open that the kernel had closed (a raw
     * close syscall no interposer sees): not leaks, worth knowing about */
    print_fd_list(to, "closed without exitguard seeing it (a raw close syscall?)",
                  json_object_get(report, "closed_unseen"));
    /* open when the process started (its parent's): never leaks */
    if (s->verbose)
        print_fd_list(to, "inherited and still open (not leaks)",
                      json_object_get(report, "inherited"));
}


struct counting_here {
    struct summary *s;
    long node;
};

static void count_here(enum leak_kind kind, json_t *leak, void *arg)
{
    struct counting_here *c = arg;
    struct leak_group *group = leak_group_of(&c->s->groups, kind, leak);
    if (!group)
        return;
    if (group->here_node != c->node) {
        group->here_node = c->node;
        group->here = 0;
        group->emitted = 0;
    }
    group->here++;
}

/* What one process did, its header first; what it handed on at each exec
 * under a line of its own. */
static void print_node(FILE *to, struct summary *s, long at)
{
    const struct tree_node *node = &s->tree->nodes[at];
    if (s->grouped) {
        struct counting_here c = {s, at};
        for_each_leak(node, count_here, &c);
    }
    fputc('\n', to);
    print_node_header(to, node);
    for (size_t d = 0; d < node->ndocs; d++) {
        json_t *report = node->docs[d];
        if (!report_is_exec(report)) {
            print_items(to, s, at, report);
        } else if (report_has_news(report) &&
                   (d + 1 < node->ndocs || report_has_findings(report))) {
            /* (the exec that ended the process is in its header already) */
            print_exec_line(to, report);
            char *text = NULL;
            size_t size = 0;
            FILE *items = open_memstream(&text, &size);
            if (items) {
                print_items(items, s, at, report);
                fclose(items);
                print_indented(to, text ? text : "", 2);
            }
            free(text);
        }
    }
}

/* Deep trees stop moving right at this depth. */
#define MAX_INDENT 8

/* The node and, under it, the processes it started. */
static void print_branch(FILE *to, struct summary *s, long at, int depth)
{
    for (; at >= 0; at = s->tree->nodes[at].next_sibling) {
        if (!s->shown[at])
            continue;
        char *text = NULL;
        size_t size = 0;
        FILE *block = open_memstream(&text, &size);
        if (block) {
            print_node(block, s, at);
            fclose(block);
            print_indented(to, text ? text : "", 2 * (depth < MAX_INDENT ? depth : MAX_INDENT));
        }
        free(text);
        print_branch(to, s, s->tree->nodes[at].first_child, depth + 1);
    }
}


/* Something to show that is not a leak grouping can stand for: a misuse,
 * a finalizer failed or skipped, a post-mortem, an exec exitguard cannot
 * follow. */
static int has_other_news(const struct tree_node *node)
{
    for (size_t d = 0; d < node->ndocs; d++) {
        json_t *report = node->docs[d];
        if (report_errors(report) || report_finalizer_failures(report) ||
            report_finalizers_skipped(report) ||
            (report_is_postmortem(report) && report_has_findings(report)) ||
            json_object_get(json_object_get(report, "end"), "unchecked"))
            return 1;
    }
    return 0;
}

struct checking_fold {
    struct summary *s;
    long node;
    int own; /* it has a leak that prints in full here */
};

static void check_leak(enum leak_kind kind, json_t *leak, void *arg)
{
    struct checking_fold *c = arg;
    struct leak_group *group = leak_group_of(&c->s->groups, kind, leak);
    if (!group || group->count < 2 || group->samples[0] == c->node)
        c->own = 1;
}

/* A process whose leaks all print in full under an earlier one. */
static int folded(struct summary *s, long at)
{
    const struct tree_node *node = &s->tree->nodes[at];
    if (s->verbose || !s->grouped || !node->news || has_other_news(node))
        return 0;
    struct checking_fold c = {s, at, 0};
    for_each_leak(node, check_leak, &c);
    return !c.own;
}

/* Killed without a report, holding nothing: not a finding, but a death
 * worth a line (the run's other processes ended as they meant to). */
static int died_clean(const struct tree_node *node)
{
    return node->ndocs && report_held_nothing(node->docs[node->ndocs - 1]);
}

/* Which processes the tree lists: every one with --verbose; else those
 * with something of their own to show, or that died without a report,
 * and the processes above them. */
static size_t choose_shown(struct summary *s, size_t *nfolded)
{
    size_t shown = 0;
    *nfolded = 0;
    for (size_t i = 0; i < s->tree->count; i++) {
        if (!s->verbose && !s->tree->nodes[i].news && !died_clean(&s->tree->nodes[i]))
            continue;
        if (folded(s, (long)i)) {
            ++*nfolded;
            continue;
        }
        for (long at = (long)i; at >= 0 && !s->shown[at]; at = s->tree->nodes[at].parent)
            s->shown[at] = 1;
    }
    for (size_t i = 0; i < s->tree->count; i++)
        shown += s->shown[i];
    return shown;
}

void print_summary(FILE *to, json_t *reports, json_t *leftovers, char *const *command,
                   int wait_status, int verbose)
{
    char how[64];
    describe_wait_status(wait_status, how, sizeof how);
    fputs("exitguard: report for ", to);
    print_command(to, command);
    fprintf(to, " (%s)\n", how);

    struct process_tree tree;
    size_t listed = 0, nfolded = 0;
    struct summary s = {.tree = &tree, .verbose = verbose};
    if (build_process_tree(reports, &tree) == 0 &&
        (s.shown = calloc(tree.count + 1, 1)) != NULL) {
        s.grouped = collect_leak_groups(&tree, &s.groups) == 0;
        if (s.grouped)
            print_top_sites(to, &s.groups);
        listed = choose_shown(&s, &nfolded);
        for (size_t i = 0; i < tree.count; i++)
            if (tree.nodes[i].parent < 0)
                print_branch(to, &s, (long)i, 0);
        if (nfolded)
            fprintf(to, "\nand %zu other %s whose leaks are all shown above\n", nfolded,
                    plural(nfolded, "process", "processes"));
        size_t rest = tree.count - listed - nfolded;
        if (listed && rest)
            fprintf(to, "\nand %zu other %s that left nothing behind\n", rest,
                    plural(rest, "process", "processes"));
    }
    free(s.shown);
    free_leak_groups(&s.groups);
    free_process_tree(&tree);
    print_leftovers(to, leftovers, listed > 0);
    if (listed || json_array_size(leftovers))
        fputc('\n', to);
}

void print_leftovers(FILE *to, json_t *leftovers, int after_text)
{
    size_t i;
    json_t *leftover;
    int first = 1;
    json_array_foreach(leftovers, i, leftover) {
        if (leftover_reported_as_child(leftover))
            continue; /* shown under the process that left it */
        if (first && after_text)
            fputc('\n', to);
        first = 0;
        print_leftover(to, leftover);
    }
}

/* ", 3 fds leaked (1 across exec)": the leak count, then the other
 * findings, then what is shown without being a finding. */
static void print_counts(FILE *to, const struct totals *t)
{
    if (t->leaks) {
        fprintf(to, ", %zu leaked: %zu %s leaked", t->leaking_processes, t->leaks,
                plural(t->leaks, "fd", "fds"));
        if (t->exec_leaks)
            fprintf(to, " (%zu across exec)", t->exec_leaks);
    } else if (t->children || t->leftovers) {
        fputs(", no fds leaked", to);
    } else {
        fputs(", no leaks", to);
    }
    if (t->errors || t->leaks)
        fprintf(to, ", %zu %s", t->errors, plural(t->errors, "fd misuse", "fd misuses"));
    if (t->tempfiles)
        fprintf(to, ", %zu %s left", t->tempfiles, plural(t->tempfiles, "temp file", "temp files"));
    if (t->finalizer_failures)
        fprintf(to, ", %zu %s failed", t->finalizer_failures,
                plural(t->finalizer_failures, "finalizer", "finalizers"));
    if (t->children)
        fprintf(to, ", %zu child %s left running or unreaped", t->children,
                plural(t->children, "process", "processes"));
    if (t->leftovers)
        fprintf(to, ", %zu %s still running after the command", t->leftovers,
                plural(t->leftovers, "process", "processes"));
    if (t->threads)
        fprintf(to, ", %zu %s still running", t->threads, plural(t->threads, "thread", "threads"));
    if (t->unreported)
        fprintf(to, ", %zu %s without a report", t->unreported,
                plural(t->unreported, "process", "processes"));
}

void print_final_line(FILE *to, const struct totals *t, size_t unreadable)
{
    color_start(to, totals_have_findings(t) ? COLOR_FOUND : COLOR_CLEAN);
    fprintf(to, "exitguard: %zu %s", t->processes, plural(t->processes, "process", "processes"));
    if (t->processes == 0)
        fputs(" reported (static and setuid programs, and processes killed by a signal, write no report)", to);
    else
        print_counts(to, t);
    if (unreadable)
        fprintf(to, " (%zu unreadable %s)", unreadable, plural(unreadable, "report", "reports"));
    color_end(to);
    fputc('\n', to);
}

void print_no_reports_line(FILE *to, const char *why)
{
    fprintf(to, "exitguard: no reports collected: %s\n", why);
}
