/* The exitguard command: runs a command tree with the library, merges the
 * reports, exits with the command's status (or --error-exitcode). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"


Test(command, summary_names_the_leaking_process_and_line)
{
    struct run r;
    char script[512];
    snprintf(script, sizeof script, "%s; %s double-close; exit 3",
             build_path("tests/programs/leak_one"), build_path("tests/programs/misuse"));
    run_exitguard(&r, (char *[]){"--", "/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 3, "the command's own status");
    int line = number_after(r.out, "line ");
    char want[128];
    snprintf(want, sizeof want, "in main tests/programs/leak_one.c:%d", line);
    cr_assert(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    cr_assert(strstr(r.err, "fd 3: file /etc/passwd (O_RDONLY, no O_CLOEXEC), opened by open"), "%s", r.err);
    cr_assert(strstr(r.err, "first closed at:"), "%s", r.err);
    cr_assert(strstr(r.err, "exitguard: 3 processes, 1 leaked: 1 fd leaked, 1 fd misuse\n"), "%s", r.err);
    run_free(&r);
}

Test(command, merged_json_holds_every_process_symbolized)
{
    struct run r;
    char json[300];
    snprintf(json, sizeof json, "/tmp/exitguard-merged-%d.json", getpid());
    run_exitguard(&r, (char *[]){"--json", json, "--", "/bin/sh", "-c",
                                 (char *)build_path("tests/programs/leak_one"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0);
    json_t *doc = take_json(json);
    cr_assert_eq(json_integer_value(json_object_get(doc, "exitguard")), 2);
    json_t *totals = json_object_get(doc, "totals");
    cr_assert_eq(json_integer_value(json_object_get(totals, "leaks")), 1);
    size_t i;
    json_t *p, *leaking = NULL;
    json_array_foreach(json_object_get(doc, "processes"), i, p)
        if (json_array_size(json_object_get(p, "leaks")))
            leaking = p;
    cr_assert(leaking);
    json_t *stack = json_object_get(json_array_get(json_object_get(leaking, "leaks"), 0), "stack");
    json_t *top = json_array_get(stack, 0);
    cr_assert_str_eq(json_string_value(json_object_get(top, "function")), "main");
    cr_assert_eq(json_integer_value(json_object_get(top, "line")), number_after(r.out, "line "));
    run_free(&r);
}

Test(command, error_exitcode_when_something_leaked)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--error-exitcode", "9", "--quiet", "--",
                                 (char *)build_path("tests/programs/leak_one"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 9);
    run_free(&r);
    run_exitguard(&r, (char *[]){"--error-exitcode", "9", "--", "/bin/sh", "-c", "exit 4", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 4, "nothing leaked: the command's status");
    cr_assert(strstr(r.err, "no leaks"), "%s", r.err);
    run_free(&r);
}

Test(command, death_by_signal_is_128_plus_n)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--", "/bin/sh", "-c", "kill -TERM $$", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 128 + 15);
    run_free(&r);
}

Test(command, bad_usage_is_one_line_and_status_2)
{
    char *cases[][4] = {{"--bogus", "--", "/bin/true", NULL},
                        {"--error-exitcode", "abc", "/bin/true", NULL},
                        {"--error-exitcode", "256", "/bin/true", NULL},
                        {NULL}};
    for (int i = 0; cases[i][0]; i++) {
        struct run r;
        run_exitguard(&r, cases[i], NULL);
        cr_assert_eq(exit_code(&r), 2, "%s", cases[i][0]);
        cr_assert(strncmp(r.err, "exitguard: ", 11) == 0, "%s", r.err);
        cr_assert(strstr(r.err, "\nTry 'exitguard --help' for more information.\n"), "%s", r.err);
        cr_assert_eq(count_in(r.err, "\n"), 2, "two lines: %s", r.err);
        cr_assert_str_empty(r.out);
        run_free(&r);
    }
    struct run r;
    run_exitguard(&r, (char *[]){NULL}, NULL);
    cr_assert_eq(exit_code(&r), 2, "no command");
    run_free(&r);
}

Test(command, missing_command_is_127_like_a_shell)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--", "/nonexistent/program", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 127);
    cr_assert(strstr(r.err, "exitguard: cannot run '/nonexistent/program': No such file or directory"),
              "%s", r.err);
    run_free(&r);
}

Test(command, unwritable_json_path_loses_nothing)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--json", "/proc/version/x.json", "--", "/bin/sh", "-c",
                                 "echo out; exit 5", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 5);
    cr_assert_str_eq(r.out, "out\n");
    cr_assert(strstr(r.err, "/proc/version/x.json"), "the path is named: %s", r.err);
    run_free(&r);
}

Test(command, output_dir_keeps_one_report_per_process)
{
    struct run r;
    char dir[200];
    snprintf(dir, sizeof dir, "/tmp/exitguard-output-%d", getpid());
    run_exitguard(&r, (char *[]){"--output", dir, "--", "/bin/sh", "-c",
                                 "/bin/true | /bin/cat; /bin/true", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0);
    json_t *all = reports_in(dir);
    cr_assert_geq(json_array_size(all), 4, "sh, true, cat, true: %zu", json_array_size(all));
    remove_tree(dir);
    run_free(&r);
}

/* fds a process was started with are never leaks; --verbose says which
 * were still open at its end, and what they were. */
Test(command, verbose_lists_the_inherited_fds_still_open)
{
    char script[512];
    snprintf(script, sizeof script, "exec 7</etc/hostname; exec %s",
             build_path("tests/programs/leak_one"));
    const char *modes[] = {"--verbose", "--color=never"}; /* the second: the default detail */
    for (int i = 0; i < 2; i++) {
        struct run r;
        run_exitguard(&r, (char *[]){(char *)modes[i], "--", "/bin/sh", "-c", script, NULL}, NULL);
        cr_assert_eq(exit_code(&r), 0, "%s", r.err);
        int listed = strstr(r.err, "inherited and still open (not leaks): fd 7 (/etc/hostname)\n") != NULL;
        cr_assert_eq(listed, i == 0, "%s: %s", modes[i], r.err);
        cr_assert(!strstr(r.err, "fd 7: file /etc/hostname"), "not a leak of leak_one: %s", r.err);
        run_free(&r);
    }
}

/* An fd closed by a raw syscall is no leak; the summary says so. */
Test(command, verbose_names_fds_closed_behind_exitguards_back)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--verbose", "--", (char *)build_path("tests/programs/raw_close"),
                                 NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    char want[128];
    snprintf(want, sizeof want,
             "  closed without exitguard seeing it (a raw close syscall?): fd %d\n",
             number_after(r.out, "raw "));
    cr_assert(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    run_free(&r);
}

/* An exitguard copied away from its library (a broken install) still runs
 * the command, says what it looked for, and keeps the command's status. */
Test(command, a_missing_library_still_runs_the_command)
{
    char dir[] = "/tmp/eg-nolib-XXXXXX", copy[64], cmd[256];
    cr_assert(mkdtemp(dir));
    snprintf(copy, sizeof copy, "%s/exitguard", dir);
    snprintf(cmd, sizeof cmd, "cp %s %s", build_path("exitguard"), copy);
    cr_assert_eq(system(cmd), 0);
    struct run r;
    run_plain(&r, (char *[]){copy, "--", "/bin/sh", "-c", "echo out; exit 5", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 5, "%s", r.err);
    cr_assert_str_eq(r.out, "out\n");
    cr_assert(strstr(r.err, "exitguard: cannot find libexitguard.so (looked for "), "%s", r.err);
    cr_assert(strstr(r.err, "running the command without it"), "%s", r.err);
    run_free(&r);
    remove_tree(dir);
}
