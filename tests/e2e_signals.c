/* exitguard acts on a signal only where the program left it at the default,
 * and the program cannot tell: its handlers run as before, SIG_IGN stays,
 * queries show what it set, and the process dies of the same signal (core
 * included) -- with a report. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static void run_signals(struct run *r, int preloaded, const char *mode, const char *arg)
{
    char *argv[] = {(char *)build_path("tests/programs/signals"), (char *)mode, (char *)arg, NULL};
    if (preloaded)
        run_preloaded(r, "log_dir={dir}", argv, NULL);
    else
        run_plain(r, argv, NULL);
}

static void assert_died_of(struct run *r, int sig)
{
    cr_assert(WIFSIGNALED(r->status), "status %#x, stderr: %s", r->status, r->err);
    cr_assert_eq(WTERMSIG(r->status), sig, "killed by %d, not %d", WTERMSIG(r->status), sig);
}

/* The report says the process was killed by `sig` and lists the fd it
 * printed as "fd N". */
static void assert_signal_report(struct run *r, int sig)
{
    json_t *rep = report_of(r, r->pid);
    cr_assert(rep, "no report; stderr: %s", r->err);
    json_t *end = json_object_get(rep, "end");
    cr_assert_str_eq(json_string_value(json_object_get(end, "how")), "signal");
    cr_assert_eq(json_integer_value(json_object_get(end, "signal")), sig);
    int fd = number_after(r->out, "fd ");
    cr_assert(fd > 2 && leak_with_fd(rep, fd), "fd %d not in %s", fd, json_dumps(rep, 0));
    json_decref(rep);
}

static void assert_dies_with_report(const char *mode, int sig)
{
    struct run r;
    run_signals(&r, 1, mode, NULL);
    assert_died_of(&r, sig);
    assert_signal_report(&r, sig);
    run_free(&r);
}

Test(signals, sigterm_at_default_kills_with_a_report)
{
    assert_dies_with_report("term-default", SIGTERM);
}

/* Right after fork the child still carries its parent's pid in the
 * library until its atfork handler runs: a SIGTERM landing there must
 * still kill it, as it does without the library. */
Test(signals, sigterm_sent_right_after_fork_kills_the_child)
{
    /* with and without a registry file: the fork paths differ */
    const char *options[] = {"log_dir={dir}", "report=none"};
    for (int i = 0; i < 2; i++) {
        struct run r;
        char *argv[] = {(char *)build_path("tests/programs/signals"), "term-after-fork", NULL};
        run_preloaded(&r, options[i], argv, NULL);
        cr_assert(strstr(r.out, "lost 0 of 40"), "%s: %s%s", options[i], r.out, r.err);
        cr_assert_eq(exit_code(&r), 0);
        run_free(&r);
    }
}

Test(signals, sigterm_handled_by_the_program_is_its_business)
{
    struct run r;
    run_signals(&r, 1, "term-handled", "3");
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 3, "status %#x: %s", r.status, r.err);
    cr_assert(strstr(r.out, "calls=1\n"), "its handler ran once: %s", r.out);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    json_t *end = json_object_get(rep, "end");
    cr_assert_str_eq(json_string_value(json_object_get(end, "how")), "exit");
    cr_assert_eq(json_integer_value(json_object_get(end, "status")), 3);
    json_decref(rep);
    run_free(&r);
}

Test(signals, sighup_ignored_before_exec_stays_ignored)
{
    /* as nohup does: the child of run_preloaded inherits SIG_IGN */
    struct sigaction ign = {.sa_handler = SIG_IGN}, before;
    sigaction(SIGHUP, &ign, &before);
    struct run r;
    run_signals(&r, 1, "hup-self", NULL);
    sigaction(SIGHUP, &before, NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "status %#x: %s", r.status, r.err);
    cr_assert(strstr(r.out, "start: handler=SIG_IGN"), "%s", r.out);
    cr_assert(strstr(r.out, "survived\n"), "%s", r.out);
    run_free(&r);
}

/* Runs `mode` with and without the library: what the program prints and
 * how it ends must be the same.  Returns the preloaded run. */
static void same_both_ways(struct run *pre, const char *mode, const char *arg)
{
    struct run plain;
    run_signals(&plain, 0, mode, arg);
    run_signals(pre, 1, mode, arg);
    cr_assert_str_eq(pre->out, plain.out, "%s %s: the program saw a difference", mode,
                     arg ? arg : "");
    cr_assert_eq(pre->status, plain.status, "%s: status %#x, natively %#x", mode, pre->status,
                 plain.status);
    run_free(&plain);
}

Test(signals, queries_show_what_the_program_set_and_restoring_restores_the_report)
{
    struct run r;
    same_both_ways(&r, "query", NULL);
    cr_assert(strstr(r.out, "start: handler=SIG_DFL flags=0 mask=0 "), "%s", r.out);
    /* SA_RESTART|SA_NODEFER as set, plus the SA_RESTORER glibc adds;
     * mask SIGUSR1|SIGTERM */
    cr_assert(strstr(r.out, "set: handler=h flags=0x54000000 mask=0x4200 "), "%s", r.out);
    cr_assert(strstr(r.out, "restored: handler=SIG_DFL "), "%s", r.out);
    assert_died_of(&r, SIGINT);
    assert_signal_report(&r, SIGINT);
    run_free(&r);
}

Test(signals, signal_sysv_signal_sigset_and_friends_answer_as_without_the_library)
{
    struct run r;
    same_both_ways(&r, "legacy", NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "%s", r.err);
    cr_assert(strstr(r.out, "after sysv_signal(h): handler=h flags=0xc4000000"), "%s", r.out);
    run_free(&r);
}

static void resethand(const char *arg)
{
    struct run r;
    same_both_ways(&r, "resethand", arg);
    cr_assert(strstr(r.out, "calls=1 "), "the handler ran once: %s", r.out);
    cr_assert(strstr(r.out, "after one delivery: handler=SIG_DFL"), "%s", r.out);
    assert_died_of(&r, SIGUSR1);
    assert_signal_report(&r, SIGUSR1);
    run_free(&r);
}

Test(signals, sa_resethand_runs_once_then_the_default_reports) { resethand(NULL); }
Test(signals, sa_resethand_with_sa_nodefer) { resethand("nodefer"); }

static void siginfo(const char *arg)
{
    struct run r;
    run_signals(&r, 1, "siginfo", arg);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "%s", r.err);
    int child = number_after(r.out, "child ");
    cr_assert_eq(number_after(r.out, "signo "), SIGUSR2, "%s", r.out);
    cr_assert(child > 0 && number_after(r.out, "pid ") == child, "si_pid is the sender: %s", r.out);
    cr_assert_eq(number_after(r.out, "code "), SI_USER, "%s", r.out);
    run_free(&r);
}

Test(signals, sa_siginfo_handler_gets_the_senders_siginfo) { siginfo(NULL); }
Test(signals, sa_siginfo_through_the_resethand_dispatcher) { siginfo("resethand"); }

Test(signals, null_write_dies_of_sigsegv_with_a_report) { assert_dies_with_report("segv", SIGSEGV); }
Test(signals, abort_dies_of_sigabrt_with_a_report) { assert_dies_with_report("abort", SIGABRT); }
/* Only the alternate stack lets the handler run once the stack is gone. */
Test(signals, stack_overflow_in_main_still_reports) { assert_dies_with_report("overflow", SIGSEGV); }

/* The program raises its RLIMIT_CORE and crashes in a directory of its
 * own.  Here core_pattern is "core" (a file in the cwd), so a native run
 * dumps one and sets WCOREDUMP; the preloaded run must do the same.  Where
 * core_pattern pipes to a helper or cores are off, WCOREDUMP of the two
 * runs must still agree, which is all this asserts then. */
static void core_flag(const char *mode)
{
    char dir[2][64];
    struct run r[2];
    for (int pre = 0; pre < 2; pre++) {
        snprintf(dir[pre], sizeof dir[pre], "/tmp/exitguard-core.XXXXXX");
        cr_assert(mkdtemp(dir[pre]));
        run_signals(&r[pre], pre, mode, dir[pre]);
        cr_assert(WIFSIGNALED(r[pre].status), "%s", r[pre].err);
    }
    cr_assert_eq(WCOREDUMP(r[1].status), WCOREDUMP(r[0].status),
                 "%s: core dumped %d under the library, %d natively", mode,
                 WCOREDUMP(r[1].status) != 0, WCOREDUMP(r[0].status) != 0);
    cr_assert_eq(WTERMSIG(r[1].status), WTERMSIG(r[0].status));
    if (WCOREDUMP(r[0].status)) {
        char core[128];
        snprintf(core, sizeof core, "%s/core", dir[1]);
        FILE *pattern = fopen("/proc/sys/kernel/core_pattern", "r");
        char text[64] = "";
        if (pattern && fgets(text, sizeof text, pattern) && strcmp(text, "core\n") == 0)
            cr_assert_eq(access(core, F_OK), 0, "no core file from the preloaded run");
        if (pattern)
            fclose(pattern);
    }
    for (int pre = 0; pre < 2; pre++) {
        remove_tree(dir[pre]);
        run_free(&r[pre]);
    }
}

Test(signals, sigsegv_core_dump_flag_as_without_the_library) { core_flag("segv"); }
Test(signals, sigabrt_core_dump_flag_as_without_the_library) { core_flag("abort"); }

/* Python installs its SIGINT handler only if it finds SIG_DFL there. */
Test(signals, python_keyboard_interrupt_still_works)
{
    const char *python = "/usr/bin/python3";
    if (access(python, X_OK) != 0)
        cr_skip_test("no %s", python);
    char *argv[] = {(char *)python, "-c",
                    "import os, signal, time\n"
                    "try:\n"
                    "    os.kill(os.getpid(), signal.SIGINT)\n"
                    "    time.sleep(10)\n"
                    "except KeyboardInterrupt:\n"
                    "    print('KeyboardInterrupt')\n",
                    NULL};
    struct run r;
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "status %#x: %s", r.status, r.err);
    cr_assert_str_eq(r.out, "KeyboardInterrupt\n");
    run_free(&r);
}
