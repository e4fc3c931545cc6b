/* The exitguard command reading schema-2 reports: exec documents, leak
 * actions, temp files, finalizers, threads.  The reports are hand-made by
 * tests/programs/v2_reports, one made-up process per argument, with frames
 * that point into that program. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define FAKE_PID 2000000000

/* exitguard [options...] -- v2_reports [scenarios...]: `args` is both,
 * split at NULL, and ends with a second NULL. */
static void run_fixtures(struct run *r, const char *const *args)
{
    char *argv[32] = {(char *)build_path("exitguard")};
    int n = 1;
    for (; *args; args++)
        argv[n++] = (char *)*args;
    argv[n++] = "--";
    argv[n++] = (char *)build_path("tests/programs/v2_reports");
    for (args++; *args && n < 31; args++)
        argv[n++] = (char *)*args;
    argv[n] = NULL;
    run_plain(r, argv, NULL);
}

static void assert_says(struct run *r, const char *text)
{
    cr_assert(strstr(r->err, text), "no '%s' in:\n%s", text, r->err);
}

static const char *const every_kind[] = {
    "--json", NULL /* set by the test */, NULL, "exec", "leak-closed", "tempfiles",
    "finalizer-crashed", "finalizer-exited", "finalizer-hung", "finalizer-skipped",
    "finalizer-ran", "thread", NULL};

Test(command_reports, summary_names_each_new_finding)
{
    char json[300];
    snprintf(json, sizeof json, "/tmp/exitguard-v2-summary-%d.json", getpid());
    const char *args[sizeof every_kind / sizeof every_kind[0]];
    memcpy(args, every_kind, sizeof args);
    args[1] = json;
    struct run r;
    run_fixtures(&r, args);
    unlink(json);
    cr_assert_eq(exit_code(&r), 0, "the command's own status");
    char want[256];
    snprintf(want, sizeof want, "in main tests/programs/v2_reports.c:%d (",
             number_after(r.out, "line "));
    assert_says(&r, want);
    assert_says(&r, "(/nonexistent/libgone.so+0x1234)\n");

    /* one process, the programs it ran one after the other, under
     * v2_reports (its ppid); what it handed on under its exec */
    snprintf(want, sizeof want,
             "\n  fake exec -> fake next-program (pid %d) exited with status 0:\n"
             "    exec'd /usr/bin/next-program handing it 1 fd without O_CLOEXEC:\n"
             "      fd 5: file /etc/passwd (O_RDONLY, no O_CLOEXEC), opened by open\n        #0 ",
             FAKE_PID + 1);
    assert_says(&r, want);
    assert_says(&r, "opened by open; closed by exitguard (fds=close)\n");
    /* the fixture's two temp files have one stack: one leak, twice */
    assert_says(&r, "  temp file /tmp/fixture.removed (fd 4) removed by exitguard "
                    "(tempfiles=unlink); created at:\n      [1] 2 times in this process\n      #0 ");
    assert_says(&r, "  temp file /tmp/fixture.kept (fd 6) left on disk; created at:\n"
                    "      same as [1] above\n");
    assert_says(&r, "  finalizer close_database (obj 0x5581, fd 4) crashed (SIGSEGV); "
                    "registered at:\n      #0 ");
    assert_says(&r, "  finalizer close_database (obj 0x5581, fd 4) called exit(3); registered at:\n");
    assert_says(&r, "  finalizer close_database (obj 0x5581, fd 4) hung and was abandoned");
    assert_says(&r, "  finalizer close_database (obj 0x5581, fd 4) skipped: not signal-safe");
    snprintf(want, sizeof want, "fake finalizer-ran (pid %d)", FAKE_PID + 8);
    cr_assert_null(strstr(r.err, want), "a finalizer that ran is not news:\n%s", r.err);
    snprintf(want, sizeof want,
             "  thread %d still running, started in worker; created at:\n      #0 ", FAKE_PID + 10);
    assert_says(&r, want);
    /* 9 made-up processes (exec and its end are one), and v2_reports */
    assert_says(&r, "exitguard: 10 processes, 3 leaked: 2 fds leaked (1 across exec), 0 fd misuses, "
                    "2 temp files left, 3 finalizers failed, 1 thread still running\n");
    run_free(&r);
}

static json_t *process(json_t *doc, int pid, const char *how)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(doc, "processes"), i, p)
        if (json_integer_value(json_object_get(p, "pid")) == pid &&
            strcmp(json_string_value(json_object_get(json_object_get(p, "end"), "how")), how) == 0)
            return p;
    cr_assert_fail("no process %d ending by %s", pid, how);
    return NULL;
}

static json_t *first(json_t *report, const char *section)
{
    json_t *item = json_array_get(json_object_get(report, section), 0);
    cr_assert(item, "no %s", section);
    return item;
}

static const char *function_of(json_t *frame)
{
    return json_string_value(json_object_get(frame, "function"));
}

/* The call in main on `line`, then the frame in a module that does not
 * exist, left as it was. */
static void assert_stack(json_t *item, int line)
{
    json_t *stack = json_object_get(item, "stack");
    cr_assert_str_eq(function_of(json_array_get(stack, 0)), "main");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(stack, 0), "line")), line);
    json_t *gone = json_array_get(stack, 1);
    cr_assert_str_eq(json_string_value(json_object_get(gone, "module")), "/nonexistent/libgone.so");
    cr_assert_str_eq(json_string_value(json_object_get(gone, "offset")), "0x1234");
    cr_assert_null(json_object_get(gone, "function"));
}

static json_int_t total(json_t *doc, const char *key)
{
    json_t *value = json_object_get(json_object_get(doc, "totals"), key);
    cr_assert(json_is_integer(value), "no totals.%s", key);
    return json_integer_value(value);
}

Test(command_reports, merged_json_keeps_the_new_sections_symbolized)
{
    char json[300];
    snprintf(json, sizeof json, "/tmp/exitguard-v2-merged-%d.json", getpid());
    const char *args[sizeof every_kind / sizeof every_kind[0]];
    memcpy(args, every_kind, sizeof args);
    args[1] = json;
    struct run r;
    run_fixtures(&r, args);
    json_t *doc = take_json(json);
    int line = number_after(r.out, "line ");
    cr_assert_eq(json_integer_value(json_object_get(doc, "exitguard")), 2);

    json_t *exec = process(doc, FAKE_PID + 1, "exec");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(exec, "end"), "path")),
                     "/usr/bin/next-program");
    assert_stack(first(exec, "leaks"), line);
    process(doc, FAKE_PID + 1, "exit"); /* the program it exec'd */

    json_t *closed = first(process(doc, FAKE_PID + 2, "exit"), "leaks");
    cr_assert_str_eq(json_string_value(json_object_get(closed, "action")), "closed");

    json_t *tempfile = first(process(doc, FAKE_PID + 3, "exit"), "tempfiles");
    cr_assert_str_eq(json_string_value(json_object_get(tempfile, "path")), "/tmp/fixture.removed");
    cr_assert_str_eq(json_string_value(json_object_get(tempfile, "action")), "removed");
    assert_stack(tempfile, line);

    json_t *finalizer = first(process(doc, FAKE_PID + 4, "exit"), "finalizers");
    cr_assert_str_eq(json_string_value(json_object_get(finalizer, "outcome")), "crashed");
    cr_assert_str_eq(json_string_value(json_object_get(finalizer, "name")), "SIGSEGV");
    cr_assert_eq(json_integer_value(json_object_get(finalizer, "fd")), 4);
    /* the function's own address, not a return address: not the
     * function just before it */
    cr_assert_str_eq(function_of(json_object_get(finalizer, "fn")), "close_database");
    assert_stack(finalizer, line);

    json_t *thread = first(process(doc, FAKE_PID + 9, "exit"), "threads");
    cr_assert_eq(json_integer_value(json_object_get(thread, "tid")), FAKE_PID + 10);
    cr_assert_str_eq(function_of(json_object_get(thread, "start")), "worker");
    assert_stack(thread, line);

    cr_assert_eq(total(doc, "processes"), 10);
    cr_assert_eq(total(doc, "leaking_processes"), 3) /* fds, or temp files */;
    cr_assert_eq(total(doc, "leaks"), 2);
    cr_assert_eq(total(doc, "exec_leaks"), 1);
    cr_assert_eq(total(doc, "errors"), 0);
    cr_assert_eq(total(doc, "tempfiles"), 2);
    cr_assert_eq(total(doc, "finalizer_failures"), 3);
    cr_assert_eq(total(doc, "threads"), 1);
    /* what the exit sequences did, added up: one finalizer of each
     * outcome, one temp file removed and one kept */
    json_t *sequence = json_object_get(json_object_get(doc, "totals"), "exit_sequence");
    json_t *finalizers = json_object_get(sequence, "finalizers");
    const char *outcomes[] = {"ran", "crashed", "exited", "hung", "skipped"};
    for (size_t i = 0; i < sizeof outcomes / sizeof *outcomes; i++)
        cr_assert_eq(json_integer_value(json_object_get(finalizers, outcomes[i])), 1, "%s",
                     outcomes[i]);
    json_t *tempfiles = json_object_get(sequence, "tempfiles");
    cr_assert_eq(json_integer_value(json_object_get(tempfiles, "removed")), 1);
    cr_assert_eq(json_integer_value(json_object_get(tempfiles, "kept")), 1);
    cr_assert_eq(json_integer_value(json_object_get(tempfiles, "remove_failed")), 0);
    cr_assert(json_is_integer(json_object_get(json_object_get(sequence, "children"), "terminated")));
    cr_assert(json_is_integer(json_object_get(json_object_get(sequence, "leftover_processes"),
                                              "killed")));
    cr_assert_eq(json_array_size(json_object_get(doc, "suppressions")), 0);
    cr_assert(json_is_null(json_object_get(doc, "baseline")));
    json_decref(doc);
    run_free(&r);
}

/* With --error-exitcode 9, what counts as a finding: the scenario alone,
 * and the status exitguard gives. */
Test(command_reports, error_exitcode_counts_findings_not_running_threads)
{
    static const struct {
        const char *scenario;
        int status;
    } cases[] = {
        {"finalizer-crashed", 9}, {"finalizer-exited", 9}, {"finalizer-hung", 9},
        {"tempfiles", 9},         {"exec", 9},             {"thread", 0},
        {"finalizer-skipped", 0}, {"finalizer-ran", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct run r;
        run_fixtures(&r, (const char *[]){"--error-exitcode", "9", NULL, cases[i].scenario, NULL});
        cr_assert_eq(exit_code(&r), cases[i].status, "%s: %s", cases[i].scenario, r.err);
        run_free(&r);
    }
}

Test(command_reports, running_thread_is_shown_without_being_a_finding)
{
    struct run r;
    run_fixtures(&r, (const char *[]){"--error-exitcode", "9", NULL, "thread", NULL});
    cr_assert_eq(exit_code(&r), 0);
    assert_says(&r, "still running, started in worker");
    assert_says(&r, "exitguard: 2 processes, no leaks, 1 thread still running\n");
    run_free(&r);
}
