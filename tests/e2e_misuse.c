/* Misuse of fds is reported beside the leaks, with both stacks; the real
 * call still happens as the program asked. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

static void check(const char *what, const char *kind, int has_earlier)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/misuse"), (char *)what, NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "%s", r.err);
    int fd = number_after(r.out, "fd "), first = number_after(r.out, "first "),
        second = number_after(r.out, "second ");
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    json_t *e = error_of_kind(rep, kind, fd);
    cr_assert(e, "%s: no %s error for fd %d in %s", what, kind, fd, json_dumps(rep, 0));
    cr_assert(stack_has(json_object_get(e, "stack"), "main", "misuse.c", second),
              "%s: the misuse is at line %d", what, second);
    if (has_earlier)
        cr_assert(stack_has(json_object_get(e, "earlier_stack"), "main", "misuse.c", first),
                  "%s: the earlier stack is at line %d", what, first);
    cr_assert_eq(json_array_size(json_object_get(rep, "errors")), 1, "%s", json_dumps(rep, 0));
    run_free(&r);
}

Test(misuse, double_close_with_the_first_close) { check("double-close", "double_close", 1); }
Test(misuse, close_of_a_never_opened_fd) { check("never-opened", "close_never_opened", 0); }
Test(misuse, close_of_a_FILE_fd_with_where_it_was_opened) { check("close-file-fd", "close_stream_fd", 1); }
Test(misuse, dup2_onto_a_FILE_fd) { check("dup2-onto-file-fd", "close_stream_fd", 1); }
Test(misuse, close_of_a_DIR_fd) { check("close-dir-fd", "close_stream_fd", 1); }

/* A forked child carries a copy of its parent's misuse log: the misuse is
 * the parent's, reported once. */
Test(misuse, a_forked_child_does_not_report_its_parents_misuse)
{
    check("double-close-then-fork", "double_close", 1);
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/misuse"), "double-close-then-fork", NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    json_t *child = report_of(&r, number_after(r.out, "child "));
    cr_assert(child, "no report of the child: %s", r.err);
    cr_assert_eq(json_array_size(json_object_get(child, "errors")), 0, "%s", json_dumps(child, 0));
    json_decref(child);
    run_free(&r);
}

Test(misuse, text_report_says_what_and_where)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/misuse"), "double-close", NULL};
    run_preloaded(&r, NULL, argv, NULL);
    char want[64];
    snprintf(want, sizeof want, "error: double close of fd %d\n", number_after(r.out, "fd "));
    cr_assert(strstr(r.err, want), "%s", r.err);
    cr_assert(strstr(r.err, "first closed at:"), "%s", r.err);
    run_free(&r);
}
