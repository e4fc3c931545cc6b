/* A process has exactly one ending in every output: an exec report is
 * superseded by the later end of the same image (a signal inside the
 * exec, a failed exec), never shown beside it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static size_t documents_of(json_t *all, long pid)
{
    size_t i, n = 0;
    json_t *doc;
    json_array_foreach(all, i, doc)
        n += json_integer_value(json_object_get(doc, "pid")) == pid;
    return n;
}

static const char *end_field(json_t *report, const char *key)
{
    return json_string_value(json_object_get(json_object_get(report, "end"), key));
}

/* exec_end MODE [ARG] preloaded with exitguard and, after it, the library
 * that holds execve open (tests/preload/exec_pause.c) */
static void run_exec_end(struct run *r, struct run *dir, const char *mode, const char *arg)
{
    char preload[1200], options[400];
    run_scratch(dir);
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s %s", build_path("libexitguard.so"),
             build_path("tests/programs/libexec_pause.so"));
    snprintf(options, sizeof options, "EXITGUARD_OPTIONS=log_dir=%s", dir->dir);
    run_plain(r,
              (char *[]){(char *)build_path("tests/programs/exec_end"), (char *)mode,
                         (char *)arg, NULL},
              (char *[]){preload, options, NULL});
    cr_assert(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0, "%s: %s", mode, r->err);
}

Test(endings, a_signal_inside_an_exec_replaces_its_exec_report)
{
    struct run r, d;
    run_exec_end(&r, &d, "killed-starting", NULL);
    int child = number_after(r.out, "child ");
    cr_assert(strstr(r.out, "SIGTERM"), "%s", r.out);
    json_t *all = all_reports(&d);
    cr_assert_eq(documents_of(all, child), 1, "one ending for pid %d: %s", child,
                 json_dumps(all, JSON_INDENT(1)));
    json_decref(all);
    json_t *rep = report_of(&d, child);
    cr_assert_str_eq(end_field(rep, "how"), "signal");
    cr_assert_str_eq(end_field(rep, "starting"), "/bin/sleep", "%s", json_dumps(rep, 0));
    json_decref(rep);
    run_free(&r);
    run_free(&d);
}

Test(endings, a_failed_exec_withdraws_its_exec_report)
{
    struct run r, d;
    char script[300];
    run_scratch(&d);
    snprintf(script, sizeof script, "%s/no-interpreter", d.dir);
    FILE *f = fopen(script, "w");
    cr_assert(f);
    fputs("#!/nonexistent/interpreter\n", f);
    fclose(f);
    cr_assert(chmod(script, 0755) == 0);
    struct run dir;
    run_exec_end(&r, &dir, "failed-exec", script);
    int fd = number_after(r.out, "fd ");
    cr_assert_eq(number_after(r.out, "next "), fd + 1, "an fd left open by the failed exec: %s",
                 r.out);
    json_t *all = all_reports(&dir);
    cr_assert_eq(documents_of(all, r.pid), 1, "one ending: %s", json_dumps(all, JSON_INDENT(1)));
    json_decref(all);
    json_t *rep = report_of(&dir, r.pid);
    cr_assert_str_eq(end_field(rep, "how"), "exit");
    cr_assert_null(end_field(rep, "starting"), "the exec failed: it is not starting anything");
    cr_assert(leak_with_fd(rep, fd), "the fd it still holds at exit: %s", json_dumps(rep, 0));
    json_decref(rep);
    unlink(script);
    run_free(&r);
    run_free(&dir);
    run_free(&d);
}

Test(endings, the_command_says_the_one_ending_of_a_process_ended_inside_an_exec)
{
    struct run r;
    char json[300], preload[600];
    snprintf(json, sizeof json, "/tmp/exitguard-endings.%d.json", (int)getpid());
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s",
             build_path("tests/programs/libexec_pause.so"));
    run_exitguard(&r,
                  (char *[]){"--verbose", "--json", json, "--",
                             (char *)build_path("tests/programs/exec_end"), "killed-starting",
                             NULL},
                  (char *[]){preload, NULL});
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int child = number_after(r.out, "child ");
    json_t *doc = take_json(json);
    cr_assert_eq(documents_of(json_object_get(doc, "processes"), child), 1, "%s", r.err);
    cr_assert(!strstr(r.err, "exec'd /bin/sleep"), "the exec never happened: %s", r.err);
    char want[200];
    snprintf(want, sizeof want, "(pid %d) was ended by SIGTERM while starting /bin/sleep", child);
    cr_assert(strstr(r.err, want), "%s", r.err);
    json_decref(doc);
    run_free(&r);
}

/* A signal's exit sequence under way (terminating the child) when
 * another thread execs: without us the SIGTERM would have ended the
 * process first, so the exec waits for the end -- one ending, the
 * signal's, and the new program never runs. */
Test(endings, an_exec_while_the_process_ends_by_a_signal_waits_for_the_end)
{
    struct run r, d;
    char preload[600], options[400];
    run_scratch(&d);
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s", build_path("libexitguard.so"));
    snprintf(options, sizeof options, "EXITGUARD_OPTIONS=log_dir=%s:children=term", d.dir);
    run_plain(&r,
              (char *[]){(char *)build_path("tests/programs/exec_end"), "exec-while-ending",
                         NULL},
              (char *[]){preload, options, NULL});
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "%s", r.err);
    int worker = number_after(r.out, "worker ");
    cr_assert(strstr(r.out, "SIGTERM") && !strstr(r.out, "outlived"), "%s", r.out);
    json_t *all = all_reports(&d);
    cr_assert_eq(documents_of(all, worker), 1, "one ending for pid %d: %s", worker,
                 json_dumps(all, JSON_INDENT(1)));
    json_decref(all);
    json_t *rep = report_of(&d, worker);
    cr_assert_str_eq(end_field(rep, "how"), "signal", "%s", json_dumps(rep, 0));
    json_decref(rep);
    run_free(&r);
    run_free(&d);
}

/* The same child, ended before or after its exec: what a rule matches
 * is the program it was started as (here the forking program), the same
 * both times; what it became is in the words only. */
static json_t *run_child_left(const char *when, const char *supp, int *code)
{
    struct run r;
    char preload[600], json[300];
    snprintf(json, sizeof json, "/tmp/exitguard-endings.%d.json", (int)getpid());
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s",
             build_path("tests/programs/libexec_pause.so"));
    run_exitguard(&r,
                  (char *[]){"--error-exitcode", "7", "--suppressions", (char *)supp, "--json",
                             json, "--", (char *)build_path("tests/programs/exec_end"),
                             "child-left", (char *)when, NULL},
                  (char *[]){preload, NULL});
    *code = exit_code(&r);
    cr_assert(strstr(r.out, "child "), "%s: %s", when, r.err);
    run_free(&r);
    return take_json(json);
}

static json_t *started_as(json_t *doc)
{
    json_t *child = json_array_get(json_object_get(json_array_get(json_object_get(doc, "processes"), 0), "children"), 0);
    return json_array_get(json_object_get(child, "started_as"), 0); /* the program */
}

Test(endings, a_child_finding_is_known_by_the_program_it_was_started_as)
{
    char supp[300];
    snprintf(supp, sizeof supp, "/tmp/exitguard-endings.%d.supp", (int)getpid());
    FILE *f = fopen(supp, "w");
    cr_assert(f);
    fputs("process:sleep\n", f); /* what it became, when it got that far */
    fclose(f);
    int reached, held;
    json_t *a = run_child_left("exec'd", supp, &reached), *b = run_child_left("paused", supp, &held);
    cr_assert_eq(reached, held, "the same rule, the same verdict, however far the child got");
    cr_assert_eq(reached, 7, "a forked child is not known by what it exec'd");
    cr_assert(started_as(a) && json_equal(started_as(a), started_as(b)), "%s\n%s",
              json_dumps(a, 0), json_dumps(b, 0));
    json_decref(a);
    json_decref(b);
    unlink(supp);
}

/* Pid and start time name a process: a pid reused in the run is another
 * process, never a later image of the first one to have it. */
Test(endings, a_reused_pid_is_another_process)
{
    if (geteuid() != 0)
        cr_skip_test("needs root: the pid is chosen through ns_last_pid");
    struct run r;
    char json[300];
    snprintf(json, sizeof json, "/tmp/exitguard-endings.%d.json", (int)getpid());
    run_exitguard(&r,
                  (char *[]){"--json", json, "--", (char *)build_path("tests/programs/pid_reuse"),
                             NULL},
                  NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    if (strstr(r.out, "no reuse"))
        cr_skip_test("the pid was taken by another process");
    int pid = number_after(r.out, "pid ");
    json_t *doc = take_json(json);
    /* the program, A, and each child forked to get A's pid */
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "totals"), "processes")),
                 2 + number_after(r.out, "forks "), "%s\n%s", r.out, r.err);
    char want[300];
    /* the first: the exec handing /etc/hostname, then /bin/true's exit */
    snprintf(want, sizeof want, "pid_reuse -> true (pid %d) exited with status 0:\n"
                                "    exec'd /bin/true handing it 1 fd", pid);
    cr_assert(strstr(r.err, want), "%s", r.err);
    /* the second, on its own, with the file it left open */
    snprintf(want, sizeof want, "pid_reuse (pid %d) called _exit(0):\n"
                                "    fd 3: file /etc/passwd", pid);
    cr_assert(strstr(r.err, want), "%s", r.err);
    size_t i;
    json_t *p;
    json_int_t first = 0;
    json_array_foreach(json_object_get(doc, "processes"), i, p) {
        if (json_integer_value(json_object_get(p, "pid")) != pid)
            continue;
        json_int_t started = json_integer_value(json_object_get(p, "start_time"));
        cr_assert(started > 0, "every document says when its process started");
        if (!first)
            first = started;
        if (strcmp(json_string_value(json_object_get(json_object_get(p, "end"), "how")), "_exit") == 0)
            cr_assert_gt(started, first, "the second process started later");
    }
    json_decref(doc);
    run_free(&r);
}

/* An exec that changes uid: the new image cannot take its old image's
 * registry file over and makes its own; SIGKILLed, it leaves both.  They
 * are one process (one pid, one start time), with one ending. */
Test(endings, a_uid_changing_exec_that_dies_is_one_process)
{
    if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0)
        cr_skip_test("needs root and setpriv (CI runs as root)");
    struct run r;
    char json[300], dir[] = "/tmp/exitguard-setuid.XXXXXX", prog[400], script[1200];
    cr_assert(mkdtemp(dir) && chmod(dir, 01777) == 0);
    snprintf(json, sizeof json, "%s/merged.json", dir);
    /* nobody must be able to run it: a copy outside the build tree */
    snprintf(prog, sizeof prog, "%s/postmortem", dir);
    snprintf(script, sizeof script, "cp %s %s && chmod 755 %s",
             build_path("tests/programs/postmortem"), prog, prog);
    cr_assert(system(script) == 0);
    snprintf(script, sizeof script,
             "exec 3</etc/hostname; exec setpriv --reuid=65534 --regid=65534 --clear-groups "
             "%s die %s", prog, dir);
    run_exitguard(&r, (char *[]){"--json", json, "--", "/bin/sh", "-c", script, NULL}, NULL);
    int pid = number_after(r.out, "pid ");
    cr_assert(pid > 0, "%s", r.err);
    json_t *doc = take_json(json);
    size_t i, endings = 0, documents = 0;
    json_t *p;
    json_array_foreach(json_object_get(doc, "processes"), i, p) {
        if (json_integer_value(json_object_get(p, "pid")) != pid)
            continue;
        documents++;
        endings += strcmp(json_string_value(json_object_get(json_object_get(p, "end"), "how")),
                          "exec") != 0;
    }
    cr_assert_eq(endings, 1, "one ending for pid %d:\n%s", pid, r.err);
    cr_assert_eq(documents, 2, "the shell's exec of setpriv, and the end");
    /* the shell-then-setpriv-then-program process, and its sleeping child */
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "totals"), "processes")),
                 2, "%s", r.err);
    json_decref(doc);
    run_free(&r);
    snprintf(script, sizeof script, "rm -rf %s", dir);
    cr_assert(system(script) == 0);
}
