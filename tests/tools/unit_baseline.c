/* Leak identity and --baseline: a leak is the same leak in another run
 * whatever its pid, fd number, addresses or line; counted, not just
 * present. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "fixtures.h"
#include "leak_identity.h"

static json_t *first_leak(json_t *reports)
{
    return json_array_get(json_object_get(json_array_get(reports, 0), "leaks"), 0);
}

static void set_string(json_t *object, const char *key, const char *value)
{
    json_object_set_new(object, key, json_string(value));
}

Test(leak_identity, symbolized_frames_are_function_and_file_unsymbolized_module_and_offset)
{
    json_t *reports = fixture_reports();
    char *identity = leak_identity(LEAK_FD, first_leak(reports));
    cr_assert_str_eq(identity, "fd\nopen_config config.c\nmain main.c\n"
                               "__libc_start_call_main libc_start_call_main.h\n_start app");
    free(identity);
    json_t *socket = json_array_get(json_object_get(json_array_get(reports, 0), "leaks"), 1);
    identity = leak_identity(LEAK_FD, socket);
    cr_assert(strncmp(identity, "fd\nlibfontconfig.so.1+0x2a3f0\nmain main.c\n", 42) == 0, "%s",
              identity);
    free(identity);
    json_decref(reports);
}

Test(leak_identity, survives_aslr_pids_fd_numbers_lines_and_another_checkout)
{
    json_t *now = fixture_reports(), *then = fixture_reports();
    json_t *report = json_array_get(then, 0), *leak = first_leak(then);
    json_object_set_new(report, "pid", json_integer(4242));
    json_object_set_new(leak, "fd", json_integer(9));
    json_t *frame = json_array_get(json_object_get(leak, "stack"), 0);
    set_string(frame, "pc", "0x7ff000001171");
    set_string(frame, "module", "/home/ci/checkout/build/app");
    set_string(frame, "file", "/home/ci/checkout/src/config.c");
    json_object_set_new(frame, "line", json_integer(14));
    char *a = leak_identity(LEAK_FD, first_leak(now)), *b = leak_identity(LEAK_FD, leak);
    cr_assert_str_eq(a, b);
    free(b);
    set_string(frame, "function", "open_cache");
    b = leak_identity(LEAK_FD, leak);
    cr_assert_str_neq(a, b, "another function is another leak");
    free(b);
    b = leak_identity(LEAK_EXEC, first_leak(now));
    cr_assert_str_neq(a, b, "another kind is another leak");
    free(a);
    free(b);
    json_decref(now);
    json_decref(then);
}

static size_t fd_leaks(json_t *reports)
{
    return json_array_size(json_object_get(json_array_get(reports, 0), "leaks"));
}

Test(baseline, the_same_run_leaves_nothing_new)
{
    json_t *now = fixture_reports(), *baseline = fixture_reports();
    cr_assert_eq(subtract_baseline(now, baseline), 6, "2 fds, an exec fd, a temp file, a "
                                                      "thread, a child");
    cr_assert_eq(fd_leaks(now), 0);
    cr_assert_eq(json_array_size(json_object_get(json_array_get(now, 0), "errors")), 1,
                 "misuses are not leaks: they stay");
    json_decref(now);
    json_decref(baseline);
}

Test(baseline, a_new_leak_is_kept)
{
    json_t *now = fixture_reports(), *baseline = fixture_reports();
    /* the baseline had no socket leak */
    json_array_remove(json_object_get(json_array_get(baseline, 0), "leaks"), 1);
    cr_assert_eq(subtract_baseline(now, baseline), 5);
    cr_assert_eq(fd_leaks(now), 1);
    cr_assert_str_eq(json_string_value(json_object_get(first_leak(now), "kind")), "socket");
    json_decref(now);
    json_decref(baseline);
}

Test(baseline, counts_three_identical_leaks_now_against_two_then)
{
    json_t *now = fixture_reports(), *baseline = fixture_reports();
    json_t *leaks = json_object_get(json_array_get(now, 0), "leaks");
    json_array_remove(leaks, 1);
    for (int fd = 4; fd <= 5; fd++) {
        json_t *copy = json_deep_copy(json_array_get(leaks, 0));
        json_object_set_new(copy, "fd", json_integer(fd));
        json_array_append_new(leaks, copy);
    }
    json_t *then = json_object_get(json_array_get(baseline, 0), "leaks");
    json_t *copy = json_deep_copy(json_array_get(then, 0));
    json_object_set_new(copy, "fd", json_integer(11));
    json_array_set_new(then, 1, copy); /* two of the file leak, no socket */
    subtract_baseline(now, baseline);
    cr_assert_eq(fd_leaks(now), 1, "3 now - 2 then = 1 new");
    cr_assert_eq(json_integer_value(json_object_get(first_leak(now), "fd")), 5,
                 "the last one met is the one kept");
    json_decref(now);
    json_decref(baseline);
}

Test(baseline, matches_across_processes_and_pids)
{
    json_t *now = fixture_reports(), *baseline = fixture_reports();
    /* the baseline met the same leaks in a process with another pid, and
     * in another order of processes */
    json_t *app = json_deep_copy(json_array_get(baseline, 0));
    json_object_set_new(app, "pid", json_integer(999));
    json_array_remove(baseline, 0);
    json_array_append_new(baseline, app);
    cr_assert_eq(subtract_baseline(now, baseline), 6);
    json_decref(now);
    json_decref(baseline);
}

static const char *write_text(const char *text)
{
    const char *path = scratch_file(".json");
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

Test(baseline, loads_the_processes_of_a_json_document)
{
    json_t *document = json_pack("{s:i, s:[s], s:o, s:{}}", "exitguard", 2, "command", "make",
                                 "processes", fixture_reports(), "totals");
    const char *path = scratch_file(".json");
    cr_assert_eq(json_dump_file(document, path, 0), 0);
    char error[512] = "";
    json_t *processes = load_baseline(path, error, sizeof error);
    cr_assert(processes, "%s", error);
    cr_assert_eq(json_array_size(processes), 4);
    json_decref(processes);
    json_decref(document);
    unlink(path);
}

/* The message for the document `text`, which must not load. */
static const char *error_for(const char *text, const char **path)
{
    static char error[512];
    *path = write_text(text);
    cr_assert_null(load_baseline(*path, error, sizeof error));
    unlink(*path);
    return error;
}

Test(baseline, a_bad_file_is_named)
{
    const char *path;
    char expected[512];
    const char *error = error_for("{\"exitguard\": 2,\n \"processes\": [}\n", &path);
    snprintf(expected, sizeof expected, "baseline '%s': line 2: ", path);
    cr_assert(strncmp(error, expected, strlen(expected)) == 0, "%s", error);
    error = error_for("{\"exitguard_report\": 2, \"pid\": 1}", &path);
    snprintf(expected, sizeof expected, "baseline '%s': not an exitguard --json document", path);
    cr_assert_str_eq(error, expected);
    error = error_for("{\"exitguard\": 1, \"processes\": []}", &path);
    snprintf(expected, sizeof expected, "baseline '%s': schema version 1; this exitguard reads 2",
             path);
    cr_assert_str_eq(error, expected);
    char missing[] = "/nonexistent/base.json";
    char message[512];
    cr_assert_null(load_baseline(missing, message, sizeof message));
    cr_assert(strstr(message, "baseline '/nonexistent/base.json': ") == message, "%s", message);
    cr_assert(strstr(message, "No such file or directory"), "%s", message);
}
