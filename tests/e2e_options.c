/* Bad options and bad paths: one clear line, and nothing is lost. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

Test(options_e2e, unknown_key_gets_one_line_and_the_program_runs)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/ends"), "return", "9", NULL};
    run_preloaded(&r, "stak_depth=3:report=none", argv, NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 9);
    cr_assert_str_eq(r.err, "exitguard: EXITGUARD_OPTIONS: unknown option 'stak_depth' "
                            "(did you mean 'stack_depth'?); ignored\n");
    cr_assert(strstr(r.out, "fd "), "the program's own output is intact");
    run_free(&r);
}

Test(options_e2e, unwritable_log_dir_falls_back_to_stderr)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/ends"), "return", "4", NULL};
    run_preloaded(&r, "log_dir=/proc/version/nope", argv, NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 4, "exit status untouched");
    cr_assert(strstr(r.err, "exitguard: cannot write report in log_dir '/proc/version/nope': "),
              "%s", r.err);
    cr_assert(strstr(r.err, "opened by open"), "the findings still reach stderr:\n%s", r.err);
    run_free(&r);
}

Test(options_e2e, stack_depth_zero_records_no_stack)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/leak_one"), NULL};
    run_preloaded(&r, "log_dir={dir}:stack_depth=0", argv, NULL);
    json_t *leak = leak_with_fd(report_of(&r, r.pid), number_after(r.out, "fd "));
    cr_assert(leak);
    cr_assert_eq(json_array_size(json_object_get(leak, "stack")), 0);
    run_free(&r);
}

Test(options_e2e, report_none_and_json_on_stderr)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/leak_one"), NULL};
    run_preloaded(&r, "report=none", argv, NULL);
    cr_assert_str_empty(r.err);
    run_free(&r);
    run_preloaded(&r, "report=json", argv, NULL);
    json_error_t e;
    json_t *doc = json_loads(r.err, 0, &e);
    cr_assert(doc, "stderr is not one JSON document: %s", r.err);
    cr_assert_eq(json_array_size(json_object_get(doc, "leaks")), 1);
    run_free(&r);
}

Test(options_e2e, help_lists_the_options_and_the_docs_document_each)
{
    struct run r;
    char *argv[] = {"/bin/true", NULL};
    run_preloaded(&r, "help=1", argv, NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
    cr_assert_gt(lines(r.err), 4);
    /* the EXITGUARD_OPTIONS table lives in the library's page */
    FILE *f = fopen("docs/library.md", "r");
    cr_assert(f, "run from the top of the tree");
    static char doc[1 << 20]; /* the whole page, however it grows */
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    cr_assert(feof(f), "docs/library.md is larger than %zu bytes", sizeof doc - 1);
    doc[n] = 0;
    fclose(f);
    for (char *line = strtok(r.err, "\n"); line; line = strtok(NULL, "\n")) {
        char name[64];
        if (strncmp(line, "  ", 2) != 0 || sscanf(line, " %63[a-z_]=", name) != 1)
            continue; /* not an option line */
        char row[80];
        snprintf(row, sizeof row, "| `%s` |", name);
        cr_assert(strstr(doc, row), "docs/library.md's options table lacks %s", name);
    }
    run_free(&r);
}
