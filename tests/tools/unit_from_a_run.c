/* The formats fed a real --json document: build/exitguard running
 * leak_one (an fd opened at tests/programs/leak_one.c:9 and never closed),
 * from the top of the tree as make check runs it. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "fixtures.h"
#include "gen_suppressions.h"
#include "junit.h"
#include "sarif.h"
#include "suppressions.h"

static json_t *processes;

static void run_leak_one(void)
{
    const char *path = scratch_file(".json");
    char command[512];
    snprintf(command, sizeof command,
             "build/exitguard --quiet --json %s -- build/tests/programs/leak_one >/dev/null 2>&1",
             path);
    cr_assert_eq(system(command), 0);
    char error[512] = "";
    processes = load_baseline(path, error, sizeof error);
    cr_assert(processes, "%s", error);
    unlink(path);
}

static void release(void)
{
    json_decref(processes);
}

TestSuite(from_a_run, .init = run_leak_one, .fini = release);

Test(from_a_run, sarif_points_at_leak_one_line_9)
{
    char cwd[4096];
    cr_assert(getcwd(cwd, sizeof cwd));
    json_t *sarif = sarif_document(processes, cwd, "test", NULL);
    json_t *result = json_array_get(json_object_get(json_array_get(json_object_get(sarif, "runs"), 0),
                                                    "results"), 0);
    cr_assert(result, "%s", json_dumps(sarif, 0));
    json_t *where = json_object_get(json_array_get(json_object_get(result, "locations"), 0),
                                    "physicalLocation");
    json_t *artifact = json_object_get(where, "artifactLocation");
    cr_assert_str_eq(json_string_value(json_object_get(artifact, "uri")), "tests/programs/leak_one.c");
    cr_assert_str_eq(json_string_value(json_object_get(artifact, "uriBaseId")), "SRCROOT");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(where, "region"), "startLine")), 9);
    json_decref(sarif);
}

Test(from_a_run, a_run_is_its_own_baseline)
{
    json_t *now = json_deep_copy(processes);
    cr_assert_eq(subtract_baseline(now, processes), 1);
    json_decref(now);
}

Test(from_a_run, generated_suppressions_suppress_the_leak)
{
    char *text = printed(print_generated_suppressions, processes);
    cr_assert(strstr(text, "\nfd:main\n"), "%s", text);
    struct suppressions rules = {0};
    char error[256] = "";
    cr_assert_eq(parse_suppressions(&rules, text, "generated", error, sizeof error), 0, "%s", error);
    json_t *now = json_deep_copy(processes);
    cr_assert_eq(apply_suppressions(&rules, now), 1);
    free_suppressions(&rules);
    json_decref(now);
    free(text);
}

static void print(FILE *to, json_t *reports)
{
    cr_assert_eq(print_junit(to, reports), 0);
}

Test(from_a_run, junit_has_one_failing_case)
{
    char *xml = printed(print, processes);
    json_t *junit = junit_structure(xml);
    cr_assert(junit, "not well-formed XML:\n%s", xml);
    json_t *suite = json_array_get(json_object_get(junit, "suites"), 0);
    json_t *attributes = json_object_get(suite, "attributes");
    cr_assert_str_eq(json_string_value(json_object_get(attributes, "tests")), "1");
    cr_assert_str_eq(json_string_value(json_object_get(attributes, "failures")), "1");
    json_t *failure = json_object_get(json_array_get(json_object_get(suite, "cases"), 0), "failure");
    cr_assert(strstr(json_string_value(json_object_get(failure, "text")), "fd 3: file /etc/passwd"),
              "%s", xml);
    json_decref(junit);
    free(xml);
}
