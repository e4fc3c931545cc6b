/* Corner cases of starting processes, each once a bug (tests/programs/
 * process_edges.c): the program must end as it does without exitguard. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static void run_edge(struct run *r, const char *options, const char *mode, const char *arg)
{
    char *argv[] = {(char *)build_path("tests/programs/process_edges"), (char *)mode,
                    (char *)arg, NULL};
    run_preloaded(r, options, argv, NULL);
}

/* children=term signals the child after the program's atexit handlers
 * ran; its SIGCHLD handler must not run then (it used freed state: exit 3
 * became SIGSEGV). */
Test(process_edges, a_sigchld_handler_does_not_run_after_teardown, .timeout = 30)
{
    struct run r;
    run_edge(&r, "children=term", "sigchld-at-exit", NULL);
    cr_assert_eq(exit_code(&r), 3, "status %#x: %s", r.status, r.err);
    cr_assert(strstr(r.err, "child process"), "the child is still reported: %s", r.err);
    run_free(&r);
}

/* A CLONE_VM|CLONE_VFORK child runs on the parent's memory: its close
 * before exec must not erase the parent's leak from the registry. */
Test(process_edges, a_vfork_like_clone_child_does_not_rewrite_the_parents_registry)
{
    struct run r;
    run_edge(&r, "log_dir={dir}", "clone-vm-close", NULL);
    int fd = number_after(r.out, "fd ");
    cr_assert(strstr(r.out, "open: yes"), "%s", r.out);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    cr_assert(leak_with_fd(rep, fd), "the parent's fd %d: %s", fd, json_dumps(rep, 0));
    json_decref(rep);
    run_free(&r);
}

/* Without a registry (not enough address space for it) exitguard steps
 * aside; its fork paths must too (they crashed _Fork and clone children). */
Test(process_edges, children_of_a_process_exitguard_could_not_start_in_run_normally)
{
    char script[512];
    snprintf(script, sizeof script, "ulimit -v 120000; exec %s fork-unmapped",
             build_path("tests/programs/process_edges"));
    struct run r;
    char *argv[] = {"/bin/sh", "-c", script, NULL};
    run_preloaded(&r, NULL, argv, NULL);
    cr_assert(strstr(r.out, "_Fork child: exit 0\nclone child: exit 7\n"), "%s%s", r.out, r.err);
    run_free(&r);
}

/* glibc's system gives SIGINT and SIGQUIT back when its thread is
 * cancelled in waitpid, and kills the shell: so must ours. */
Test(process_edges, a_thread_cancelled_in_system_gives_sigint_back, .timeout = 30)
{
    struct run r;
    run_edge(&r, NULL, "system-cancel", NULL);
    cr_assert(strstr(r.out, "cancelled\n"), "%s", r.out);
    cr_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGINT, "status %#x: %s%s",
              r.status, r.out, r.err);
    cr_assert(!strstr(r.err, "child process"), "the shell was killed and reaped: %s", r.err);
    run_free(&r);
}

/* The static/setuid check opens the file to run: a FIFO there must fail as
 * the real calls do (EACCES), not block the program for ever. */
Test(process_edges, spawning_a_fifo_fails_at_once, .timeout = 30)
{
    char fifo[] = "/tmp/exitguard-fifo.XXXXXX";
    cr_assert(mkdtemp(fifo));
    char path[64];
    snprintf(path, sizeof path, "%s/fifo", fifo);
    cr_assert(mkfifo(path, 0700) == 0);
    struct run r;
    run_edge(&r, NULL, "spawn-fifo", path);
    unlink(path);
    rmdir(fifo);
    cr_assert(strstr(r.out, "posix_spawn: Permission denied\nexecv: Permission denied\n"), "%s",
              r.out);
    run_free(&r);
}

/* A clone child that returns from its function ends as a process does:
 * with its report, not taken for one killed without it. */
Test(process_edges, a_clone_child_returning_writes_its_report, .timeout = 30)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--", (char *)build_path("tests/programs/process_edges"),
                                 "clone-return", NULL}, NULL);
    cr_assert(strstr(r.out, "clone child: exit 0"), "%s", r.out);
    cr_assert(strstr(r.err, "exitguard: 2 processes, no leaks"), "%s", r.err);
    cr_assert(!strstr(r.err, "without writing a report"), "%s", r.err);
    run_free(&r);
}
