/* exec: an fd handed to the new program by accident (no FD_CLOEXEC, not
 * put in place with dup2 or F_SETFD) is reported as leaked across exec, with
 * where it was opened; and the new program runs under exitguard too, even
 * when the program passes exec a scrubbed environment. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static void run_execs(struct run *r, const char *mode, const char *arg, const char *arg2)
{
    char *argv[] = {(char *)build_path("tests/programs/execs"), (char *)mode, (char *)arg,
                    (char *)arg2, NULL};
    run_preloaded(r, "log_dir={dir}", argv, NULL);
    cr_assert(WIFEXITED(r->status), "%s: %s", mode, r->err);
}

/* The report of the process's end by `how` ("exec", "exit"); the exec'd
 * program reports under the same pid, so it is found by how it ended. */
static json_t *report_ending(struct run *r, const char *how)
{
    json_t *all = all_reports(r), *rep, *found = NULL;
    size_t i;
    json_array_foreach(all, i, rep) {
        if (strcmp(str(json_object_get(rep, "end"), "how"), how) == 0) {
            cr_assert(!found, "two reports ending by %s", how);
            found = rep;
        }
    }
    return found;
}

/* The exec report names `path` (a bare name: a path ending in /name,
 * found by a search or through an fd) and lists the fd the program printed ("fd N line L"), opened
 * by open at that line of execs.c; the new program does not call it its
 * leak (it inherited it). */
static void assert_leaked_across_exec(struct run *r, const char *path)
{
    int fd = number_after(r->out, "fd "), line = number_after(r->out, "line ");
    json_t *rep = report_ending(r, "exec");
    cr_assert(rep, "no exec report; stdout: %s stderr: %s", r->out, r->err);
    const char *shown = str(json_object_get(rep, "end"), "path");
    size_t n = strlen(shown), k = strlen(path);
    if (!strchr(path, '/'))
        cr_assert(n > k && shown[n - k - 1] == '/' && !strcmp(shown + n - k, path),
                  "exec of %s reported as %s", path, shown);
    else
        cr_assert_str_eq(shown, path);
    json_t *leak = leak_with_fd(rep, fd);
    cr_assert(leak, "fd %d not in the exec report: %s", fd, json_dumps(rep, 0));
    cr_assert_str_eq(str(leak, "via"), "open");
    cr_assert(stack_has(json_object_get(leak, "stack"), "main", "execs.c", line),
              "stack does not point at execs.c:%d", line);
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), 1, "%s", json_dumps(rep, 0));
    json_t *after = report_ending(r, "exit");
    cr_assert(after, "the new program ran without exitguard");
    cr_assert_str_eq(str(after, "exe"), "/usr/bin/true");
    cr_assert_eq(json_array_size(json_object_get(after, "leaks")), 0, "inherited, not leaked");
}

static void assert_no_exec_report(struct run *r)
{
    json_t *rep = report_ending(r, "exec");
    cr_assert(!rep, "unexpected exec report: %s", rep ? json_dumps(rep, 0) : "");
}

Test(exec, an_fd_without_cloexec_is_reported_with_where_it_was_opened)
{
    struct run r;
    run_execs(&r, "leak", "execv", NULL);
    cr_assert_eq(WEXITSTATUS(r.status), 0, "/bin/true ran: %s", r.err);
    assert_leaked_across_exec(&r, "/bin/true");
    run_free(&r);
}

Test(exec, every_variant_reports)
{
    static const char *const variants[][2] = {
        {"execl", "/bin/true"}, {"execle", "/bin/true"},  {"execv", "/bin/true"},
        {"execve", "/bin/true"}, {"execlp", "true"},     {"execvp", "true"},
        {"execvpe", "true"},    {"fexecve", "true"},    {"execveat", "true"},
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        struct run r;
        run_execs(&r, "leak", variants[i][0], NULL);
        cr_assert_eq(WEXITSTATUS(r.status), 0, "%s: %s", variants[i][0], r.err);
        assert_leaked_across_exec(&r, variants[i][1]);
        run_free(&r);
    }
}

Test(exec, an_fd_of_the_parent_carried_by_a_forked_child_into_exec_is_reported)
{
    struct run r;
    run_execs(&r, "fork-leak", NULL, NULL);
    cr_assert_eq(WEXITSTATUS(r.status), 0, "%s", r.err);
    int fd = number_after(r.out, "fd "), line = number_after(r.out, "line ");
    json_t *rep = report_ending(&r, "exec");
    cr_assert(rep, "no exec report: %s", r.err);
    cr_assert_neq(json_integer_value(json_object_get(rep, "pid")), r.pid, "the child's");
    json_t *leak = leak_with_fd(rep, fd);
    cr_assert(leak, "%s", json_dumps(rep, 0));
    cr_assert(stack_has(json_object_get(leak, "stack"), "main", "execs.c", line));
    run_free(&r);
}

static void check_not_reported(const char *mode)
{
    struct run r;
    run_execs(&r, mode, NULL, NULL);
    cr_assert_eq(WEXITSTATUS(r.status), 0, "%s: %s", mode, r.err);
    cr_assert(report_ending(&r, "exit"), "%s: the new program did not run", mode);
    assert_no_exec_report(&r);
    run_free(&r);
}

Test(exec, an_fd_with_cloexec_is_not_reported) { check_not_reported("cloexec"); }
Test(exec, an_fd_dup2ed_into_place_for_the_child_is_not_reported) { check_not_reported("dup2"); }
Test(exec, cloexec_cleared_with_fcntl_is_not_reported) { check_not_reported("setfd"); }
Test(exec, cloexec_cleared_with_ioctl_fionclex_is_not_reported) { check_not_reported("fionclex"); }

Test(exec, cloexec_set_again_takes_the_handing_over_back)
{
    struct run r;
    run_execs(&r, "taken-back", NULL, NULL);
    assert_leaked_across_exec(&r, "/bin/true");
    run_free(&r);
}

Test(exec, a_number_passed_then_reopened_is_a_leak_again)
{
    struct run r;
    run_execs(&r, "reused", NULL, NULL);
    cr_assert(strstr(r.out, "reused 1"), "%s", r.out);
    assert_leaked_across_exec(&r, "/bin/true");
    run_free(&r);
}

Test(exec, execvp_of_a_missing_command_reports_nothing_and_the_program_goes_on)
{
    struct run r;
    run_execs(&r, "not-found", NULL, NULL);
    cr_assert_eq(WEXITSTATUS(r.status), 0, "%s", r.err);
    cr_assert(strstr(r.out, "execvp -1 ENOENT\nwent on\n"), "%s", r.out);
    assert_no_exec_report(&r);
    json_t *rep = report_ending(&r, "exit");
    cr_assert(rep && leak_with_fd(rep, number_after(r.out, "fd ")),
              "still tracked, and leaked at exit");
    run_free(&r);
}

Test(exec, an_empty_environment_still_runs_the_program_under_exitguard)
{
    struct run r;
    const char *leak_one = build_path("tests/programs/leak_one");
    run_execs(&r, "scrubbed", leak_one, NULL);
    cr_assert_eq(WEXITSTATUS(r.status), 0, "%s", r.err);
    json_t *rep = report_ending(&r, "exit");
    cr_assert(rep, "leak_one reported nothing in log_dir; stderr: %s", r.err);
    cr_assert_str_eq(str(rep, "exe"), leak_one);
    int fd = number_after(r.out, "fd "), line = number_after(r.out, "line ");
    json_t *leak = leak_with_fd(rep, fd);
    cr_assert(leak, "leak_one's leak is not reported: %s", json_dumps(rep, 0));
    cr_assert(stack_has(json_object_get(leak, "stack"), "main", "leak_one.c", line));
    assert_no_exec_report(&r);
    run_free(&r);
}

/* Preloaded by a relative name (LD_PRELOAD=./libexitguard.so, from the
 * build directory), a program that changes directory and then runs one
 * with an empty environment: the LD_PRELOAD put back must still find the
 * library from there, so it is made absolute. */
Test(exec, a_relative_preload_put_back_after_a_cd_is_absolute)
{
    struct run r;
    const char *leak_one = build_path("tests/programs/leak_one");
    char *script = "cd \"$1\" && LD_PRELOAD=./libexitguard.so EXITGUARD_OPTIONS=log_dir=\"$2\" "
                   "exec ./tests/programs/execs cd-scrubbed \"$3\"";
    run_plain(&r, (char *[]){"/bin/sh", "-c", script, "sh", (char *)build_path("."), "{dir}",
                             (char *)leak_one, NULL},
              NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert(!strstr(r.err, "cannot be preloaded"), "%s", r.err);
    json_t *rep = report_ending(&r, "exit");
    cr_assert(rep, "leak_one reported nothing in log_dir; stderr: %s", r.err);
    cr_assert_str_eq(str(rep, "exe"), leak_one);
    cr_assert(leak_with_fd(rep, number_after(r.out, "fd ")), "%s", json_dumps(rep, 0));
    run_free(&r);
}

/* How many lines of `out` start with `prefix`. */
static int lines_starting(const char *out, const char *prefix)
{
    int n = 0;
    for (const char *p = out; *p;) {
        n += strncmp(p, prefix, strlen(prefix)) == 0;
        const char *end = strchr(p, '\n');
        p = end ? end + 1 : p + strlen(p);
    }
    return n;
}

static char *options_line(struct run *r)
{
    static char line[600];
    snprintf(line, sizeof line, "EXITGUARD_OPTIONS=log_dir=%s\n", r->dir);
    return line;
}

Test(exec, an_envp_with_our_preload_is_completed_not_duplicated)
{
    struct run r;
    const char *self = build_path("tests/programs/execs");
    run_execs(&r, "keep-env", self, NULL);
    char *want;
    cr_assert(asprintf(&want, "EG_TEST=1\nLD_PRELOAD=%s\n%s", build_path("libexitguard.so"),
                       options_line(&r)) > 0);
    cr_assert_str_eq(r.out, want, "the rest of envp untouched, in order");
    free(want);
    run_free(&r);
}

Test(exec, an_envp_preloading_another_library_gets_ours_too)
{
    struct run r;
    const char *self = build_path("tests/programs/execs");
    const char *other = build_path("tests/programs/libearly_open.so");
    run_execs(&r, "other-preload", self, other);
    char ours[PATH_MAX], *want;
    cr_assert(realpath(build_path("libexitguard.so"), ours));
    cr_assert(asprintf(&want, "LD_PRELOAD=%s:%s\n%s", ours, other, options_line(&r)) > 0);
    cr_assert_str_eq(r.out, want, "ours first, theirs kept");
    free(want);
    cr_assert(report_ending(&r, "exit"), "the new program ran without exitguard");
    run_free(&r);
}

Test(exec, variables_the_program_unset_are_put_back_once)
{
    struct run r;
    const char *self = build_path("tests/programs/execs");
    run_execs(&r, "unset", self, NULL);
    cr_assert_eq(WEXITSTATUS(r.status), 0, "%s", r.err);
    cr_assert_eq(lines_starting(r.out, "PATH="), 1, "%s", r.out);
    char *preload;
    cr_assert(asprintf(&preload, "LD_PRELOAD=%s\n", build_path("libexitguard.so")) > 0);
    cr_assert(strstr(r.out, preload), "%s", r.out);
    free(preload);
    cr_assert(strstr(r.out, options_line(&r)), "%s", r.out);
    cr_assert_eq(lines_starting(r.out, "LD_PRELOAD="), 1, "%s", r.out);
    cr_assert_eq(lines_starting(r.out, "EXITGUARD_OPTIONS="), 1, "%s", r.out);
    cr_assert_eq(lines_starting(r.out, ""), 3, "nothing else: %s", r.out);
    run_free(&r);
}

Test(exec, long_argument_lists_and_environments_pass_whole)
{
    struct run r;
    const char *self = build_path("tests/programs/execs");
    run_execs(&r, "long", self, NULL);
    cr_assert_eq(WEXITSTATUS(r.status), 0, "%s", r.err);
    cr_assert(!strncmp(r.out, "argc 302\n", 9), "%.40s", r.out);
    cr_assert_eq(lines_starting(r.out, "EG_VAR"), 400);
    cr_assert_eq(lines_starting(r.out, "LD_PRELOAD="), 1, "put back");
    cr_assert_eq(lines_starting(r.out, "EXITGUARD_OPTIONS="), 1);
    cr_assert(report_ending(&r, "exit"), "the new program ran without exitguard");
    run_free(&r);
}
