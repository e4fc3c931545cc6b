/* Child processes: every child started and never reaped is reported with
 * its argv and where it was started; children=term|kill|group end them
 * (checked in /proc), but never a process that is not, provably, still
 * the program's child. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* The number the program printed after "<key> " at the start of a line;
 * -1 if it did not. */
static long printed(const char *out, const char *key)
{
    char *text = NULL, pattern[64];
    cr_assert(asprintf(&text, "\n%s", out) > 0);
    snprintf(pattern, sizeof pattern, "\n%s ", key);
    const char *p = strstr(text, pattern);
    long v = p ? atol(p + strlen(pattern)) : -1;
    free(text);
    return v;
}

static void run_mode(struct run *r, const char *mode, const char *options)
{
    char *argv[] = {(char *)build_path("tests/programs/children"), (char *)mode, NULL};
    run_preloaded(r, options, argv, NULL);
}

/* 'R', 'S', 'Z', ... from /proc/<pid>/stat; 0 when there is no such
 * process. */
static char proc_state(long pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *paren = strrchr(buf, ')');
    return paren && paren[1] ? paren[2] : 0;
}

/* Gone, or a zombie waiting for whoever inherited it: no longer running.
 * Polled with a bound: the kernel may take a moment to tear it down. */
static int ends_soon(long pid)
{
    for (int i = 0; i < 500; i++) {
        char s = proc_state(pid);
        if (s == 0 || s == 'Z' || s == 'X')
            return 1;
        struct timespec ms = {0, 10 * 1000000};
        nanosleep(&ms, NULL);
    }
    return 0;
}

static int running(long pid)
{
    char s = proc_state(pid);
    return s && s != 'Z' && s != 'X';
}

/* What a test with children=report leaves must not outlive it. */
static void reap_leftover(long pid)
{
    if (pid > 0)
        kill((pid_t)pid, SIGKILL);
}


static const char *field(json_t *entry, const char *name)
{
    const char *v = json_string_value(json_object_get(entry, name));
    return v ? v : "(none)";
}

static void assert_argv(json_t *entry, const char *const want[])
{
    json_t *argv = json_object_get(entry, "argv");
    size_t n = 0;
    while (want[n])
        n++;
    cr_assert_eq(json_array_size(argv), n, "argv: %s", json_dumps(argv, 0));
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(json_string_value(json_array_get(argv, i)), want[i]);
}

/* The program's report, with its entry for child `pid`. */
static json_t *entry_of(struct run *r, long pid, json_t **report)
{
    *report = report_of(r, r->pid);
    cr_assert(*report, "no report: %s", r->err);
    json_t *c = child_with_pid(*report, pid);
    cr_assert(c, "child %ld is not listed: %s", pid, json_dumps(*report, 0));
    return c;
}

static const char *const sleep_argv[] = {"sleep", "100", NULL};

Test(children, a_forked_child_left_running_is_reported_with_its_argv_and_stack)
{
    struct run r;
    run_mode(&r, "sleeper", "log_dir={dir}");
    long pid = printed(r.out, "child");
    cr_assert_eq(exit_code(&r), 0);
    json_t *rep, *c = entry_of(&r, pid, &rep);
    cr_assert_str_eq(field(c, "via"), "fork");
    cr_assert_str_eq(field(c, "state"), "running");
    cr_assert_str_eq(field(c, "action"), "none");
    cr_assert(json_is_false(json_object_get(c, "group")));
    cr_assert_null(json_object_get(c, "unchecked"));
    assert_argv(c, sleep_argv);
    cr_assert(stack_has(json_object_get(c, "stack"), "start_sleeper", "children.c", 0),
              "%s", json_dumps(c, 0));
    cr_assert(running(pid), "children=report must leave it running");
    reap_leftover(pid);
    run_free(&r);
}

Test(children, the_text_report_names_the_child_and_where_it_was_started)
{
    struct run r;
    run_mode(&r, "sleeper", "");
    long pid = printed(r.out, "child");
    char want[128];
    snprintf(want, sizeof want, "child process %ld (sleep 100) still running, started by fork at:\n",
             pid);
    cr_assert(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    cr_assert(strstr(r.err, " in start_sleeper tests/programs/children.c:"), "%s", r.err);
    cr_assert(strstr(r.err, ", 1 child process left, "), "%s", r.err);
    reap_leftover(pid);
    run_free(&r);
}

Test(children, term_ends_the_child_and_says_so)
{
    struct run r;
    run_mode(&r, "sleeper", "log_dir={dir}:children=term");
    long pid = printed(r.out, "child");
    cr_assert(ends_soon(pid), "child %ld still running", pid);
    json_t *rep, *c = entry_of(&r, pid, &rep);
    cr_assert_str_eq(field(c, "action"), "terminated");
    cr_assert_eq(exit_code(&r), 0);
    run_free(&r);
}

Test(children, a_child_ignoring_sigterm_is_killed_after_kill_grace)
{
    struct run r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run_mode(&r, "stubborn", "log_dir={dir}:children=term:kill_grace=0.2");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long pid = printed(r.out, "child");
    cr_assert(ends_soon(pid), "child %ld still running", pid);
    json_t *rep, *c = entry_of(&r, pid, &rep);
    cr_assert_str_eq(field(c, "action"), "killed");
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert_geq(took, 0.2, "SIGKILL came before kill_grace was over (%.3fs)", took);
    run_free(&r);
}

Test(children, kill_sends_sigkill_at_once)
{
    struct run r;
    run_mode(&r, "stubborn", "log_dir={dir}:children=kill:kill_grace=30");
    long pid = printed(r.out, "child");
    cr_assert(ends_soon(pid), "child %ld still running", pid);
    json_t *rep, *c = entry_of(&r, pid, &rep);
    cr_assert_str_eq(field(c, "action"), "killed");
    run_free(&r);
}

Test(children, group_ends_the_grandchild_in_the_childs_process_group)
{
    struct run r;
    run_mode(&r, "group", "log_dir={dir}:children=group:kill_grace=0.2");
    long pid = printed(r.out, "child"), grandchild = printed(r.out, "grandchild");
    cr_assert_gt(grandchild, 0, "%s", r.out);
    cr_assert(ends_soon(pid), "child %ld still running", pid);
    cr_assert(ends_soon(grandchild), "grandchild %ld still running", grandchild);
    json_t *rep, *c = entry_of(&r, pid, &rep);
    cr_assert(json_is_true(json_object_get(c, "group")), "%s", json_dumps(c, 0));
    cr_assert_str_eq(field(c, "action"), "killed"); /* it ignores SIGTERM */
    run_free(&r);
}

Test(children, children_the_program_waited_for_are_counted_not_listed)
{
    struct run r;
    run_mode(&r, "reaped", "log_dir={dir}:children=kill");
    cr_assert_eq(exit_code(&r), 0);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    cr_assert_eq(json_array_size(json_object_get(rep, "children")), 0, "%s", json_dumps(rep, 0));
    cr_assert_eq(json_integer_value(json_object_get(rep, "children_reaped")), 3);
    run_free(&r);
}

Test(children, with_sigchld_ignored_the_kernel_reaps_and_nothing_is_left)
{
    struct run r;
    run_mode(&r, "sigchld_ignored", "log_dir={dir}");
    cr_assert_eq(exit_code(&r), 0, "%s", r.out);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    cr_assert_eq(json_array_size(json_object_get(rep, "children")), 0, "%s", json_dumps(rep, 0));
    run_free(&r);
}

Test(children, a_child_never_waited_for_is_reported_as_a_zombie)
{
    struct run r;
    run_mode(&r, "zombie", "log_dir={dir}");
    long pid = printed(r.out, "child");
    json_t *rep, *c = entry_of(&r, pid, &rep);
    cr_assert_str_eq(field(c, "state"), "zombie");
    cr_assert_str_eq(field(c, "action"), "none");
    run_free(&r);
}

Test(children, a_popen_never_closed_leaves_its_shell_reported_and_term_ends_it)
{
    struct run r;
    run_mode(&r, "popen_left", "log_dir={dir}:children=term");
    cr_assert_eq(printed(r.out, "stream"), 1, "%s", r.out);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    cr_assert_eq(json_array_size(json_object_get(rep, "children")), 1, "%s", json_dumps(rep, 0));
    json_t *c = json_array_get(json_object_get(rep, "children"), 0);
    cr_assert_str_eq(field(c, "via"), "popen");
    static const char *const want[] = {"sh", "-c", "exec sleep 100", NULL};
    assert_argv(c, want);
    cr_assert_str_eq(field(c, "action"), "terminated");
    cr_assert(ends_soon(json_integer_value(json_object_get(c, "pid"))));
    cr_assert(stack_has(json_object_get(c, "stack"), "popen_left", "children.c", 0));
    run_free(&r);
}

Test(children, pclose_waits_and_returns_the_status_as_glibc_does)
{
    struct run r;
    run_mode(&r, "pclosed", "log_dir={dir}");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert(strstr(r.out, "read hello\n"), "%s", r.out);
    cr_assert_eq(printed(r.out, "pclose"), 5, "%s", r.out);
    cr_assert_eq(printed(r.out, "pclose_w"), 0, "%s", r.out);
    cr_assert_eq(printed(r.out, "pclose_plain"), 0, "%s", r.out);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    cr_assert_eq(json_array_size(json_object_get(rep, "children")), 0, "%s", json_dumps(rep, 0));
    cr_assert_eq(json_integer_value(json_object_get(rep, "children_reaped")), 2);
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), 0, "%s", json_dumps(rep, 0));
    run_free(&r);
}

Test(children, a_popen_child_holds_no_other_popen_stream_and_e_means_cloexec)
{
    struct run r;
    run_mode(&r, "popen_streams", "report=none");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert(strstr(r.out, "second closed\n"), "%s", r.out);
    cr_assert_eq(printed(r.out, "cloexec_e"), 1, "%s", r.out);
    run_free(&r);
}

Test(children, posix_spawn_children_run_under_exitguard_and_are_recorded)
{
    struct run r;
    run_mode(&r, "spawned", "log_dir={dir}:children=term");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    long leaker = printed(r.out, "leaker"), pid = printed(r.out, "child");
    /* the spawned program wrote its own report, though LD_PRELOAD was unset */
    json_t *theirs = report_of(&r, leaker);
    cr_assert(theirs, "the posix_spawned child did not run under exitguard");
    cr_assert_eq(json_array_size(json_object_get(theirs, "leaks")), 1, "%s", json_dumps(theirs, 0));
    json_t *rep, *c = entry_of(&r, pid, &rep);
    cr_assert_str_eq(field(c, "via"), "posix_spawnp");
    assert_argv(c, sleep_argv);
    cr_assert_str_eq(field(c, "action"), "terminated");
    cr_assert(ends_soon(pid));
    cr_assert_eq(json_integer_value(json_object_get(rep, "children_reaped")), 1);
    run_free(&r);
}

static json_t *report_with_mode(struct run *r, const char *mode)
{
    json_t *all = all_reports(r), *doc;
    size_t i;
    json_array_foreach(all, i, doc) {
        json_t *argv = json_object_get(doc, "argv");
        const char *m = json_string_value(json_array_get(argv, 1));
        if (m && strcmp(m, mode) == 0)
            return doc;
    }
    return NULL;
}

Test(children, system_returns_the_status_and_its_command_runs_under_exitguard)
{
    struct run r;
    run_mode(&r, "shell", "log_dir={dir}");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert_eq(printed(r.out, "status"), 3, "%s", r.out);
    cr_assert_eq(printed(r.out, "null"), 1, "%s", r.out);
    cr_assert_eq(printed(r.out, "leaker_status"), 0, "%s", r.out);
    cr_assert_eq(printed(r.out, "sigint_default_after"), 1, "%s", r.out);
    json_t *theirs = report_with_mode(&r, "leak_fd");
    cr_assert(theirs, "the command system() ran did not run under exitguard");
    cr_assert(leak_with_fd(theirs, (int)printed(r.out, "leaked")), "%s", json_dumps(theirs, 0));
    json_t *rep = report_of(&r, r.pid);
    cr_assert_eq(json_array_size(json_object_get(rep, "children")), 0, "%s", json_dumps(rep, 0));
    cr_assert_eq(json_integer_value(json_object_get(rep, "children_reaped")), 3);
    run_free(&r);
}

Test(children, a_grandchild_of_a_double_fork_is_not_ours_to_signal)
{
    struct run r;
    run_mode(&r, "double_fork", "log_dir={dir}:children=kill");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    long grandchild = printed(r.out, "grandchild");
    cr_assert_gt(grandchild, 0, "%s", r.out);
    cr_assert(running(grandchild), "the grandchild %ld was signalled", grandchild);
    json_t *rep = report_of(&r, r.pid);
    cr_assert_eq(json_array_size(json_object_get(rep, "children")), 0, "%s", json_dumps(rep, 0));
    reap_leftover(grandchild);
    run_free(&r);
}

Test(children, a_crash_still_ends_the_children)
{
    struct run r;
    run_mode(&r, "segv", "log_dir={dir}:children=term");
    cr_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGSEGV, "status %#x", r.status);
    long pid = printed(r.out, "child");
    cr_assert(ends_soon(pid), "child %ld still running", pid);
    json_t *rep, *c = entry_of(&r, pid, &rep);
    cr_assert_str_eq(field(c, "action"), "terminated");
    run_free(&r);
}

Test(children, fork_while_other_threads_open_and_close_does_not_deadlock, .timeout = 60)
{
    struct run r;
    run_mode(&r, "threads_fork", "report=none");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert_eq(printed(r.out, "forks"), 200, "%s", r.out);
    run_free(&r);
}

/* The program reaps a child behind exitguard's back, and a process that is
 * not its child is then given the same pid (in a pid namespace of its own,
 * with ns_last_pid): children=kill must leave that process alive. */
Test(children, a_reused_pid_of_a_child_reaped_unseen_is_never_signalled)
{
    struct run r;
    run_mode(&r, "pid_reuse", "log_dir={dir}:children=kill");
    if (WIFEXITED(r.status) && WEXITSTATUS(r.status) == 77)
        cr_skip_test("cannot make a pid namespace here: %s", r.out);
    cr_assert_eq(exit_code(&r), 0, "%s\n%s", r.out, r.err);
    long d = printed(r.out, "reaped_raw");
    cr_assert_eq(printed(r.out, "reused_by"), d, "the pid was not reused: %s", r.out);
    cr_assert_eq(printed(r.out, "survivor_alive"), 1, "%s", r.out);
    /* the process under test is pid 2 of the namespace */
    json_t *rep = report_of(&r, 2);
    cr_assert(rep, "%s", r.err);
    cr_assert_null(child_with_pid(rep, d), "%s", json_dumps(rep, 0));
    run_free(&r);
}

Test(children, the_exec_report_says_a_static_program_runs_unchecked)
{
    struct run r;
    run_mode(&r, "exec_static", "log_dir={dir}");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "no exec report: %s", r.err);
    json_t *end = json_object_get(rep, "end");
    cr_assert_str_eq(field(end, "how"), "exec");
    cr_assert_str_eq(field(end, "unchecked"), "static");
    run_free(&r);
}

Test(children, a_posix_spawned_static_program_is_marked_unchecked)
{
    struct run r;
    run_mode(&r, "spawn_static", "log_dir={dir}");
    long pid = printed(r.out, "child");
    json_t *rep, *c = entry_of(&r, pid, &rep);
    cr_assert_str_eq(field(c, "unchecked"), "static");
    cr_assert_str_eq(field(c, "state"), "zombie");
    run_free(&r);
}

Test(children, what_a_look_found_is_remembered_until_the_file_changes)
{
    struct run r;
    run_mode(&r, "spawn_changed_program", "log_dir={dir}");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    json_t *rep, *first = entry_of(&r, printed(r.out, "first"), &rep);
    cr_assert_str_eq(field(first, "unchecked"), "static");
    cr_assert_str_eq(field(entry_of(&r, printed(r.out, "again"), &rep), "unchecked"), "static");
    json_t *changed = entry_of(&r, printed(r.out, "changed"), &rep);
    cr_assert_null(json_object_get(changed, "unchecked"), "%s", json_dumps(changed, 0));
    run_free(&r);
}

Test(children, a_clone_child_reports_as_itself_and_is_recorded)
{
    struct run r;
    run_mode(&r, "cloned", "log_dir={dir}");
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    long copy = printed(r.out, "copy"), shared = printed(r.out, "shared");
    json_t *theirs = report_of(&r, copy);
    cr_assert(theirs, "the clone child wrote no report of its own");
    cr_assert(leak_with_fd(theirs, (int)printed(r.out, "leaked")), "%s", json_dumps(theirs, 0));
    json_t *rep, *c = entry_of(&r, shared, &rep);
    cr_assert_str_eq(field(c, "via"), "clone");
    cr_assert_str_eq(field(c, "state"), "zombie");
    cr_assert_eq(json_integer_value(json_object_get(rep, "children_reaped")), 1);
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), 0, "the child's leak is not ours");
    run_free(&r);
}
