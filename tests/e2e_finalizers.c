/* Finalizers and the exit sequence, seen from outside: what ran (the
 * program's own output), in which order, how the process ended, and what
 * the report says. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

static void run_mode(struct run *r, const char *options, const char *mode, const char *arg)
{
    char *argv[] = {(char *)build_path("tests/programs/finalizers"), (char *)mode, (char *)arg,
                    NULL};
    run_preloaded(r, options, argv, NULL);
}

static json_t *finalizers_of(struct run *r)
{
    json_t *rep = report_of(r, r->pid);
    cr_assert(rep, "no report: %s", r->err);
    json_t *fins = json_object_get(rep, "finalizers");
    cr_assert(json_is_array(fins));
    return fins;
}

static json_t *finalizer_with(json_t *fins, const char *outcome)
{
    size_t i;
    json_t *f;
    json_array_foreach(fins, i, f) {
        if (strcmp(json_string_value(json_object_get(f, "outcome")), outcome) == 0)
            return f;
    }
    return NULL;
}

static void expect_exit(struct run *r, int status)
{
    cr_assert_eq(exit_code(r), status, "%s", r->err);
}

/* Runs `mode` with no report: it exits with `status`, having printed
 * `out` (what its finalizers said). */
static void check_output(const char *mode, int status, const char *out)
{
    struct run r;
    run_mode(&r, "report=none", mode, NULL);
    expect_exit(&r, status);
    cr_assert_str_eq(r.out, out, "%s", mode);
    run_free(&r);
}

/* A file name in a scratch directory of its own, for the program to write. */
static void scratch_file(struct run *scratch, const char *name, char *path, size_t size)
{
    run_scratch(scratch);
    snprintf(path, size, "%s/%s", scratch->dir, name);
}

Test(finalizers, newest_first_across_objects_and_fds_between_the_atexit_handlers)
{
    struct run r;
    run_mode(&r, "log_dir={dir}", "order", NULL);
    expect_exit(&r, 3);
    /* atexit handlers registered after the first finalizer run before
     * them, earlier ones after them: weakref.finalize's place */
    cr_assert_str_eq(r.out, "later-atexit D C B A early-atexit\n");
    json_t *fins = finalizers_of(&r);
    cr_assert_eq(json_array_size(fins), 4);
    json_int_t last_seq = -1;
    size_t i;
    json_t *f;
    json_array_foreach(fins, i, f) {
        cr_assert_str_eq(json_string_value(json_object_get(f, "outcome")), "ran");
        json_int_t seq = json_integer_value(json_object_get(f, "seq"));
        cr_assert(last_seq < 0 || seq < last_seq, "listed newest first");
        last_seq = seq;
        cr_assert(stack_has(json_object_get(f, "stack"), "order", "finalizers.c", 0));
    }
    cr_assert(json_integer_value(json_object_get(json_array_get(fins, 2), "fd")) > 2,
              "B is tied to an fd");
    run_free(&r);
}

Test(finalizers, call_detach_peek_alive_atexit_release_follow_weakref_finalize)
{
    struct run r;
    run_mode(&r, "report=none", "api", NULL);
    expect_exit(&r, 0);
    cr_assert(!strstr(r.out, "FAILED"), "%s", r.out);
    cr_assert(strstr(r.out, "release: r3 r1 \n"), "live ones of the owner, newest first: %s", r.out);
    cr_assert(strstr(r.out, "at-exit "), "%s", r.out);
    cr_assert(!strstr(r.out, "not-at-exit"), "atexit flag off: not run at exit: %s", r.out);
    run_free(&r);
}

Test(finalizers, harmless_without_the_library)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/finalizers"), "order", NULL};
    run_plain(&r, argv, NULL);
    expect_exit(&r, 0);
    cr_assert_str_eq(r.out, "exitguard absent\n");
    run_free(&r);
}

Test(finalizers, linked_with_lexitguard_instead_of_preloaded)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/linked"), "order", NULL};
    run_plain(&r, argv, NULL);
    expect_exit(&r, 3);
    cr_assert_str_eq(r.out, "later-atexit D C B A early-atexit\n");
    run_free(&r);
}

Test(finalizers, tied_to_an_fd_runs_at_its_close_while_it_is_still_usable)
{
    check_output("fd-close", 0, "before-close goodbye after-close peer-got-bye eof\n"
                                "dup2-over never-closed ");
}

/* Two threads call every finalizer while main calls exit: each runs once. */
Test(finalizers, at_most_once_when_threads_and_exit_race)
{
    for (int round = 0; round < 10; round++) {
        struct run r, scratch;
        char path[300];
        scratch_file(&scratch, "marks", path, sizeof path);
        run_mode(&r, "report=none", "race", path);
        expect_exit(&r, 0);
        static char seen[2000];
        memset(seen, 0, sizeof seen);
        FILE *f = fopen(path, "r");
        cr_assert(f);
        int i, lines = 0;
        while (fscanf(f, "%d", &i) == 1) {
            cr_assert(i >= 0 && i < 2000);
            cr_assert_eq(seen[i]++, 0, "finalizer %d ran twice", i);
            lines++;
        }
        fclose(f);
        cr_assert_eq(lines, 2000, "every finalizer ran once (round %d)", round);
        run_free(&r);
        run_free(&scratch);
    }
}

Test(finalizers, one_crashing_or_calling_exit_does_not_stop_the_others)
{
    struct run r;
    run_mode(&r, "log_dir={dir}", "contained", NULL);
    expect_exit(&r, 3); /* the program's status, not the finalizer's exit(9) */
    cr_assert_str_eq(r.out, "B exiting crashing A ");
    json_t *fins = finalizers_of(&r);
    json_t *crashed = finalizer_with(fins, "crashed");
    cr_assert(crashed);
    cr_assert_str_eq(json_string_value(json_object_get(crashed, "name")), "SIGSEGV");
    cr_assert(stack_has(json_object_get(crashed, "stack"), "main", "finalizers.c", 0));
    json_t *exited = finalizer_with(fins, "exited");
    cr_assert(exited);
    cr_assert_eq(json_integer_value(json_object_get(exited, "status")), 9);
    run_free(&r);
}

Test(finalizers, a_hanging_one_is_abandoned_and_named, .timeout = 60)
{
    struct run r;
    run_mode(&r, "log_dir={dir}:finalizer_timeout=0.2", "hang", NULL);
    expect_exit(&r, 4);
    cr_assert_str_eq(r.out, "blocking after-the-hang ");
    json_t *hung = finalizer_with(finalizers_of(&r), "hung");
    cr_assert(hung);
    cr_assert(stack_has(json_object_get(hung, "stack"), "main", "finalizers.c", 0));
    run_free(&r);
}

Test(finalizers, the_whole_sequence_has_a_budget, .timeout = 60)
{
    struct run r;
    run_mode(&r, "log_dir={dir}:finalizer_timeout=30:exit_timeout=0.3", "hang", NULL);
    expect_exit(&r, 4);
    cr_assert_str_eq(r.out, "blocking ", "the older one did not get its turn");
    json_t *fins = finalizers_of(&r);
    cr_assert(finalizer_with(fins, "hung"));
    json_t *skipped = finalizer_with(fins, "skipped");
    cr_assert(skipped);
    cr_assert_str_eq(json_string_value(json_object_get(skipped, "reason")), "out_of_time");
    run_free(&r);
}

Test(finalizers, registered_during_the_sequence_still_run)
{
    check_output("registers", 0, "registering registered-at-exit ");
}

Test(finalizers, run_in_a_forked_child_only_when_asked)
{
    check_output("fork", 0, "child:parent:parent:");
}

Test(finalizers, not_at_exec)
{
    check_output("exec", 0, "");
}

Test(finalizers, at__exit_and_quick_exit_with_their_status)
{
    check_output("_exit", 5, "at-_exit ");
    check_output("quick_exit", 6, "at-quick_exit ");
}

Test(finalizers, two_threads_calling_exit_run_the_sequence_once)
{
    for (int round = 0; round < 10; round++) {
        struct run r;
        run_mode(&r, "report=none", "two-exits", NULL);
        int status = exit_code(&r);
        cr_assert(status == 1 || status == 2, "one of the two exit calls: %d", status);
        cr_assert_str_eq(r.out, "once ");
        run_free(&r);
    }
}

Test(policies, fds_close_flushes_stdio_first_and_says_so)
{
    struct run r, scratch;
    char path[300];
    scratch_file(&scratch, "data", path, sizeof path);
    run_mode(&r, "log_dir={dir}:fds=close", "buffered", path);
    expect_exit(&r, 0);
    char buf[64] = {0};
    int fd = open(path, O_RDONLY);
    cr_assert(fd >= 0);
    cr_assert_eq(read(fd, buf, sizeof buf - 1), 10);
    close(fd);
    cr_assert_str_eq(buf, "every byte");
    json_t *rep = report_of(&r, r.pid);
    json_t *leak = json_array_get(json_object_get(rep, "leaks"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(leak, "action")), "closed");
    run_free(&r);
    run_free(&scratch);
}

/* In a signal handler only the signal-safe ones run; the process still
 * dies of its signal (status and all), with the report written. */
static void check_signal_end(const char *mode, int sig)
{
    struct run r;
    run_mode(&r, "log_dir={dir}", mode, NULL);
    cr_assert(WIFSIGNALED(r.status), "%s: not killed: %s", mode, r.err);
    cr_assert_eq(WTERMSIG(r.status), sig, "%s", mode);
    cr_assert_str_eq(r.out, "safe ", "%s", mode);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s: no report", mode);
    json_t *end = json_object_get(rep, "end");
    cr_assert_str_eq(json_string_value(json_object_get(end, "how")), "signal");
    cr_assert_eq(json_integer_value(json_object_get(end, "signal")), sig);
    json_t *ran = finalizer_with(json_object_get(rep, "finalizers"), "ran");
    cr_assert(ran, "%s", mode);
    run_free(&r);
}

Test(signal_end, sigterm_runs_only_signal_safe_finalizers)
{
    check_signal_end("sigterm", SIGTERM);
    struct run r;
    run_mode(&r, "log_dir={dir}", "sigterm", NULL);
    json_t *skipped = finalizer_with(finalizers_of(&r), "skipped");
    cr_assert(skipped);
    cr_assert_str_eq(json_string_value(json_object_get(skipped, "reason")), "not_signal_safe");
    run_free(&r);
}

Test(signal_end, segv) { check_signal_end("segv", SIGSEGV); }
Test(signal_end, abort) { check_signal_end("abort", SIGABRT); }
Test(signal_end, stack_overflow_in_main) { check_signal_end("overflow", SIGSEGV); }
Test(signal_end, stack_overflow_in_a_thread) { check_signal_end("thread-overflow", SIGSEGV); }

/* prog 2>&1 | head -1: the report meets a closed pipe; the process must
 * still end with its own status, not die of SIGPIPE. */
Test(exit_status, a_report_to_a_closed_pipe_keeps_the_status)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    close(p[0]);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 2);
        char preload[600];
        snprintf(preload, sizeof preload, "LD_PRELOAD=%s", build_path("libexitguard.so"));
        char *env[] = {preload, NULL};
        char *argv[] = {(char *)build_path("tests/programs/ends"), "return", "3", NULL};
        signal(SIGPIPE, SIG_DFL);
        execve(argv[0], argv, env);
        _exit(127);
    }
    close(p[1]);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "killed by signal %d", WTERMSIG(status));
    cr_assert_eq(WEXITSTATUS(status), 3);
}

/* A FILE*'s buffer is lost when the process dies by a signal: said so. */
Test(policies, a_stream_left_open_at_a_signal_may_lose_data)
{
    struct run r, scratch;
    char path[300];
    scratch_file(&scratch, "data", path, sizeof path);
    char *argv[] = {(char *)build_path("tests/programs/finalizers"), "buffered", path, "sigterm",
                    NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    cr_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGTERM, "%s", r.err);
    json_t *leak = json_array_get(json_object_get(report_of(&r, r.pid), "leaks"), 0);
    cr_assert(leak);
    cr_assert_str_eq(json_string_value(json_object_get(leak, "action")),
                     "buffered_data_may_be_lost");
    run_free(&r);
    run_free(&scratch);
}
