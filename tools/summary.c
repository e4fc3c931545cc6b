#define _GNU_SOURCE
#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "exit_findings.h"
#include "findings.h"
#include "leftovers_json.h"
#include "process_tree.h"
#include "shell_words.h"
#include "wait_status.h"

/* ", which exitguard cannot follow (statically linked)" */
static void print_unchecked(FILE *to, json_t *end)
{
    const char *why = json_string_value(json_object_get(end, "unchecked"));
    if (why)
        fprintf(to, ", which exitguard cannot follow (%s)",
                strcmp(why, "static") == 0 ? "statically linked" : why);
}

/* "exited with status 3", "called _exit(1)", "killed by SIGSEGV" */
static void print_end(FILE *to, json_t *end)
{
    const char *how = json_string_value(json_object_get(end, "how"));
    long long status = (long long)json_integer_value(json_object_get(end, "status"));
    if (!how) {
        fputs("ended", to);
    } else if (strcmp(how, "signal") == 0) {
        const char *name = json_string_value(json_object_get(end, "name"));
        if (name)
            fprintf(to, "was killed by %s", name);
        else
            fprintf(to, "was killed by signal %lld",
                    (long long)json_integer_value(json_object_get(end, "signal")));
    } else if (strcmp(how, "exit") == 0) {
        fprintf(to, "exited with status %lld", status);
    } else if (strcmp(how, "unreported") == 0) {
        /* a post-mortem: what its registry file held */
        fputs("was killed without writing a report (SIGKILL?)", to);
    } else if (strcmp(how, "exec") == 0) {
        fputs("exec'd ", to);
        print_shell_word(to, json_string_value(json_object_get(end, "path")) ?: "?");
        if (json_object_get(end, "unchecked"))
            print_unchecked(to, end);
        else
            fputs(", which wrote no report", to);
    } else {
        fprintf(to, "called %s(%lld)", how, status); /* _exit, quick_exit */
    }
}

/* fds the registry thought open that the kernel had closed (a raw close
 * syscall no interposer sees): not leaks, but worth knowing about. */
static void print_closed_unseen(FILE *to, json_t *fds)
{
    if (!json_array_size(fds))
        return;
    fputs("  closed without exitguard seeing it (a raw close syscall?): fd", to);
    size_t i;
    json_t *fd;
    json_array_foreach(fds, i, fd)
        fprintf(to, "%s %lld", i ? "," : "", (long long)json_integer_value(fd));
    fputc('\n', to);
}

/* Its argv, or its executable if it has none. */
static void print_process_name(FILE *to, json_t *report)
{
    json_t *argv = json_object_get(report, "argv");
    if (json_array_size(argv))
        print_argv_json(to, argv);
    else
        print_shell_word(to, json_string_value(json_object_get(report, "exe")) ?: "?");
}

static int same_argv(json_t *a, json_t *b)
{
    return json_array_size(a) && json_equal(a, b);
}

/* "sh -c 'exec make' -> make -j2 (pid 42) exited with status 0": the
 * programs one pid ran, one after the other. */
static void print_node_header(FILE *to, const struct tree_node *node)
{
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
    print_end(to, json_object_get(node->docs[node->ndocs - 1], "end"));
    fputs(node->news ? ":\n" : ": nothing left open\n", to);
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

#define EACH(report, key, i, item) json_array_foreach(json_object_get(report, key), i, item)

static void print_items(FILE *to, json_t *report)
{
    json_int_t depth = json_integer_value(json_object_get(report, "stack_depth"));
    size_t i;
    json_t *item;
    EACH(report, "leaks", i, item)
        print_leak(to, item, depth);
    EACH(report, "errors", i, item)
        print_error(to, item, depth);
    json_int_t dropped = json_integer_value(json_object_get(report, "errors_dropped"));
    if (dropped > 0)
        fprintf(to, "  (%lld more fd misuses, not kept)\n", (long long)dropped);
    EACH(report, "children", i, item)
        print_child(to, item, depth);
    EACH(report, "tempfiles", i, item)
        print_tempfile(to, item, depth);
    EACH(report, "finalizers", i, item)
        print_finalizer(to, item, depth);
    EACH(report, "threads", i, item)
        print_thread(to, item, depth);
    print_closed_unseen(to, json_object_get(report, "closed_unseen"));
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

/* What one process did, its header first; what it handed on at each exec
 * under a line of its own. */
static void print_node(FILE *to, const struct tree_node *node)
{
    fputc('\n', to);
    print_node_header(to, node);
    for (size_t d = 0; d < node->ndocs; d++) {
        json_t *report = node->docs[d];
        if (!report_is_exec(report)) {
            print_items(to, report);
        } else if (report_has_news(report) &&
                   (d + 1 < node->ndocs || report_has_findings(report))) {
            /* (the exec that ended the process is in its header already) */
            print_exec_line(to, report);
            char *text = NULL;
            size_t size = 0;
            FILE *items = open_memstream(&text, &size);
            if (items) {
                print_items(items, report);
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
static void print_branch(FILE *to, const struct process_tree *tree, long at, int depth,
                         int verbose)
{
    for (; at >= 0; at = tree->nodes[at].next_sibling) {
        const struct tree_node *node = &tree->nodes[at];
        if (!verbose && !node->listed)
            continue;
        char *text = NULL;
        size_t size = 0;
        FILE *block = open_memstream(&text, &size);
        if (block) {
            print_node(block, node);
            fclose(block);
            print_indented(to, text ? text : "", 2 * (depth < MAX_INDENT ? depth : MAX_INDENT));
        }
        free(text);
        print_branch(to, tree, node->first_child, depth + 1, verbose);
    }
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
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
    size_t listed = 0;
    if (build_process_tree(reports, &tree) == 0) {
        for (size_t i = 0; i < tree.count; i++) {
            if (tree.nodes[i].parent < 0)
                print_branch(to, &tree, (long)i, 0, verbose);
            listed += verbose || tree.nodes[i].listed;
        }
        if (listed && listed < tree.count) {
            size_t rest = tree.count - listed;
            fprintf(to, "\nand %zu other %s that left nothing behind\n", rest,
                    plural(rest, "process", "processes"));
        }
    }
    free_process_tree(&tree);
    print_leftovers(to, leftovers, listed > 0);
    if (listed || json_array_size(leftovers))
        fputc('\n', to);
}

void print_leftovers(FILE *to, json_t *leftovers, int after_text)
{
    size_t i;
    json_t *leftover;
    json_array_foreach(leftovers, i, leftover) {
        if (!i && after_text)
            fputc('\n', to);
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
}

void print_final_line(FILE *to, const struct totals *t, size_t unreadable)
{
    fprintf(to, "exitguard: %zu %s", t->processes, plural(t->processes, "process", "processes"));
    if (t->processes == 0)
        fputs(" reported (static and setuid programs, and processes killed by a signal, write no report)", to);
    else
        print_counts(to, t);
    if (unreadable)
        fprintf(to, " (%zu unreadable %s)", unreadable, plural(unreadable, "report", "reports"));
    fputc('\n', to);
}

void print_no_reports_line(FILE *to, const char *why)
{
    fprintf(to, "exitguard: no reports collected: %s\n", why);
}
