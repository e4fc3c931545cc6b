/* Real test runners wrapped in the exitguard command, as CI runs them: a
 * make check suite, a Criterion binary (a worker process per test) and a
 * python3 -m unittest run whose tests start subprocesses.  Each suite
 * passes, and one of its test processes leaks an fd at a line marked
 * "LEAK: ..." in its source: the summary must name that process and that
 * line, and the command must keep the runner's exit status.  The fixtures
 * are in tests/runners/, built into build/tests/runners/ by make check. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* The line of `file` holding `marker` (the test fails if none does): the
 * tests follow the fixture when it is edited, rather than hard-code it. */
static int marker_line(const char *file, const char *marker)
{
    FILE *f = fopen(file, "r");
    cr_assert(f, "cannot open %s (the tests run from the top of the tree)", file);
    char text[512];
    int line = 0, found = 0;
    while (!found && fgets(text, sizeof text, f)) {
        line++;
        found = strstr(text, marker) != NULL;
    }
    fclose(f);
    cr_assert(found, "no '%s' in %s", marker, file);
    return line;
}

/* exitguard ARGS..., with the build directory in the environment (the
 * python fixture finds its helper program there). */
static void run_suite(struct run *r, char *const args[])
{
    static char build_env[1100];
    snprintf(build_env, sizeof build_env, "EXITGUARD_BUILD=%s", build_path(""));
    run_exitguard(r, args, (char *[]){build_env, "PYTHONDONTWRITEBYTECODE=1", NULL});
}

static const char *cwd(void)
{
    static char dir[1024];
    cr_assert(getcwd(dir, sizeof dir));
    return dir;
}

static void assert_has(struct run *r, const char *what)
{
    cr_assert(strstr(r->err, what), "no '%s' in the summary:\n%s", what, r->err);
}

/* ---- make check ---- */

static void make_check(struct run *r, const char *first, const char *second, const char *extra)
{
    static char out_dir[1100];
    snprintf(out_dir, sizeof out_dir, "O=%s", build_path("tests/runners/makecheck"));
    char *args[12];
    int n = 0;
    if (first)
        args[n++] = (char *)first, args[n++] = (char *)second;
    args[n++] = "--";
    args[n++] = "make";
    args[n++] = "-s";
    args[n++] = "-C";
    args[n++] = "tests/runners/makecheck";
    args[n++] = out_dir;
    args[n++] = "check";
    if (extra)
        args[n++] = (char *)extra;
    args[n] = NULL;
    run_suite(r, args);
}

Test(runners, make_check_names_the_leaking_test_and_its_line, .timeout = 30)
{
    struct run r;
    make_check(&r, NULL, NULL, NULL);
    cr_assert_eq(exit_code(&r), 0, "make check passed: its status 0\n%s", r.err);
    cr_assert_str_eq(r.out, "PASS: test_sum\nPASS: test_strings\nPASS: leaky_test\n");

    char want[1200];
    snprintf(want, sizeof want, "%s (pid ", build_path("tests/runners/makecheck/leaky_test"));
    assert_has(&r, want);
    /* compiled by the fixture's Makefile in its directory: the file is
     * named by its absolute path */
    snprintf(want, sizeof want, "in read_config %s/tests/runners/makecheck/leaky_test.c:%d (",
             cwd(), marker_line("tests/runners/makecheck/leaky_test.c", "LEAK: leaky_test"));
    assert_has(&r, want);
    assert_has(&r, "fd 3: file /etc/passwd (O_RDONLY, no O_CLOEXEC), opened by open");

    /* the clean tests are counted, not listed */
    const char *clean[] = {"test_sum", "test_strings"};
    for (int i = 0; i < 2; i++) {
        snprintf(want, sizeof want, "%s%s (pid ", build_path("tests/runners/makecheck/"), clean[i]);
        cr_assert_null(strstr(r.err, want), "%s is clean but listed:\n%s", clean[i], r.err);
    }
    assert_has(&r, "and 2 other processes that left nothing behind");
    assert_has(&r, "\nexitguard: 5 processes, 1 leaked: 1 fd leaked");
    run_free(&r);
}

Test(runners, make_check_keeps_make_status_or_gives_the_error_exitcode, .timeout = 30)
{
    struct run r;
    make_check(&r, "--error-exitcode", "1", NULL);
    cr_assert_eq(exit_code(&r), 1, "the tests passed, a leak was found:\n%s", r.err);
    run_free(&r);

    make_check(&r, NULL, NULL, "FAIL=1");
    cr_assert_eq(exit_code(&r), 2, "make's own status when a test fails:\n%s", r.err);
    cr_assert(strstr(r.out, "FAIL: test_sum\n"), "%s", r.out);
    run_free(&r);
}

/* ---- Criterion: the runner starts a worker process per test ---- */

static void criterion_suite(const char *jobs)
{
    struct run r;
    run_suite(&r, (char *[]){"--", (char *)build_path("tests/runners/criterion_suite"),
                                 "--jobs", (char *)jobs, NULL});
    cr_assert_eq(exit_code(&r), 0, "the suite passed:\n%s", r.err);
    assert_has(&r, "Synthesis: Tested: 3 | Passing: 3 | Failing: 0 | Crashing: 0");

    char want[1200];
    snprintf(want, sizeof want, "in config_reads_passwd_impl tests/runners/criterion/leaky_suite.c:%d ",
             marker_line("tests/runners/criterion/leaky_suite.c", "LEAK: criterion"));
    assert_has(&r, want);
    assert_has(&r, "file /etc/passwd (O_RDONLY, no O_CLOEXEC), opened by open");
    /* the leak is the worker's, under the runner that started it */
    snprintf(want, sizeof want, "%s --jobs %s -> boxfort-worker (pid ",
             build_path("tests/runners/criterion_suite"), jobs);
    assert_has(&r, want);
    snprintf(want, sizeof want, "%s --jobs %s (pid ", build_path("tests/runners/criterion_suite"), jobs);
    assert_has(&r, want);
    /* the runner and one worker per test */
    assert_has(&r, "\nexitguard: 4 processes, ");
    run_free(&r);
}

/* Tests that leak nothing: the runner's own noise fails --error-exitcode
 * until docs/ci.md's suppressions file takes it out. */
Test(runners, criterion_runner_noise_is_suppressed_by_the_readmes_file, .timeout = 30)
{
    char suite[1024]; /* build_path's buffer is reused */
    snprintf(suite, sizeof suite, "%s", build_path("tests/runners/criterion_suite"));
    struct run r;
    run_suite(&r, (char *[]){"--error-exitcode", "1", "--", suite, "--filter", "arith/*",
                                 NULL});
    cr_assert_eq(exit_code(&r), 1, "the runner's pipe and misuse are findings:\n%s", r.err);
    run_free(&r);
    run_suite(&r, (char *[]){"--error-exitcode", "1", "--suppressions",
                                 "tests/runners/criterion/criterion.supp", "--", suite, "--filter",
                                 "arith/*", NULL});
    cr_assert_eq(exit_code(&r), 0, "nothing left after the suppressions:\n%s", r.err);
    assert_has(&r, "by misuse:close_stream_fd");
    run_free(&r);
}

Test(runners, criterion_one_job_names_the_leaking_test_line, .timeout = 30)
{
    criterion_suite("1");
}

Test(runners, criterion_two_jobs_names_the_leaking_test_line, .timeout = 30)
{
    criterion_suite("2");
}

/* ---- python3 -m unittest, tests starting subprocesses ---- */

Test(runners, python_unittest_names_the_leaking_helper_and_the_child_left_running, .timeout = 30)
{
    struct run r;
    /* not the python3 on PATH: it may be a pyenv shim, a tree of its own */
    run_suite(&r, (char *[]){"--", "/usr/bin/python3", "-m", "unittest",
                                 "tests.runners.pyunit.test_subprocesses", NULL});
    cr_assert_eq(exit_code(&r), 0, "the tests passed:\n%s", r.err);
    assert_has(&r, "Ran 3 tests");
    assert_has(&r, "\nOK\n");

    char want[1200];
    snprintf(want, sizeof want, "%s (pid ", build_path("tests/runners/leaky_helper"));
    assert_has(&r, want);
    snprintf(want, sizeof want, "in main tests/runners/pyunit/leaky_helper.c:%d ",
             marker_line("tests/runners/pyunit/leaky_helper.c", "LEAK: pyunit"));
    assert_has(&r, want);
    /* the server test_server started and never stopped: python's child
     * still running at its end, then left running after the command */
    int pid = number_after(r.err, "child process ");
    cr_assert_gt(pid, 0, "no child left running in:\n%s", r.err);
    snprintf(want, sizeof want,
             "child process %d (sleep 60) still running; when the command ended: terminated (SIGTERM)",
             pid);
    assert_has(&r, want);
    run_free(&r);
}
