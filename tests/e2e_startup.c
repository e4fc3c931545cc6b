/* Start-up and the quiet end: a process makes its registry on its first
 * acquisition (a registry file under log_dir only then), a process with
 * nothing to report leaves one line in processes.jsonl, and a forked
 * child reads its parent's registry until it acquires something.  What a
 * program sees stays the same. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static void run_mode(struct run *r, const char *options, const char *mode)
{
    char *argv[] = {(char *)build_path("tests/programs/startup"), (char *)mode, "{dir}", NULL};
    run_preloaded(r, options, argv, NULL);
}

static int files_ending(const char *dir, const char *suffix)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c '%s$'", dir, suffix);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p && fscanf(p, "%d", &n) != 1)
        n = -1;
    if (p)
        pclose(p);
    return n;
}

Test(startup, a_quiet_process_makes_no_registry_and_leaves_one_line)
{
    struct run r;
    run_mode(&r, "log_dir={dir}", "quiet");
    cr_assert_eq(exit_code(&r), 4, "its own status: %s", r.err);
    cr_assert_str_eq(r.out, "registry 0\n");
    cr_assert_eq(files_ending(r.dir, ".json"), 0, "no document of its own");
    cr_assert_eq(files_ending(r.dir, ".registry"), 0);
    json_t *all = all_reports(&r);
    cr_assert_eq(json_array_size(all), 1, "%s", json_dumps(all, 0));
    json_t *rec = json_array_get(all, 0);
    cr_assert_eq(json_integer_value(json_object_get(rec, "pid")), r.pid);
    cr_assert_eq(json_integer_value(json_object_get(rec, "ppid")), getpid());
    json_t *end = json_object_get(rec, "end");
    cr_assert_str_eq(json_string_value(json_object_get(end, "how")), "exit");
    cr_assert_eq(json_integer_value(json_object_get(end, "status")), 4);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(rec, "argv"), 1)), "quiet");
    json_decref(all);
    run_free(&r);
}

Test(startup, the_registry_file_comes_with_the_first_acquisition)
{
    struct run r;
    run_mode(&r, "log_dir={dir}", "first");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert_eq(number_after(r.out, "before "), 0, "%s", r.out);
    cr_assert_eq(number_after(r.out, "after "), 1, "%s", r.out);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    json_t *leak = json_array_get(json_object_get(rep, "leaks"), 0);
    cr_assert(stack_has(json_object_get(leak, "stack"), "main", "startup.c",
                        number_after(r.out, "leak ")), "%s", json_dumps(rep, 0));
    cr_assert_eq(files_ending(r.dir, ".registry"), 0, "removed with the report");
    run_free(&r);
}

/* The unwinder is the library's own copy: a capture maps no libgcc_s
 * into the program (nor holds an fd to load it), and the program's own
 * unwinding -- pthread_cancel here -- is glibc's as before. */
Test(startup, a_stack_capture_loads_no_library_and_cancel_still_unwinds)
{
    struct run r;
    run_mode(&r, "", "unwinder");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert(strstr(r.out, "libgcc_s mapped by the capture 0\n"), "%s", r.out);
    cr_assert(strstr(r.out, "cancelled 1\n"), "%s", r.out);
    cr_assert(strstr(r.err, "/etc/passwd"), "the leak is reported with its stack: %s", r.err);
}

Test(startup, misuse_as_the_first_call_is_reported)
{
    struct run r;
    run_mode(&r, "log_dir={dir}", "misuse");
    cr_assert_eq(exit_code(&r), 0, "close failed as natively: %s", r.err);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    json_t *e = error_of_kind(rep, "close_never_opened", 77);
    cr_assert(e, "%s", json_dumps(rep, 0));
    cr_assert(stack_has(json_object_get(e, "stack"), "main", "startup.c",
                        number_after(r.out, "line ")));
    run_free(&r);
}

/* A handler set before the registry existed is the program's still: a
 * query returns it, the signal reaches it; SIG_DFL afterwards is ours to
 * catch, and the process dies of the signal with its leak reported. */
Test(startup, signals_set_before_the_first_acquisition_stay_the_programs)
{
    struct run r;
    run_mode(&r, "log_dir={dir}", "handler");
    cr_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGUSR1, "%s", r.err);
    cr_assert_eq(number_after(r.out, "query "), 1, "%s", r.out);
    cr_assert_eq(number_after(r.out, "handled "), 1, "%s", r.out);
    assert_killed_report(&r, 1);
    run_free(&r);
}

/* glibc takes static TLS out of every thread's stack: exitguard's must
 * be small enough that a PTHREAD_STACK_MIN thread starts as natively. */
Test(startup, a_thread_with_the_smallest_stack_starts)
{
    const char *options[] = {NULL, "log_dir={dir}"};
    for (int i = 0; i < 2; i++) {
        struct run r;
        run_mode(&r, options[i], "small-stack");
        cr_assert_eq(exit_code(&r), 0, "%s", r.err);
        cr_assert_str_eq(r.out, "thread ok\n");
        run_free(&r);
    }
}

/* A forked child reads its parent's registry file until its first
 * acquisition, then has one of its own; its end is its own. */
Test(startup, a_forked_child_borrows_until_it_acquires)
{
    struct run r;
    run_mode(&r, "log_dir={dir}", "fork");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int child = number_after(r.out, "child ");
    cr_assert_eq(number_after(r.out, "borrowed "), 1, "%s", r.out);
    cr_assert_eq(number_after(r.out, "own "), 1, "%s", r.out);
    json_t *rep = report_of(&r, child);
    cr_assert(rep, "no report of the child: %s", r.err);
    cr_assert_eq(json_integer_value(json_object_get(rep, "ppid")), r.pid);
    json_t *end = json_object_get(rep, "end");
    cr_assert_str_eq(json_string_value(json_object_get(end, "how")), "_exit");
    cr_assert_eq(json_integer_value(json_object_get(end, "status")), 5);
    cr_assert_eq(files_ending(r.dir, ".registry"), 0);
    run_free(&r);
}

/* A record cut short (a process killed in the middle of its write, or
 * anything a program writes there) is named in one line; every other
 * process is still counted, and the status is the command's own. */
Test(startup, a_broken_record_line_is_named_and_the_rest_merged)
{
    char script[1024];
    snprintf(script, sizeof script,
             "d=${EXITGUARD_OPTIONS#*log_dir=}; d=${d%%%%:*}; "
             "printf '{\"exitguard_report\":2,\"pid' >> \"$d/processes.jsonl\"; "
             "/bin/true; %s; exit 6", build_path("tests/programs/leak_one"));
    struct run r;
    run_exitguard(&r, (char *[]){"--", "/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 6, "%s", r.err);
    cr_assert(strstr(r.err, "processes.jsonl': line "), "the broken line is named: %s", r.err);
    cr_assert(strstr(r.err, "exitguard: 3 processes, 1 leaked"), "%s", r.err);
    run_free(&r);
}

/* A forked child copies its parent's registry late: its finalizers are
 * still as they were at the fork. */
Test(startup, a_forked_child_sees_finalizers_as_at_its_fork)
{
    struct run r;
    run_mode(&r, "log_dir={dir}", "finalizers-after-fork");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int child = number_after(r.out, "child ");
    cr_assert_eq(number_after(r.out, "alive "), 1, "%s", r.out);
    char want[64];
    snprintf(want, sizeof want, "%d ran pre\n", child);
    cr_assert(strstr(r.out, want), "the child ran what was alive at its fork: %s", r.out);
    snprintf(want, sizeof want, "%d ran post\n", child);
    cr_assert_null(strstr(r.out, want), "not what its parent made later: %s", r.out);
    snprintf(want, sizeof want, "%d ran pre\n", (int)r.pid);
    cr_assert(strstr(r.out, want), "%s", r.out);
    snprintf(want, sizeof want, "%d ran post\n", (int)r.pid);
    cr_assert(strstr(r.out, want), "%s", r.out);
    run_free(&r);
}

/* A finalizer registered after a fork is not the child's, nor that of a
 * child the child forks while it still borrows the registry. */
Test(startup, a_grandchild_does_not_run_what_its_grandparent_registered_later)
{
    struct run r;
    run_mode(&r, "log_dir={dir}", "finalizer-grandchild");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    char want[64];
    snprintf(want, sizeof want, "%d ran late\n", (int)r.pid);
    cr_assert(strstr(r.out, want), "%s", r.out);
    cr_assert_eq(count_in(r.out, "ran late"), 1, "only the process that registered it: %s",
                 r.out);
    run_free(&r);
}

/* An fd the new program is told about in its environment is handed on
 * on purpose (libuv's runner names its pipe in UV_TEST_RUNNER_FD; make
 * names its jobserver in MAKEFLAGS): only the unnamed one is a leak. */
Test(startup, fds_named_in_the_environment_are_handed_on_not_leaked)
{
    struct run r;
    run_mode(&r, "log_dir={dir}", "exec-named");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "the exec report: %s", r.err);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(rep, "end"), "how")), "exec");
    int read_end = number_after(r.out, "named "), unnamed = number_after(r.out, "unnamed ");
    int write_end = number_after(strstr(r.out, "named ") + 6, " ");
    cr_assert(leak_with_fd(rep, unnamed), "%s", json_dumps(rep, 0));
    cr_assert_null(leak_with_fd(rep, read_end), "MAKEFLAGS names it: %s", json_dumps(rep, 0));
    cr_assert_null(leak_with_fd(rep, write_end), "UV_TEST_RUNNER_FD names it: %s",
                   json_dumps(rep, 0));
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), 1, "%s", json_dumps(rep, 0));
    run_free(&r);
}
