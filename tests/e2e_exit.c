/* Every way a process ends gets its report, with how it ended; what the
 * program closes in its own atexit handlers and destructors is no leak. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "harness.h"

static json_t *end_of(const char *how, const char *code, struct run *r)
{
    char *argv[] = {(char *)build_path("tests/programs/ends"), (char *)how, (char *)code, NULL};
    run_preloaded(r, "log_dir={dir}", argv, NULL);
    cr_assert(WIFEXITED(r->status), "%s", r->err);
    cr_assert_eq(WEXITSTATUS(r->status), atoi(code), "the exit status is the program's");
    json_t *rep = report_of(r, r->pid);
    cr_assert(rep, "%s ended without a report: %s", how, r->err);
    return rep;
}

static void check(const char *how, const char *code, const char *reported_how, int leaks)
{
    struct run r;
    json_t *rep = end_of(how, code, &r);
    json_t *end = json_object_get(rep, "end");
    cr_assert_str_eq(json_string_value(json_object_get(end, "how")), reported_how, "%s", how);
    cr_assert_eq(json_integer_value(json_object_get(end, "status")), atoi(code), "%s", how);
    cr_assert_eq(json_array_size(json_object_get(rep, "leaks")), (size_t)leaks, "%s", how);
    if (leaks)
        cr_assert(leak_with_fd(rep, number_after(r.out, "fd ")));
    run_free(&r);
}

Test(exit, return_from_main) { check("return", "3", "exit", 1); }
Test(exit, exit_call) { check("exit", "4", "exit", 1); }
Test(exit, underscore_exit) { check("_exit", "5", "_exit", 1); }
Test(exit, underscore_Exit) { check("_Exit", "6", "_exit", 1); }
Test(exit, quick_exit) { check("quick_exit", "7", "quick_exit", 1); }
Test(exit, closed_by_an_atexit_handler_is_no_leak) { check("atexit-close", "0", "exit", 0); }
Test(exit, closed_by_a_destructor_is_no_leak) { check("destructor-close", "0", "exit", 0); }

Test(exit, report_file_is_private_complete_and_alone)
{
    struct run r;
    json_t *rep = end_of("return", "0", &r);
    cr_assert(rep);
    char path[400];
    snprintf(path, sizeof path, "%s/%d.json", r.dir, r.pid);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    json_t *all = all_reports(&r);
    cr_assert_eq(json_array_size(all), 1, "one report, no temporary left behind");
    run_free(&r);
}
