/* Programs under the library: what each leaks is reported, with its kind,
 * what it refers to, its flags and where it was acquired. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "harness.h"

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

/* The fd and line a program printed after `key` ("key <fd> <line>"). */
static void fd_and_line(const char *out, const char *key, int *fd, int *line)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\n%s ", key);
    char *text = NULL;
    if (asprintf(&text, "\n%s", out) < 0)
        cr_assert_fail();
    const char *p = strstr(text, pattern);
    cr_assert(p, "program did not print '%s':\n%s", key, out);
    cr_assert_eq(sscanf(p + strlen(pattern), "%d %d", fd, line), 2);
    free(text);
}

static void assert_leak(json_t *report, const char *out, const char *key,
                        const char *kind, const char *via, const char *source)
{
    int fd, line;
    fd_and_line(out, key, &fd, &line);
    json_t *leak = leak_with_fd(report, fd);
    cr_assert(leak, "%s (fd %d) is not reported", key, fd);
    cr_assert_str_eq(str(leak, "kind"), kind, "%s", key);
    if (via)
        cr_assert_str_eq(str(leak, "via"), via, "%s", key);
    cr_assert(stack_has(json_object_get(leak, "stack"), "main", source, line),
              "%s: stack does not point at %s:%d", key, source, line);
}

Test(fds, every_kind_is_reported_with_what_it_refers_to)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/leak_kinds"), NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "%s", r.err);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "no report; stderr: %s", r.err);
    const char *src = "leak_kinds.c";
    assert_leak(rep, r.out, "file", "file", "open", src);
    assert_leak(rep, r.out, "directory", "directory", "opendir", src);
    assert_leak(rep, r.out, "listener", "socket", "socket", src);
    assert_leak(rep, r.out, "accepted", "socket", "accept", src);
    assert_leak(rep, r.out, "socketpair", "socket", "socketpair", src);
    assert_leak(rep, r.out, "pipe-read", "pipe", "pipe", src);
    assert_leak(rep, r.out, "eventfd", "eventfd", "eventfd", src);
    assert_leak(rep, r.out, "timerfd", "timerfd", "timerfd_create", src);
    assert_leak(rep, r.out, "signalfd", "signalfd", "signalfd", src);
    assert_leak(rep, r.out, "epoll", "epoll", "epoll_create1", src);
    assert_leak(rep, r.out, "inotify", "inotify", "inotify_init1", src);
    assert_leak(rep, r.out, "memfd", "memfd", "memfd_create", src);

    int fd, line, port = number_after(r.out, "port ");
    fd_and_line(r.out, "file", &fd, &line);
    json_t *file = leak_with_fd(rep, fd);
    cr_assert_str_eq(str(file, "target"), "/etc/passwd");
    cr_assert(json_is_true(json_object_get(file, "cloexec")));
    cr_assert_str_eq(str(file, "flags"), "O_RDONLY");

    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
    fd_and_line(r.out, "listener", &fd, &line);
    json_t *sock = json_object_get(leak_with_fd(rep, fd), "socket");
    cr_assert_str_eq(str(sock, "family"), "AF_INET");
    cr_assert_str_eq(str(sock, "type"), "SOCK_STREAM");
    cr_assert_str_eq(str(sock, "local"), addr);
    fd_and_line(r.out, "client", &fd, &line);
    sock = json_object_get(leak_with_fd(rep, fd), "socket");
    cr_assert_str_eq(str(sock, "peer"), addr, "the client's peer is the listener");

    int rd, wr;
    fd_and_line(r.out, "pipe-read", &rd, &line);
    fd_and_line(r.out, "pipe-write", &wr, &line);
    json_t *pipe_info = json_object_get(leak_with_fd(rep, rd), "pipe");
    cr_assert_eq(json_integer_value(json_object_get(pipe_info, "other_end_fd")), wr);
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), 15, "exactly what was leaked");
    run_free(&r);
}

Test(fds, a_program_that_releases_everything_prints_nothing)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/clean"), NULL};
    run_preloaded(&r, NULL, argv, NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
    cr_assert_str_eq(r.out, "clean\n");
    cr_assert_str_empty(r.err, "a clean program printed:\n%s", r.err);
    run_free(&r);
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep);
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), 0, "%s", json_dumps(rep, 0));
    cr_assert_eq(json_array_size(json_object_get(rep, "errors")), 0, "%s", json_dumps(rep, 0));
    run_free(&r);
}

Test(fds, text_report_on_stderr_points_at_the_source_line)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/leak_one"), NULL};
    run_preloaded(&r, NULL, argv, NULL);
    int fd = number_after(r.out, "fd "), line = number_after(r.out, "line ");
    char want[128];
    snprintf(want, sizeof want, "fd %d: file /etc/passwd (O_RDONLY, no O_CLOEXEC), opened by open\n", fd);
    cr_assert(strstr(r.err, want), "%s", r.err);
    snprintf(want, sizeof want, " in main tests/programs/leak_one.c:%d (", line);
    cr_assert(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    cr_assert(strstr(r.err, "SUMMARY: exitguard: 1 fd leaked, 0 fd misuses"), "%s", r.err);
    run_free(&r);
}

Test(fds, fortified_open_is_seen_as___open_2)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/fortified"), NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    json_t *leak = leak_with_fd(report_of(&r, r.pid), number_after(r.out, "fd "));
    cr_assert(leak, "%s", r.err);
    cr_assert_str_eq(str(leak, "via"), "__open_2");
    run_free(&r);
}

Test(fds, stripped_binary_still_gives_module_and_offset)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/stripped"), NULL};
    run_preloaded(&r, NULL, argv, NULL);
    char want[256];
    snprintf(want, sizeof want, "(%s+0x", build_path("tests/programs/stripped"));
    cr_assert(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    run_free(&r);
}

Test(fds, streams_and_temporary_files)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/stdio"), NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    assert_leak(rep, r.out, "fopen", "file", "fopen", "stdio.c");
    assert_leak(rep, r.out, "freopen", "file", "freopen", "stdio.c");
    assert_leak(rep, r.out, "tmpfile", "file", "tmpfile", "stdio.c");
    assert_leak(rep, r.out, "mkstemp", "file", "mkstemp", "stdio.c");
    assert_leak(rep, r.out, "fdopen", "file", "open", "stdio.c");
    assert_leak(rep, r.out, "fdopendir", "directory", "open", "stdio.c");
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), 6);
    run_free(&r);
}

Test(fds, an_fd_received_over_a_unix_socket_is_acquired)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/scm_rights"), NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    json_t *rep = report_of(&r, r.pid);
    assert_leak(rep, r.out, "received", "file", "recvmsg", "scm_rights.c");
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), 1, "the sent fd was closed");
    run_free(&r);
}

Test(fds, fds_inherited_at_start_are_not_leaks)
{
    /* sh opens fd 5 without O_CLOEXEC and execs the program: the program
     * starts with fd 5 open, and only its own fd is its leak */
    struct run r;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "exec 5</etc/group; exec %s", build_path("tests/programs/leak_one"));
    char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    cr_assert_null(leak_with_fd(rep, 5));
    cr_assert(leak_with_fd(rep, number_after(r.out, "fd ")));
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), 1);
    run_free(&r);
}

Test(fds, a_forked_child_reports_only_what_it_acquired)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/forks"), NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    int a = number_after(r.out, "parent "), b = number_after(r.out, "child ");
    pid_t child = number_after(r.out, "childpid ");
    json_t *parent = report_of(&r, r.pid), *kid = report_of(&r, child);
    cr_assert(parent && kid, "%s", r.err);
    cr_assert(leak_with_fd(parent, a));
    cr_assert_eq(json_array_size(json_object_get(parent, "leaks")), 1);
    cr_assert(leak_with_fd(kid, b));
    cr_assert_eq(json_array_size(json_object_get(kid, "leaks")), 1, "the parent's fd is not the child's leak");
    cr_assert_eq(json_integer_value(json_object_get(kid, "ppid")), r.pid);
    run_free(&r);
}

Test(fds, real_programs_python_and_bash)
{
    struct run r;
    char *py[] = {"/usr/bin/python3", "-c",
                  "import os; fd = os.open('/etc/passwd', os.O_RDONLY); print('fd', fd)", NULL};
    run_preloaded(&r, "log_dir={dir}", py, NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "%s", r.err);
    json_t *leak = leak_with_fd(report_of(&r, r.pid), number_after(r.out, "fd "));
    cr_assert(leak, "python's os.open leak not reported");
    cr_assert_str_eq(str(leak, "target"), "/etc/passwd");
    run_free(&r);

    char *sh[] = {"/bin/bash", "-c", "exec 7</etc/passwd; echo done", NULL};
    run_preloaded(&r, "log_dir={dir}", sh, NULL);
    cr_assert_str_eq(r.out, "done\n");
    leak = leak_with_fd(report_of(&r, r.pid), 7);
    cr_assert(leak, "bash's exec 7< not reported");
    run_free(&r);
}

Test(fds, raw_syscall_close_and_standard_streams_are_not_leaks)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/raw_close"), NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), 0, "%s", json_dumps(rep, 0));
    json_t *unseen = json_object_get(rep, "closed_unseen");
    cr_assert_eq(json_array_size(unseen), 1);
    cr_assert_eq(json_integer_value(json_array_get(unseen, 0)), number_after(r.out, "raw "));
    run_free(&r);
}

Test(fds, one_call_site_reached_two_ways_keeps_both_stacks)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/two_paths"), NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    json_t *a = leak_with_fd(rep, number_after(r.out, "first "));
    json_t *b = leak_with_fd(rep, number_after(r.out, "second "));
    cr_assert(a && b);
    cr_assert(stack_has(json_object_get(a, "stack"), "first_caller", NULL, 0));
    cr_assert(!stack_has(json_object_get(a, "stack"), "second_caller", NULL, 0));
    cr_assert(stack_has(json_object_get(b, "stack"), "second_caller", NULL, 0),
              "the second path got the first path's stack");
    run_free(&r);
}

static void early_open(const char *order, int first_is_exitguard)
{
    struct run r;
    char script[1024], note[300];
    run_scratch(&r);
    snprintf(note, sizeof note, "%s/early", r.dir);
    const char *eg = build_path("libexitguard.so"), *early = build_path("tests/programs/libearly_open.so");
    snprintf(script, sizeof script,
             "EARLY_FD_FILE=%s EXITGUARD_OPTIONS=log_dir=%s LD_PRELOAD='%s %s' exec %s",
             note, r.dir, first_is_exitguard ? eg : early, first_is_exitguard ? early : eg,
             build_path("tests/programs/leak_one"));
    struct run s;
    run_plain(&s, (char *[]){"/bin/sh", "-c", script, NULL}, NULL);
    cr_assert(WIFEXITED(s.status) && WEXITSTATUS(s.status) == 0, "%s: %s", order, s.err);
    FILE *f = fopen(note, "r");
    int fd = -1;
    cr_assert(f && fscanf(f, "early %d", &fd) == 1, "%s: the early library did not run", order);
    fclose(f);
    unlink(note);
    json_t *rep = report_of(&r, s.pid);
    cr_assert(rep, "%s: no report: %s", order, s.err);
    cr_assert(leak_with_fd(rep, fd), "%s: the fd opened in another library's constructor is not tracked", order);
    cr_assert(leak_with_fd(rep, number_after(s.out, "fd ")));
    run_free(&s);
    run_free(&r);
}

Test(fds, fd_opened_in_another_librarys_constructor_exitguard_first) { early_open("exitguard first", 1); }
Test(fds, fd_opened_in_another_librarys_constructor_exitguard_second) { early_open("exitguard second", 0); }

Test(fds, a_vfork_child_and_its_parent_keep_the_signal_mask_they_had)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/vforks"), "masks", NULL};
    run_preloaded(&r, "", argv, NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "%s", r.err);
    cr_assert(strstr(r.out, "some 1 1 all 1 1"), "%s", r.out);
    run_free(&r);
}

Test(fds, a_vfork_child_cannot_erase_or_speak_for_its_parent)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/vforks"), NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "%s", r.err);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    json_t *end = json_object_get(rep, "end");
    cr_assert_str_eq(json_string_value(json_object_get(end, "how")), "exit",
                     "the parent's report was written by its vfork child");
    cr_assert(leak_with_fd(rep, number_after(r.out, "leak ")),
              "the child's close erased the parent's leak");
    run_free(&r);
}

/* libuv's probe: a real vfork, the child's store seen by the parent, as
 * natively; with and without a registry file. */
Test(fds, a_vfork_child_shares_its_parents_memory)
{
    const char *options[] = {NULL, "log_dir={dir}"};
    for (int i = 0; i < 2; i++) {
        struct run r;
        char *argv[] = {(char *)build_path("tests/programs/vforks"), "shares", NULL};
        run_preloaded(&r, options[i], argv, NULL);
        cr_assert_eq(exit_code(&r), 0, "%s", r.err);
        cr_assert_str_eq(r.out, "shared 1\n", "%s", options[i] ? options[i] : "stderr");
        run_free(&r);
    }
}

/* The child's exec report comes from the parent's registry, under the
 * child's pid: the parent's fd without O_CLOEXEC crosses (with where the
 * parent opened it), the one the child dup2'ed into place does not. */
Test(fds, a_vfork_child_reports_what_its_exec_hands_on)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/vforks"), "exec", NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int child = number_after(r.out, "child "), leak = number_after(r.out, "leak ");
    cr_assert_eq(number_after(r.out, "status "), 0, "%s", r.out);
    json_t *rep = report_of(&r, child);
    cr_assert(rep, "no exec report of the vfork child %d: %s", child, r.err);
    json_t *end = json_object_get(rep, "end");
    cr_assert_str_eq(json_string_value(json_object_get(end, "how")), "exec");
    cr_assert_eq(json_integer_value(json_object_get(rep, "ppid")), r.pid);
    json_t *crossing = leak_with_fd(rep, leak);
    cr_assert(crossing, "%s", json_dumps(rep, 0));
    cr_assert(stack_has(json_object_get(crossing, "stack"), "exec_report", "vforks.c", 0));
    cr_assert_null(leak_with_fd(rep, number_after(r.out, "passed ")), "dup2'ed into place: %s",
                   json_dumps(rep, 0));
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), 1, "%s", json_dumps(rep, 0));
    json_t *parent = report_of(&r, r.pid);
    cr_assert(parent, "%s", r.err);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(parent, "end"), "how")),
                     "exit", "the parent's end is its own");
    cr_assert_eq(json_array_size(json_object_get(parent, "leaks")), 0, "%s", json_dumps(parent, 0));
    run_free(&r);
}

/* A signal sent by the vfork child is pending when vfork returns: the
 * parent dies of it with its finalizer run and its report written, as
 * with fork. */
Test(fds, a_signal_from_a_vfork_child_ends_the_parent_as_usual)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/vforks"), "signal", NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    cr_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGTERM, "%s", r.err);
    cr_assert_str_eq(r.out, "finalizer ran\n");
    assert_killed_report(&r, 1);
    run_free(&r);
}

/* A vfork child whose exec report was written and whose exec failed
 * tells how it ended. */
Test(fds, a_vfork_child_whose_exec_fails_tells_its_end)
{
    char script[256];
    snprintf(script, sizeof script, "/tmp/exitguard-noexec-%d", (int)getpid());
    FILE *f = fopen(script, "w");
    cr_assert(f);
    fputs("not a program\n", f);
    fclose(f);
    chmod(script, 0755);
    struct run r;
    run_exitguard(&r, (char *[]){"--", (char *)build_path("tests/programs/vforks"), "exec-fails",
                                 script, NULL}, NULL);
    unlink(script);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    char want[96];
    snprintf(want, sizeof want, "(pid %d) called _exit(42)", number_after(r.out, "child "));
    cr_assert(strstr(r.err, want), "no '%s' in %s", want, r.err);
    run_free(&r);
}

/* A thread with a small stack vforks: the child's exec report runs on a
 * stack of its own (natively the child just execs). */
Test(fds, a_vfork_child_of_a_small_stack_thread_reports_and_execs)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/vforks"), "small-stack", NULL};
    run_preloaded(&r, NULL, argv, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert_str_eq(r.out, "status 0\n", "%s", r.err);
    cr_assert(strstr(r.err, "is executing /bin/true"), "the child's exec report: %s", r.err);
    run_free(&r);
}

/* The vfork child dies of SIGPIPE in the middle of its exec report (its
 * stderr is a pipe nobody reads): its parent goes on as natively. */
Test(fds, a_vfork_child_dying_in_its_report_leaves_the_parent_whole)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/vforks"), "report-dies", NULL};
    run_preloaded(&r, NULL, argv, NULL);
    cr_assert_eq(exit_code(&r), 0, "the parent ended as natively");
    cr_assert_str_eq(r.out, "child signal 13\n");
    run_free(&r);
}

Test(fds, fclose_of_a_stream_without_fd_leaves_errno_alone)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/edges"), "errno", NULL};
    run_preloaded(&r, NULL, argv, NULL);
    cr_assert_str_eq(r.out, "errno 0\n");
    run_free(&r);
}

Test(fds, refused_close_range_forgets_nothing)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/edges"), "close_range", NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    cr_assert_eq(number_after(r.out, "ret "), -1);
    cr_assert(leak_with_fd(report_of(&r, r.pid), number_after(r.out, "leak ")));
    run_free(&r);
}

Test(fds, a__Fork_child_reports_its_own_leak)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/edges"), "_Fork", NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    json_t *kid = report_of(&r, number_after(r.out, "child "));
    cr_assert(kid, "no report from the _Fork child");
    cr_assert_eq(json_array_size(json_object_get(kid, "leaks")), 1);
    cr_assert_eq(json_array_size(json_object_get(report_of(&r, r.pid), "leaks")), 0);
    run_free(&r);
}

Test(fds, no_report_is_written_into_a_file_the_program_put_on_fd_2)
{
    struct run r;
    char data[300];
    run_scratch(&r);
    snprintf(data, sizeof data, "%s/data", r.dir);
    struct run s;
    char *argv[] = {(char *)build_path("tests/programs/edges"), "stderr", data, NULL};
    run_preloaded(&s, NULL, argv, NULL);
    cr_assert_eq(number_after(s.out, "data fd "), 2);
    FILE *f = fopen(data, "r");
    char buf[256] = "";
    cr_assert(f);
    buf[fread(buf, 1, sizeof buf - 1, f)] = 0;
    fclose(f);
    cr_assert_str_eq(buf, "data\n", "the program's file holds only its own data");
    run_free(&s);
    run_free(&r);
}
