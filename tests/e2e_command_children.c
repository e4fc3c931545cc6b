/* The exitguard command and the processes a command tree leaves running:
 * found when COMMAND ends, dealt with by --children, recorded in the
 * merged JSON ("leftover_processes") and the summary; signals forwarded;
 * the summary's process tree.
 *
 * Each test has a hard timeout: a command that waits for the daemon it
 * left would hang, and the timeout turns that into a failure. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define FAKE_PARENT 2000000100

/* exitguard --json <r's json> ARGS...; extra_env: NAME=VALUE or NULL. */
static json_t *run_exitguard_json(struct run *r, char *const args[], char *const extra_env[])
{
    char json[64];
    snprintf(json, sizeof json, "/tmp/exitguard-children-%d.json", getpid());
    char *argv[24] = {"--json", json};
    int n = 2;
    for (; args[n - 2] && n < 23; n++)
        argv[n] = args[n - 2];
    argv[n] = NULL;
    run_exitguard(r, argv, extra_env);
    json_t *doc = take_json(json);
    return doc;
}

static int argv_is(json_t *argv, const char *a0, const char *a1)
{
    return json_array_size(argv) == 2 &&
           strcmp(json_string_value(json_array_get(argv, 0)), a0) == 0 &&
           strcmp(json_string_value(json_array_get(argv, 1)), a1) == 0;
}

/* The entry of doc's array `list` ("leftover_processes", "processes")
 * for process `pid` (asserted). */
static json_t *with_pid(json_t *doc, const char *list, int pid)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(doc, list), i, item)
        if (json_integer_value(json_object_get(item, "pid")) == pid)
            return item;
    cr_assert_fail("no process %d in %s: %s", pid, list, json_dumps(json_object_get(doc, list), 0));
    return NULL;
}

static json_t *leftover_with_pid(json_t *doc, int pid)
{
    return with_pid(doc, "leftover_processes", pid);
}

static const char *action_of(json_t *item)
{
    return json_string_value(json_object_get(item, "action"));
}


static int is_sleep_100(int pid)
{
    char path[64], text[64] = "";
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    return n == 10 && memcmp(text, "sleep\0" "100", 10) == 0;
}

static void assert_says(struct run *r, const char *text)
{
    cr_assert(strstr(r->err, text), "no '%s' in:\n%s", text, r->err);
}

/* A shell backgrounds `sleep 100` in a subshell that exits at once: the
 * sleep is orphaned.  The subshell waits until the sleep has exec'd
 * (its cmdline in /proc, polled: no timing), so that what is found is the
 * sleep. */
static char orphan_script[] =
    "(sleep 100 & p=$!; while [ \"$(tr '\\0' ' ' </proc/$p/cmdline)\" != 'sleep 100 ' ]; "
    "do :; done; echo \"pid $p\")";

/* The sleep, and what was done to it: the command's leftover entry, or --
 * when the library in the subshell already ended it at the subshell's
 * exit (with children=term in EXITGUARD_OPTIONS) -- the subshell's
 * report's entry for it. */
static json_t *find_sleep(json_t *doc, int pid)
{
    size_t i, j;
    json_t *item, *report;
    json_array_foreach(json_object_get(doc, "leftover_processes"), i, item)
        if (json_integer_value(json_object_get(item, "pid")) == pid)
            return item;
    json_array_foreach(json_object_get(doc, "processes"), i, report)
        json_array_foreach(json_object_get(report, "children"), j, item)
            if (json_integer_value(json_object_get(item, "pid")) == pid)
                return item;
    cr_assert_fail("sleep %d is reported nowhere", pid);
    return NULL;
}

Test(command_children, shell_background_job_is_terminated_by_default, .timeout = 30)
{
    struct run r;
    json_t *doc = run_exitguard_json(&r, (char *[]){"--", "/bin/sh", "-c", orphan_script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int pid = number_after(r.out, "pid ");
    cr_assert_gt(pid, 0, "%s", r.out);
    json_t *sleep = find_sleep(doc, pid);
    cr_assert(argv_is(json_object_get(sleep, "argv"), "sleep", "100"));
    cr_assert_str_eq(action_of(sleep), "terminated", "%s", r.err);
    cr_assert(gone_within(pid, 1000), "sleep %d still there", pid);
    char want[128];
    /* one finding, shown under the subshell that left it */
    snprintf(want, sizeof want,
             "child process %d (sleep 100) still running; when the command ended: "
             "terminated (SIGTERM)", pid);
    assert_says(&r, want);
    cr_assert(!strstr(r.err, "left running after the command ended"), "%s", r.err);
    json_decref(doc);
    run_free(&r);
}

/* /proc/PID/stat is the main thread's: one that called pthread_exit is a
 * zombie there while another thread keeps the process.  The command must
 * still take it for a leftover (it had ended the run without it, and its
 * report came after the summary, into a directory already gone). */
Test(command_children, a_process_whose_main_thread_left_is_still_a_leftover, .timeout = 30)
{
    struct run r;
    json_t *doc = run_exitguard_json(
        &r, (char *[]){"--", (char *)build_path("tests/programs/leader_gone"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int pid = number_after(r.out, "child "), fd = number_after(r.out, "holds fd ");
    cr_assert_gt(pid, 0, "%s", r.out);
    int gone = gone_within(pid, 1000);
    if (!gone)
        kill(pid, SIGKILL);
    cr_assert(gone, "child %d left running", pid);
    cr_assert_str_eq(action_of(leftover_with_pid(doc, pid)), "terminated", "%s", r.err);
    json_t *report = with_pid(doc, "processes", pid);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(report, "end"), "how")),
                     "signal", "%s", json_dumps(report, 0));
    cr_assert(leak_with_fd(report, fd), "the child's fd %d is not reported: %s", fd,
              json_dumps(report, 0));
    cr_assert(!strstr(r.err, "cannot write report"), "%s", r.err);
    json_decref(doc);
    run_free(&r);
}

/* A setup step that leaves a daemon for the steps after it: the daemon
 * must live until COMMAND is over -- only then is it ended. */
Test(command_children, a_daemon_outlives_the_step_that_started_it, .timeout = 30)
{
    /* $(...) returns once the subshell has died (its end of the pipe
     * closes last): a policy applied at its exit has been applied. */
    char *script = "p=$( (sleep 100 >/dev/null 2>&1 & echo $!) ); kill -0 $p && echo \"alive pid $p\"";
    struct run r;
    json_t *doc = run_exitguard_json(&r, (char *[]){"--", "/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int pid = number_after(r.out, "alive pid ");
    cr_assert_gt(pid, 0, "the daemon died with its starter: %s%s", r.out, r.err);
    cr_assert_str_eq(action_of(leftover_with_pid(doc, pid)), "terminated", "%s", r.err);
    cr_assert(gone_within(pid, 1000), "sleep %d still there", pid);
    json_decref(doc);
    run_free(&r);
}

Test(command_children, report_policy_lists_it_and_leaves_it_running, .timeout = 30)
{
    struct run r;
    json_t *doc = run_exitguard_json(
        &r, (char *[]){"--children=report", "--", "/bin/sh", "-c", orphan_script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int pid = number_after(r.out, "pid ");
    cr_assert_gt(pid, 0, "%s", r.out);
    int running = is_sleep_100(pid);
    if (running)
        kill(pid, SIGKILL);
    cr_assert(running, "sleep %d was not left running", pid);
    json_t *item = leftover_with_pid(doc, pid);
    cr_assert(argv_is(json_object_get(item, "argv"), "sleep", "100"));
    cr_assert_str_eq(action_of(item), "left_running");
    char want[160];
    snprintf(want, sizeof want,
             "child process %d (sleep 100) still running; when the command ended: left as it is",
             pid);
    assert_says(&r, want);
    assert_says(&r, ", 1 child process left running or unreaped\n");
    json_decref(doc);
    run_free(&r);
}

/* `leftovers MODE` starts the sleep where the library cannot see it, so
 * only the command can deal with it; prints its pid. */
static json_t *run_leftovers(struct run *r, const char *mode, const char *before[])
{
    char *args[12];
    int n = 0;
    for (; before && before[n]; n++)
        args[n] = (char *)before[n];
    args[n++] = "--";
    args[n++] = (char *)build_path("tests/programs/leftovers");
    args[n++] = (char *)mode;
    args[n] = NULL;
    return run_exitguard_json(r, args, NULL);
}

Test(command_children, daemon_ignoring_sigterm_is_killed, .timeout = 30)
{
    struct run r;
    json_t *doc = run_leftovers(&r, "stubborn", (const char *[]){"--kill-grace", "0.2", NULL});
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int pid = number_after(r.out, "pid ");
    json_t *item = leftover_with_pid(doc, pid);
    cr_assert(argv_is(json_object_get(item, "argv"), "/bin/sleep", "100"));
    cr_assert_str_eq(action_of(item), "killed");
    cr_assert(gone_within(pid, 1000), "sleep %d still there", pid);
    assert_says(&r, "; killed (SIGKILL)\n");
    json_decref(doc);
    run_free(&r);
}

Test(command_children, double_forked_daemon_is_found_and_terminated, .timeout = 30)
{
    struct run r;
    json_t *doc = run_leftovers(&r, "double", NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int pid = number_after(r.out, "pid ");
    json_t *item = leftover_with_pid(doc, pid);
    cr_assert(argv_is(json_object_get(item, "argv"), "/bin/sleep", "100"));
    cr_assert_str_eq(action_of(item), "terminated");
    /* its parent exited before it was found, and no report names it */
    cr_assert_null(json_object_get(item, "started_by"));
    cr_assert(gone_within(pid, 1000), "sleep %d still there", pid);
    json_decref(doc);
    run_free(&r);
}

Test(command_children, started_by_comes_from_the_report_that_lists_the_child, .timeout = 30)
{
    struct run r;
    json_t *doc = run_leftovers(&r, "attributed", NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int pid = number_after(r.out, "pid ");
    json_t *by = json_object_get(leftover_with_pid(doc, pid), "started_by");
    cr_assert(by, "no started_by");
    cr_assert_eq(json_integer_value(json_object_get(by, "pid")), FAKE_PARENT);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(by, "argv"), 0)),
                     "fake-parent");
    char want[200];
    /* named by what /proc showed at the end, the report's name beside it */
    snprintf(want, sizeof want, "  fake-parent (pid %d) exited with status 0:\n"
                                "    child process %d (/bin/sleep 100, forked from sleep 100) still "
                                "running; when the command ended: terminated (SIGTERM); started by "
                                "fork at:\n",
             FAKE_PARENT, pid);
    assert_says(&r, want);
    cr_assert(gone_within(pid, 1000), "sleep %d still there", pid);
    json_decref(doc);
    run_free(&r);
}

Test(command_children, error_exitcode_counts_a_leftover, .timeout = 30)
{
    struct run r;
    json_t *doc = run_leftovers(&r, "daemon", (const char *[]){"--error-exitcode", "9", NULL});
    cr_assert_eq(exit_code(&r), 9, "%s", r.err);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "totals"), "leftovers")), 1);
    cr_assert(gone_within(number_after(r.out, "pid "), 1000));
    json_decref(doc);
    run_free(&r);
}

Test(command_children, bad_children_or_kill_grace_is_one_line_and_status_2)
{
    char *cases[][5] = {{"--children=bogus", "--", "/bin/sh", "-c", "echo ran"},
                        {"--children", "Term", "/bin/sh", "-c", "echo ran"},
                        {"--kill-grace=soon", "--", "/bin/sh", "-c", "echo ran"},
                        {"--kill-grace", "61", "/bin/sh", "-c", "echo ran"}};
    const char *said[] = {"exitguard: --children: 'bogus' is not one of report, term, kill, group\n",
                          "exitguard: --children: 'Term' is not one of",
                          "exitguard: --kill-grace: 'soon' is not a duration",
                          "exitguard: --kill-grace: '61' is not a duration"};
    for (int i = 0; i < 4; i++) {
        char *argv[7] = {(char *)build_path("exitguard")};
        memcpy(argv + 1, cases[i], sizeof cases[i]);
        struct run r;
        run_plain(&r, argv, NULL);
        cr_assert_eq(exit_code(&r), 2, "%s", cases[i][0]);
        cr_assert(strncmp(r.err, said[i], strlen(said[i])) == 0, "%s", r.err);
        cr_assert_str_empty(r.out, "nothing ran");
        run_free(&r);
    }
}

Test(command_children, policy_is_passed_on_and_the_users_key_wins, .timeout = 30)
{
    struct run r;
    char *show[] = {(char *)build_path("exitguard"), "--kill-grace=250ms", "--", "/bin/sh", "-c",
                    "echo \"$EXITGUARD_OPTIONS\"", NULL};
    run_plain(&r, show, NULL);
    cr_assert_eq(exit_code(&r), 0);
    cr_assert(strstr(r.out, ":report=json:kill_grace=250ms:run_token="), "%s", r.out);
    cr_assert(!strstr(r.out, "children="), "each process keeps children=report: %s", r.out);
    run_free(&r);

    json_t *doc = run_exitguard_json(&r, (char *[]){"--children=kill", "--", "/bin/sh", "-c",
                                               orphan_script, NULL},
                                (char *[]){"EXITGUARD_OPTIONS=children=report", NULL});
    int pid = number_after(r.out, "pid ");
    int running = pid > 0 && is_sleep_100(pid);
    if (running)
        kill(pid, SIGKILL);
    cr_assert(running, "children=report in EXITGUARD_OPTIONS left it running: %s", r.err);
    assert_says(&r, "exitguard: --children=kill ignored: EXITGUARD_OPTIONS sets children=report\n");
    cr_assert_str_eq(action_of(leftover_with_pid(doc, pid)), "left_running");
    json_decref(doc);
    run_free(&r);
}

/* The test sends SIGINT to exitguard once the program said it is ready;
 * the program's handler prints and exits 42, and exitguard exits 42. */
Test(command_children, sigint_is_forwarded_to_the_command, .timeout = 30)
{
    int out[2];
    cr_assert(pipe2(out, O_CLOEXEC) == 0);
    char *argv[] = {(char *)build_path("exitguard"), "--quiet", "--",
                    (char *)build_path("tests/programs/on_sigint"), NULL};
    char preload_free_path[1100];
    snprintf(preload_free_path, sizeof preload_free_path, "PATH=%s", getenv("PATH") ?: "/bin");
    char *env[] = {preload_free_path, NULL};
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        dup2(out[1], 1);
        int quiet = open("/dev/null", O_WRONLY);
        dup2(quiet, 2); /* the final line */
        execve(argv[0], argv, env);
        _exit(127);
    }
    close(out[1]);
    char text[256] = "";
    size_t n = 0;
    while (n < sizeof text - 1 && !strstr(text, "ready\n")) {
        ssize_t got = read(out[0], text + n, sizeof text - 1 - n);
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    cr_assert(strstr(text, "ready\n"), "the program never got ready: '%s'", text);
    kill(pid, SIGINT);
    ssize_t got;
    while (n < sizeof text - 1 && (got = read(out[0], text + n, sizeof text - 1 - n)) > 0)
        n += (size_t)got;
    close(out[0]);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert_str_eq(text, "ready\ngot SIGINT\n");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 42, "status %#x", status);
}

Test(command_children, summary_nests_a_leaking_child_under_its_leaking_parent, .timeout = 30)
{
    struct run r;
    json_t *doc = run_exitguard_json(
        &r, (char *[]){"--", (char *)build_path("tests/programs/leak_tree"), NULL}, NULL);
    json_decref(doc);
    cr_assert_eq(exit_code(&r), 0);
    int parent = number_after(r.out, "parent "), child = number_after(r.out, "child ");
    const char *program = build_path("tests/programs/leak_tree");
    char want[1200];
    snprintf(want, sizeof want, "\n%s (pid %d) exited with status 0:\n"
                                "  fd 3: file /etc/passwd (O_RDONLY, O_CLOEXEC), opened by open\n",
             program, parent);
    assert_says(&r, want);
    snprintf(want, sizeof want, "\n  %s (pid %d) exited with status 0:\n"
                                "    fd 4: file /etc/hostname (O_RDONLY, no O_CLOEXEC), opened by open\n"
                                "      #0 ",
             program, child);
    assert_says(&r, want);
    /* the parent's block comes first, the child's after it */
    cr_assert_lt(strstr(r.err, "/etc/passwd") - r.err, strstr(r.err, "/etc/hostname") - r.err);
    assert_says(&r, "\nand 2 other processes that left nothing behind\n");
    cr_assert_null(strstr(r.err, "true (pid"), "a clean process is not listed:\n%s", r.err);
    run_free(&r);
}

/* A process killed without writing a report, as the command's post-mortem
 * reconstruction from its registry file presents it (hand-made here). */
Test(command_children, summary_says_a_postmortem_process_wrote_no_report, .timeout = 30)
{
    struct run r;
    json_t *doc = run_exitguard_json(
        &r, (char *[]){"--", (char *)build_path("tests/programs/fake_postmortem"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "totals"), "children")), 1);
    json_decref(doc);
    assert_says(&r, "\n  fake-victim (pid 2000000200) was killed without writing a report (SIGKILL?):\n"
                    "    fd 3: file /etc/passwd (O_RDONLY, no O_CLOEXEC), opened by open\n");
    assert_says(&r, "\n    child process 2000000201 (sleep 100) still running; terminated (SIGTERM); "
                    "started by fork at:\n");
    /* judged by what its registry shows it held: the whole truth, so no
     * missing report (issue 20) */
    assert_says(&r, ", 1 child process left running or unreaped\n");
    run_free(&r);
}

/* A statically linked program cannot be preloaded: the process that exec'd
 * it says so, and is not taken for one killed without its report. */
Test(command_children, an_exec_of_a_static_program_is_named_not_taken_for_a_death, .timeout = 30)
{
    struct run r;
    json_t *doc = run_exitguard_json(
        &r, (char *[]){"--", "/bin/sh", "-c", "/sbin/ldconfig -p >/dev/null; echo done", NULL},
        NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    assert_says(&r, "exec'd /sbin/ldconfig, which exitguard cannot follow (statically linked)");
    cr_assert(!strstr(r.err, "without writing a report"), "%s", r.err);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "totals"), "processes")),
                 2, "%s", r.err);
    json_decref(doc);
    run_free(&r);
}
