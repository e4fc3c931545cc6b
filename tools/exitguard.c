/* exitguard: runs a command with libexitguard.so preloaded into every
 * process of it, then gathers the report each process wrote at exit into
 * one summary (and, with --json, one document) and one exit status. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "colors.h"
#include "child_names.h"
#include "command_line.h"
#include "default_supp_path.h"
#include "descendants.h"
#include "gen_suppressions.h"
#include "handovers.h"
#include "html_report.h"
#include "junit.h"
#include "leak_filters.h"
#include "leftovers_json.h"
#include "library_path.h"
#include "merged_json.h"
#include "messages.h"
#include "policy_plan.h"
#include "killed_children.h"
#include "postmortem.h"
#include "preload_env.h"
#include "report_dir.h"
#include "reports.h"
#include "run_command.h"
#include "sarif.h"
#include "stack_text.h"
#include "summary.h"
#include "symbolize_frames.h"
#include "totals.h"
#include "user_options.h"
#include "wait_status.h"

#ifndef EXITGUARD_VERSION
#define EXITGUARD_VERSION "unknown"
#endif

/* Where the reports will be and whether there will be any. */
struct plan {
    struct report_dir dir; /* path NULL: the library gets no log_dir from us */
    int preload;
    const char *no_reports; /* why none can be collected, or NULL */
};

/* The directory could not be made, and that has been said: the command
 * runs without the library rather than not at all. */
static const char no_directory[] = "no report directory";

static const char *make_report_dir(const struct command_line *cl, const struct user_options *user,
                                   struct report_dir *dir)
{
    if (user->log_dir && !*user->log_dir)
        return "EXITGUARD_OPTIONS sets an empty log_dir";
    if (user->log_dir) {
        if (cl->output_dir)
            complain("--output '%s' ignored: EXITGUARD_OPTIONS sets log_dir=%s",
                     cl->output_dir, user->log_dir);
        return use_user_report_dir(dir, user->log_dir) == 0 ? NULL : "out of memory";
    }
    if (cl->output_dir)
        return make_output_report_dir(dir, cl->output_dir) == 0 ? NULL : no_directory;
    /* With report=text or none a private directory would at best collect
     * text files and delete them: the library's output goes where the
     * user's options send it instead. */
    if (user_report_not_json(user))
        return NULL;
    return make_temporary_report_dir(dir) == 0 ? NULL : no_directory;
}

/* Said already, by find_library: the command runs without the library. */
static const char no_library[] = "libexitguard.so was not found";

static struct plan plan_reports(const struct command_line *cl, const struct user_options *user,
                                const char *library)
{
    struct plan plan = {.preload = 1};
    if (!library)
        return (struct plan){.preload = 0, .no_reports = no_library};
    plan.no_reports = make_report_dir(cl, user, &plan.dir);
    if (!plan.no_reports && user_report_not_json(user))
        plan.no_reports = strcmp(user->report, "none") == 0 ? "EXITGUARD_OPTIONS sets report=none"
                                                            : "EXITGUARD_OPTIONS sets report=text";
    if (plan.no_reports == no_directory)
        plan.preload = 0;
    else if (plan.no_reports)
        complain("%s: no reports can be collected", plan.no_reports);
    return plan;
}

static int write_junit(FILE *to, void *reports)
{
    return print_junit(to, reports);
}

static int write_sarif(FILE *to, void *reports)
{
    /* files under the directory the command ran in are relative to it */
    char *cwd = getcwd(NULL, 0);
    json_t *document = sarif_document(reports, cwd, EXITGUARD_VERSION, NULL);
    free(cwd);
    int result = document && json_dumpf(document, to, JSON_INDENT(2)) == 0 &&
                         fputc('\n', to) != EOF ? 0 : -1;
    json_decref(document);
    return result;
}

static int write_html(FILE *to, void *run)
{
    return print_html_report(to, run);
}

static int write_suppressions(FILE *to, void *reports)
{
    print_generated_suppressions(to, reports);
    return 0;
}

/* --json, --junit, --sarif, --html, --gen-suppressions=FILE: each names
 * itself in one line if it cannot be written, and changes no exit status. */
static void write_files(const struct command_line *cl, const struct plan *plan, int wait_status,
                        json_t *reports, json_t *leftovers, const struct totals *totals,
                        const struct leak_filters *filters, size_t unreadable)
{
    const char *options[] = {"json", "junit", "sarif", "html"};
    const char *paths[] = {cl->json_path, cl->junit_path, cl->sarif_path, cl->html_path};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        if (paths[i] && plan->no_reports) /* an empty document would read as "no leaks" */
            complain("--%s '%s' not written: no reports were collected", options[i], paths[i]);
    if (plan->no_reports)
        return;
    if (cl->json_path) {
        struct merged_extras extras = {
            .suppressions = suppressions_used_json(&filters->rules),
            .baseline = filters->baseline_path,
            .baseline_removed = filters->baseline_removed,
            .handovers = filters->handovers,
        };
        extras.default_suppressions = default_suppressions_json(&filters->defaults);
        write_merged_json(cl->json_path, cl->command, wait_status, reports, leftovers, totals,
                          &extras);
        json_decref(extras.suppressions);
        json_decref(extras.default_suppressions);
    }
    if (cl->junit_path)
        write_file_atomically(cl->junit_path, "junit", write_junit, reports);
    if (cl->sarif_path)
        write_file_atomically(cl->sarif_path, "sarif", write_sarif, reports);
    if (cl->gen_suppressions && strcmp(cl->gen_suppressions, GEN_SUPPRESSIONS_STDERR) != 0)
        write_file_atomically(cl->gen_suppressions, "gen-suppressions", write_suppressions,
                              reports);
    if (cl->html_path) {
        /* the page quotes the summary's final line: without the terminal's
         * colors (the summary is printed by now) */
        choose_colors(COLOR_NEVER, -1);
        char *cwd = getcwd(NULL, 0); /* where relative source file names start */
        struct html_run run = {cl->command, wait_status, reports, leftovers, totals,
                               filters, unreadable, cwd};
        write_file_atomically(cl->html_path, "html", write_html, &run);
        free(cwd);
    }
}

/* After COMMAND and what it left running: read, symbolize, filter and
 * present the reports; returns the totals for the exit status. */
static struct totals present(const struct command_line *cl, struct plan *plan,
                             const struct report_names *before, int command_pid,
                             int wait_status, const struct leftovers *left, struct leak_filters *filters)
{
    size_t unreadable = 0, lost = 0;
    json_t *reports = NULL;
    if (!plan->no_reports) {
        reports = load_reports(plan->dir.path, before, &unreadable);
        if (!reports)
            plan->no_reports = "the report directory could not be read";
        else /* processes that died without a report, from their registry files */
            lost = postmortem_add(plan->dir.path, reports, !plan->dir.temporary, left);
        if (reports)
            note_how_killed_children_died(reports, command_pid, wait_status);
        if (reports)
            name_children_by_image(reports, left);
    }
    if (!reports)
        reports = json_array();
    /* symbolized first: rules and the baseline match functions and files */
    symbolize_reports(reports);
    json_t *leftovers = leftovers_json(left, reports);
    /* then filtered, so that everything after sees only what is left */
    apply_leak_filters(filters, reports, leftovers);
    struct totals totals = count_totals(reports, leftovers);
    totals.unreported += lost; /* registry files no one could read */
    if (plan->no_reports) {
        if (!cl->quiet)
            print_leftovers(stderr, leftovers, 0);
        print_no_reports_line(stderr, plan->no_reports);
    } else {
        stack_text_show_hidden(cl->verbose);
        if (!cl->quiet) {
            print_summary(stderr, reports, leftovers, cl->command, wait_status, cl->verbose);
            print_filters_used(stderr, filters);
            print_default_hidden(stderr, &filters->defaults, cl->verbose);
            print_handovers(stderr, filters->handovers);
        }
        print_final_line(stderr, &totals, unreadable);
        /* after the final line, to the end of stderr: the lines from
         * "# exitguard suppressions" on are the file, as they are */
        if (cl->gen_suppressions && strcmp(cl->gen_suppressions, GEN_SUPPRESSIONS_STDERR) == 0)
            print_generated_suppressions(stderr, reports);
    }
    write_files(cl, plan, wait_status, reports, leftovers, &totals, filters, unreadable);
    json_decref(leftovers);
    json_decref(reports);
    return totals;
}

int main(int argc, char **argv)
{
    /* whole lines, even when processes the command left behind write too */
    setvbuf(stderr, NULL, _IOLBF, 0);
    struct command_line cl;
    switch (parse_command_line(argc, argv, &cl)) {
    case PARSE_HELP: print_help(stdout); return 0;
    case PARSE_VERSION: print_version(stdout, EXITGUARD_VERSION); return 0;
    case PARSE_BAD_USAGE: return 2;
    case PARSE_RUN: break;
    }
    char *library = find_library();
    if (library && !library_path_usable(library)) {
        free(library);
        library = NULL;
    }

    struct user_options user;
    read_user_options(getenv("EXITGUARD_OPTIONS"), &user);
    struct leak_filters filters;
    if (load_leak_filters(&filters, cl.suppressions, cl.nsuppressions, user.suppressions,
                          cl.baseline_path) != 0) {
        free_leak_filters(&filters);
        free_user_options(&user);
        free_command_line(&cl);
        free(library);
        return 2;
    }
    if (!cl.no_default_suppressions) {
        filters.handovers = json_array(); /* the system's by-design holders, like them */
        char *defaults = find_default_suppressions();
        load_default_suppressions(&filters.defaults, defaults);
        free(defaults);
    }
    choose_colors(cl.color, STDERR_FILENO);
    struct plan plan = plan_reports(&cl, &user, library);
    struct policy_plan policy;
    plan_policy(&cl, &user, &policy);
    free_user_options(&user);
    /* a kept or user-named directory may hold reports of earlier runs */
    struct report_names before = {0};
    if (!plan.no_reports) {
        list_report_names(plan.dir.path, &before);
        postmortem_note_before(plan.dir.path);
    }
    /* a token for this run's reports: random, so that nobody outside the
     * tree can know it (an environment is readable by its owner alone) */
    unsigned char random[16];
    char token[sizeof random * 2 + 1] = "";
    if (getrandom(random, sizeof random, 0) == (ssize_t)sizeof random)
        for (size_t i = 0; i < sizeof random; i++)
            snprintf(token + 2 * i, 3, "%02x", random[i]);
    set_run_token(token);
    if (!token[0] && plan.dir.path) /* no token: no way to refuse a planted file */
        close_to_other_users(plan.dir.path);
    if (plan.preload && set_preload_env(library, plan.dir.path, token, policy.passed) != 0) {
        complain("cannot set the command's environment: out of memory");
        plan.no_reports = "out of memory";
    }
    free(library);

    struct run_result run;
    int code = run_command(cl.command, &run);
    if (code == 0) {
        /* first: the processes ended now write their reports as they go */
        struct leftovers left;
        settle_descendants(policy.children, policy.kill_grace_ms, &left);
        struct totals totals = present(&cl, &plan, &before, run.pid, run.wait_status, &left,
                                      &filters);
        free_leftovers(&left);
        code = exit_code_of(run.wait_status);
        if (cl.error_exitcode >= 0 && totals_have_findings(&totals))
            code = cl.error_exitcode;
    }
    free_report_names(&before);
    remove_report_dir(&plan.dir);
    free_leak_filters(&filters);
    free_command_line(&cl);
    return code;
}
