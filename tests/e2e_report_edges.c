/* Reports at the edges: identical leaks grouped in the library's text
 * report, and a report even after the process ran out of fds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* 61 opens of /dev/null from one line, until EMFILE: one group, with its
 * fds as a range and the count, the source line named (the soft limit
 * is raised for the report, so libdw can open the binary). */
Test(report_edges, the_library_groups_identical_leaks_and_symbolizes_after_emfile)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/exhaust"), NULL};
    run_preloaded(&r, NULL, argv, NULL);
    cr_assert_eq(exit_code(&r), 1, "its own status: %s", r.err);
    cr_assert_eq(number_after(r.out, "opened "), 61, "%s", r.out);
    cr_assert_eq(count_in(r.err, "fds 3-63 (61 fds): char-device /dev/null (O_RDONLY"), 1, "%s",
                 r.err);
    cr_assert_eq(count_in(r.err, "char-device /dev/null"), 1, "one group: %s", r.err);
    char where[96];
    snprintf(where, sizeof where, "in main tests/programs/exhaust.c:%d", number_after(r.out, "line "));
    cr_assert(strstr(r.err, where), "no '%s' in %s", where, r.err);
    cr_assert(strstr(r.err, "SUMMARY: exitguard: 61 fds leaked"), "%s", r.err);
    run_free(&r);
}

static void check_under_command(const char *mode, int filed)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--", (char *)build_path("tests/programs/exhaust"), (char *)mode,
                                 NULL}, NULL);
    cr_assert_eq(exit_code(&r), 1, "the program's status: %s", r.err);
    char where[96];
    snprintf(where, sizeof where, "in main tests/programs/exhaust.c:%d", number_after(r.out, "line "));
    cr_assert(strstr(r.err, where), "%s: no '%s' in %s", mode, where, r.err);
    cr_assert(strstr(r.err, "[1] 61 times in this process"), "%s: %s", mode, r.err);
    cr_assert(strstr(r.err, "exitguard: 1 process, 1 leaked: 61 fds leaked"), "%s: %s", mode,
              r.err);
    cr_assert(strstr(r.err, "exited with status 1"), "%s: %s", mode, r.err);
    int said = strstr(r.err, "its report could not be written: Too many open files") != NULL;
    cr_assert_eq(said, !filed, "%s: %s", mode, r.err);
    run_free(&r);
}

/* Room within the hard limit: the report is filed as usual. */
Test(report_edges, a_process_out_of_fds_still_files_its_report)
{
    check_under_command("soft", 1);
}

/* No room (soft = hard): its registry file is read, with how it ended. */
Test(report_edges, a_process_out_of_fds_with_no_room_is_read_from_its_registry)
{
    check_under_command("hard", 0);
}

/* When the suppressions hide all a dead process held, it is counted with
 * the clean ones: no header with nothing under it. */
Test(report_edges, a_post_mortem_with_everything_suppressed_prints_no_header)
{
    char rules[128];
    snprintf(rules, sizeof rules, "/tmp/exitguard-edges-%d.supp", (int)getpid());
    FILE *f = fopen(rules, "w");
    cr_assert(f);
    fputs("fd:child_leak\nfd:parent_leak\n", f);
    fclose(f);
    struct run r;
    run_exitguard(&r, (char *[]){"--suppressions", rules, "--",
                                 (char *)build_path("tests/programs/postmortem"), "fork-die", NULL},
                  NULL);
    unlink(rules);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert_null(strstr(r.err, "without writing a report"), "%s", r.err);
    cr_assert_null(strstr(r.err, "):\n\n"), "a header with nothing under it: %s", r.err);
    cr_assert(strstr(r.err, "suppressed 2 leaks"), "%s", r.err);
    cr_assert(strstr(r.err, "exitguard: 2 processes, no leaks"), "%s", r.err);
    run_free(&r);
}

/* A child that execs only after its parent ended (and its parent's
 * report named it by the fork) is named by what it became, with what it
 * was forked as, in the summary and the JSON alike. */
Test(report_edges, a_child_is_named_by_what_it_became, .timeout = 30)
{
    char dir[] = "/tmp/exitguard-became.XXXXXX", script[1024], json[300];
    cr_assert(mkdtemp(dir));
    snprintf(json, sizeof json, "%s.json", dir);
    /* the root waits until the child runs its last image: the order is
     * fixed, whatever the timing */
    snprintf(script, sizeof script,
             "%s exec-after-parent %s >%s/out; cat %s/out; read -r _ pid <%s/out; "
             "until [ \"$(head -c 5 /proc/$pid/cmdline)\" = sleep ]; do sleep 0.01; done",
             build_path("tests/programs/startup"), dir, dir, dir, dir);
    struct run r;
    run_exitguard(&r, (char *[]){"--json", json, "--", "/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int child = number_after(r.out, "child ");
    char want[128];
    snprintf(want, sizeof want, "child process %d (sleep 311, forked from ", child);
    cr_assert(strstr(r.err, want), "no '%s' in %s", want, r.err);
    json_t *doc = take_json(json), *process, *found = NULL;
    size_t i, j;
    json_t *c;
    json_array_foreach(json_object_get(doc, "processes"), i, process)
        json_array_foreach(json_object_get(process, "children"), j, c)
            if (json_integer_value(json_object_get(c, "pid")) == child)
                found = c;
    cr_assert(found, "%s", r.err);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(found, "argv"), 0)), "sleep");
    cr_assert_str_eq(
        json_string_value(json_array_get(json_object_get(found, "forked_as"), 1)),
        "exec-after-parent");
    json_decref(doc);
    remove_tree(dir);
    run_free(&r);
}

/* A child whose exec report exists and whose new image (sleep, which
 * acquires nothing) wrote nothing before the command ended it: said as
 * it is, without "before it could write a report". */
Test(report_edges, an_exec_report_then_a_leftover_says_what_is_known, .timeout = 30)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--", (char *)build_path("tests/programs/startup"),
                                 "exec-leftover", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    char want[160];
    snprintf(want, sizeof want,
             "(pid %d) exec'd /bin/sleep (sleep 307), which wrote no report; when the command "
             "ended: terminated (SIGTERM)", number_after(r.out, "child "));
    cr_assert(strstr(r.err, want), "no '%s' in %s", want, r.err);
    cr_assert_null(strstr(r.err, "before it could write a report"), "%s", r.err);
    run_free(&r);
}

/* Run as root, a process that drops to another uid still delivers its
 * report: the leak is found, and --error-exitcode fails the run. */
Test(report_edges, a_process_that_changes_uid_delivers_its_report)
{
    if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0)
        cr_skip_test("needs root and setpriv (CI runs as root)");
    struct run r;
    run_exitguard(&r, (char *[]){"--error-exitcode", "3", "--", "/usr/bin/setpriv",
                                 "--reuid=65534", "--regid=65534", "--clear-groups",
                                 (char *)build_path("tests/programs/leak_one"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 3, "the leak counts: %s", r.err);
    char want[96];
    snprintf(want, sizeof want, "in main tests/programs/leak_one.c:%d", number_after(r.out, "line "));
    cr_assert(strstr(r.err, want), "no '%s' in %s", want, r.err);
    cr_assert_null(strstr(r.err, "Permission denied"), "%s", r.err);
    /* setpriv's own registry file (root's, before its exec) is its
     * successor's past, not a process that died */
    cr_assert_null(strstr(r.err, "without a report"), "%s", r.err);
    cr_assert(strstr(r.err, "exitguard: 1 process, 1 leaked"), "%s", r.err);
    run_free(&r);
}

/* A file put in the report directory by hand carries no run token: it is
 * named in one line and left out; the rest is merged as usual. */
Test(report_edges, a_planted_report_is_refused)
{
    char script[600];
    snprintf(script, sizeof script,
             "d=${EXITGUARD_OPTIONS#*log_dir=}; d=${d%%%%:*}; "
             "printf '{\"exitguard_report\":2,\"pid\":99999999,\"argv\":[\"forged\"],"
             "\"end\":{\"how\":\"exit\",\"status\":0},\"leaks\":[{\"kind\":\"file\",\"fd\":3}]}' "
             "> \"$d/99999999.json\"; %s", build_path("tests/programs/leak_one"));
    struct run r;
    run_exitguard(&r, (char *[]){"--", "/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert(strstr(r.err, "99999999.json': not from this run (no run token)"), "%s", r.err);
    cr_assert_null(strstr(r.err, "(pid 99999999)"), "not merged: %s", r.err);
    cr_assert(strstr(r.err, "1 leaked: 1 fd leaked"), "leak_one's leak only: %s", r.err);
    run_free(&r);
}

/* A process killed by SIGKILL leaves no report, but its registry file,
 * read, shows it held nothing: that is the whole truth, and no finding
 * (issue 20).  The status is COMMAND's own death; the summary says how
 * it died (the command reaped it). */
Test(report_edges, a_process_killed_holding_nothing_is_no_missing_report)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--error-exitcode", "7", "--",
                                 (char *)build_path("tests/programs/startup"), "killed-clean",
                                 NULL}, NULL);
    cr_assert_eq(exit_code(&r), 128 + 9, "%s", r.err);
    cr_assert(strstr(r.err, ") was killed by SIGKILL; it held nothing\n"), "%s", r.err);
    cr_assert_null(strstr(r.err, "without a report"), "%s", r.err);
    run_free(&r);
}

/* Before the details, the sites that leaked most, most first. */
Test(report_edges, the_summary_starts_with_the_sites_that_leaked_most)
{
    char script[600];
    snprintf(script, sizeof script, "%s >/dev/null; %s", build_path("tests/programs/leak_one"),
             build_path("tests/programs/exhaust"));
    struct run r;
    run_exitguard(&r, (char *[]){"--", "/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 1, "%s", r.err);
    char first[128], second[128];
    snprintf(first, sizeof first, "\n      61  fd       main tests/programs/exhaust.c:%d\n",
             number_after(r.out, "line "));
    snprintf(second, sizeof second, "       1  fd       main tests/programs/leak_one.c:");
    const char *head = strstr(r.err, "\nthe sites that leaked most (of 62 leaks from 2 sites):");
    cr_assert(head, "%s", r.err);
    const char *a = strstr(head, first), *b = strstr(head, second);
    cr_assert(a && b && a < b, "most first: %s", r.err);
    cr_assert(head < strstr(r.err, "(pid "), "before the details: %s", r.err);
    run_free(&r);
}

/* A site reached from several stacks is one fix: the section says so. */
Test(report_edges, a_site_reached_by_several_stacks_is_one_line)
{
    char script[600];
    snprintf(script, sizeof script, "%s; %s", build_path("tests/programs/two_paths"),
             build_path("tests/programs/exhaust"));
    struct run r;
    run_exitguard(&r, (char *[]){"--", "/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 1, "%s", r.err);
    cr_assert(strstr(r.err, "       2  fd       opener tests/programs/two_paths.c:10 "
                            "(by 2 different stacks)\n"), "%s", r.err);
    run_free(&r);
}

/* Leaks are grouped by where the program acquired them: one site reached
 * by two callers is one group, its other stack listed under it, counted. */
Test(report_edges, leaks_group_by_site_with_their_stacks_below)
{
    char script[600];
    snprintf(script, sizeof script, "%s; %s", build_path("tests/programs/two_paths"),
             build_path("tests/programs/two_paths"));
    struct run r;
    run_exitguard(&r, (char *[]){"--", "/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    const char *group = strstr(r.err, "[1] 4 times in 2 processes");
    cr_assert(group, "%s", r.err);
    const char *others = strstr(group, "the same site reached by 1 other stack:\n");
    cr_assert(others, "%s", r.err);
    cr_assert(strstr(others, "2 times:\n"), "%s", r.err);
    const char *first = strstr(group, "in first_caller"), *second = strstr(group, "in second_caller");
    cr_assert(first && second && first < others && second > others, "%s", r.err);
    cr_assert(strstr(r.err, "same as [1] above"), "%s", r.err);
    cr_assert_null(strstr(r.err, "[2]"), "one group: %s", r.err);
    run_free(&r);
}

/* A FIFO in the report directory is named and skipped, never waited on. */
Test(report_edges, a_fifo_among_the_reports_does_not_hang_the_command, .timeout = 30)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--", "/bin/sh", "-c",
                                 "d=${EXITGUARD_OPTIONS#*log_dir=}; d=${d%%:*}; mkfifo \"$d/zz.json\"",
                                 NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert(strstr(r.err, "zz.json': not a regular file"), "%s", r.err);
    run_free(&r);
}

/* exitguard under exitguard: the inner run's token is its own, so the
 * inner run still finds the leak and fails. */
Test(report_edges, a_nested_run_reads_its_own_reports)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--", (char *)build_path("exitguard"), "--error-exitcode", "3",
                                 "--", (char *)build_path("tests/programs/leak_one"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 3, "the inner run found the leak: %s", r.err);
    cr_assert(strstr(r.err, "exitguard: 1 process, 1 leaked: 1 fd leaked"), "%s", r.err);
    run_free(&r);
}
