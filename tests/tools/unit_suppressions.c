/* Suppression rules: what a pattern matches, what a malformed file is
 * told, and which leaks a rule removes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "gen_suppressions.h"
#include "suppressions.h"
#include "totals.h"

Test(suppressions, star_matches_any_run_of_bytes_slashes_included)
{
    cr_assert(pattern_matches("libfontconfig.so*", "libfontconfig.so.1"));
    cr_assert(pattern_matches("*/dbus-launch", "/usr/bin/dbus-launch"));
    cr_assert(pattern_matches("/usr/*/x.c", "/usr/src/deep/x.c"), "'*' crosses '/', as in LSan");
    cr_assert(pattern_matches("*", ""));
    cr_assert(pattern_matches("a**b", "ab"));
    cr_assert(pattern_matches("*ab*ab", "xabyabab"), "backtracks to the last star");
    cr_assert(pattern_matches("main", "main"));
    cr_assert_not(pattern_matches("main", "main2"), "the whole text, not a prefix");
    cr_assert_not(pattern_matches("ain", "main"), "nor a substring");
    cr_assert_not(pattern_matches("*/dbus-launch", "dbus-launch"));
    cr_assert_not(pattern_matches("a?c", "abc"), "'?' is a plain character");
}

Test(suppressions, parses_rules_comments_blanks_and_whitespace)
{
    struct suppressions rules = {0};
    char error[256] = "";
    const char *text = "# fonts\n"
                       "fd:libfontconfig.so*\n"
                       "\n"
                       "   process : */dbus-launch  \r\n"
                       "*:ns::Thing::open\n"
                       "\t# indented comment\n"
                       "tempfile:/tmp/a b";
    cr_assert_eq(parse_suppressions(&rules, text, "x.supp", error, sizeof error), 0, "%s", error);
    cr_assert_eq(rules.count, 4);
    cr_assert_eq(rules.rules[0].kind, LEAK_FD);
    cr_assert_str_eq(rules.rules[0].pattern, "libfontconfig.so*");
    cr_assert_eq(rules.rules[0].line, 2);
    cr_assert_str_eq(rules.rules[0].file, "x.supp");
    cr_assert_eq(rules.rules[1].kind, LEAK_PROCESS);
    cr_assert_str_eq(rules.rules[1].pattern, "*/dbus-launch");
    cr_assert_eq(rules.rules[1].line, 4);
    cr_assert(rules.rules[2].any_kind);
    cr_assert_str_eq(rules.rules[2].pattern, "ns::Thing::open", "split at the first ':' only");
    cr_assert_str_eq(rules.rules[3].pattern, "/tmp/a b", "inner blanks are the pattern's");
    cr_assert_eq(rules.rules[3].line, 7, "a last line without a newline counts");
    free_suppressions(&rules);
}

/* The message for `text`, which must fail to parse and add no rule. */
static const char *error_for(const char *text)
{
    static char error[256];
    struct suppressions rules = {0};
    error[0] = '\0';
    cr_assert_eq(parse_suppressions(&rules, text, "my.supp", error, sizeof error), -1, "%s", text);
    cr_assert_eq(rules.count, 0, "all of a file or none of it");
    free_suppressions(&rules);
    return error;
}

Test(suppressions, a_malformed_line_is_named_by_file_and_line)
{
    cr_assert_str_eq(error_for("fd:ok\n\nfdlibfoo\n"),
                     "my.supp:3: expected KIND:PATTERN, got 'fdlibfoo'");
    cr_assert_str_eq(error_for("# c\nfds:libfoo\n"),
                     "my.supp:2: unknown kind 'fds' (kinds: fd, exec, process, tempfile, thread, *, misuse)");
    cr_assert_str_eq(error_for("leak:malloc"),
                     "my.supp:1: unknown kind 'leak' (kinds: fd, exec, process, tempfile, thread, *, misuse)");
    cr_assert_str_eq(error_for(":main"),
                     "my.supp:1: unknown kind '' (kinds: fd, exec, process, tempfile, thread, *, misuse)");
    cr_assert_str_eq(error_for("fd:a\nthread:   \n"), "my.supp:2: no pattern after 'thread:'");
    cr_assert_str_eq(error_for("fd:a\x01z"), "my.supp:1: control character 0x01 in the pattern");
}

Test(suppressions, a_second_file_adds_to_the_first)
{
    struct suppressions rules = {0};
    char error[256];
    cr_assert_eq(parse_suppressions(&rules, "fd:a\n", "one", error, sizeof error), 0);
    cr_assert_eq(parse_suppressions(&rules, "fd:b\nbad\n", "two", error, sizeof error), -1);
    cr_assert_str_eq(error, "two:2: expected KIND:PATTERN, got 'bad'");
    cr_assert_eq(rules.count, 1, "the bad file added nothing; the good one stays");
    cr_assert_eq(parse_suppressions(&rules, "thread:c\n", "three", error, sizeof error), 0);
    cr_assert_eq(rules.count, 2);
    cr_assert_str_eq(rules.rules[1].file, "three");
    free_suppressions(&rules);
}

Test(suppressions, a_missing_file_is_named)
{
    struct suppressions rules = {0};
    char error[256];
    cr_assert_eq(load_suppressions(&rules, "/nonexistent/x.supp", error, sizeof error), -1);
    cr_assert_str_eq(error, "cannot read suppressions file '/nonexistent/x.supp': "
                            "No such file or directory");
}

Test(suppressions, loads_a_file)
{
    const char *path = scratch_file(".supp");
    FILE *f = fopen(path, "w");
    fputs("# one rule\nthread:worker\n", f);
    fclose(f);
    struct suppressions rules = {0};
    char error[256] = "";
    cr_assert_eq(load_suppressions(&rules, path, error, sizeof error), 0, "%s", error);
    cr_assert_eq(rules.count, 1);
    cr_assert_eq(rules.rules[0].line, 2);
    cr_assert_str_eq(rules.rules[0].file, path);
    free_suppressions(&rules);
    f = fopen(path, "w");
    fputs("fd:x\nnope\n", f);
    fclose(f);
    cr_assert_eq(load_suppressions(&rules, path, error, sizeof error), -1);
    char expected[512];
    snprintf(expected, sizeof expected, "%s:2: expected KIND:PATTERN, got 'nope'", path);
    cr_assert_str_eq(error, expected);
    unlink(path);
}

static struct suppressions parsed(const char *text)
{
    struct suppressions rules = {0};
    char error[256] = "";
    cr_assert_eq(parse_suppressions(&rules, text, "t.supp", error, sizeof error), 0, "%s", error);
    return rules;
}

Test(suppressions, each_kind_matches_its_own_subject_and_counts)
{
    json_t *reports = fixture_reports();
    struct suppressions rules = parsed("fd:libfontconfig.so*\n"        /* module basename */
                                       "tempfile:/tmp/scratch*\n"      /* the file's path */
                                       "process:*/dbus-launch\n"       /* the child's argv[0] */
                                       "exec:spawn_helper\n"           /* a function */
                                       "thread:worker\n"               /* the start routine */
                                       "fd:no_such_function\n");
    cr_assert_eq(apply_suppressions(&rules, reports), 5);
    size_t expected[] = {1, 1, 1, 1, 1, 0};
    for (size_t i = 0; i < rules.count; i++)
        cr_assert_eq(rules.rules[i].suppressed, expected[i], "rule %zu: %zu", i,
                     rules.rules[i].suppressed);

    json_t *app = json_array_get(reports, 0);
    json_t *leaks = json_object_get(app, "leaks");
    cr_assert_eq(json_array_size(leaks), 1, "the socket is gone, the file stays");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(leaks, 0), "fd")), 3);
    cr_assert_eq(json_array_size(json_object_get(app, "errors")), 1, "misuses are not leaks");
    struct totals t = count_totals(reports, NULL);
    cr_assert_eq(t.leaks, 1, "the totals count what is left");
    cr_assert_eq(t.exec_leaks, 0);
    cr_assert_eq(t.tempfiles, 0);
    cr_assert_eq(t.threads, 0);
    cr_assert_eq(t.leaking_processes, 1);
    free_suppressions(&rules);
    json_decref(reports);
}

Test(suppressions, patterns_match_files_modules_and_targets_by_path_or_last_part)
{
    const char *cases[] = {"fd:hostname", "fd:/etc/host*", "fd:config.c", "fd:src/config.c",
                           "fd:app", "fd:/work/*/build/app", "*:open_config"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *reports = fixture_reports();
        struct suppressions rules = parsed(cases[i]);
        json_t *leak = json_array_get(json_object_get(json_array_get(reports, 0), "leaks"), 0);
        cr_assert(suppression_for(&rules, LEAK_FD, leak), "%s should match", cases[i]);
        cr_assert_not(suppression_for(&rules, LEAK_EXEC, leak) && strncmp(cases[i], "fd:", 3) == 0,
                      "%s: fd rules leave exec leaks alone", cases[i]);
        free_suppressions(&rules);
        json_decref(reports);
    }
}

Test(suppressions, a_leak_counts_for_the_first_rule_it_matches)
{
    json_t *reports = fixture_reports();
    struct suppressions rules = parsed("*:main\nfd:open_config\n");
    /* main is in the stacks of both fds; the temp file and thread come
     * from the start code without main */
    cr_assert_eq(apply_suppressions(&rules, reports), 2);
    cr_assert_eq(rules.rules[0].suppressed, 2);
    cr_assert_eq(rules.rules[1].suppressed, 0);
    char *text = NULL;
    size_t size = 0;
    FILE *to = open_memstream(&text, &size);
    print_suppressions_used(to, &rules);
    fclose(to);
    cr_assert_str_eq(text, "exitguard: suppressed 2 leaks: 2 by *:main (t.supp:1)\n");
    free(text);
    json_t *used = suppressions_used_json(&rules);
    json_t *expected = parse_json(
        "[{\"rule\": \"*:main\", \"file\": \"t.supp\", \"line\": 1, \"suppressed\": 2},"
        " {\"rule\": \"fd:open_config\", \"file\": \"t.supp\", \"line\": 2, \"suppressed\": 0}]");
    cr_assert(json_equal(used, expected), "%s", json_dumps(used, 0));
    free_suppressions(&rules);
    json_decref(reports);
}

/* Misuse is not a leak: "*" leaves it; "misuse:" takes it by its kind or
 * by a frame of its stacks. */
Test(suppressions, only_a_misuse_rule_suppresses_a_misuse)
{
    json_t *reports = fixture_reports();
    json_t *errors = json_object_get(json_array_get(reports, 0), "errors");
    cr_assert_eq(json_array_size(errors), 1);
    struct suppressions rules = parsed("*:shutdown_all\nmisuse:close_stream_fd\n");
    apply_suppressions(&rules, reports);
    cr_assert_eq(json_array_size(errors), 1, "'*' took a misuse");
    free_suppressions(&rules);
    rules = parsed("misuse:double_close\n");
    cr_assert_eq(apply_suppressions(&rules, reports), 1);
    cr_assert_eq(json_array_size(errors), 0);
    free_suppressions(&rules);
    json_decref(reports);
    reports = fixture_reports();
    errors = json_object_get(json_array_get(reports, 0), "errors");
    rules = parsed("misuse:shutdown_all\n");
    cr_assert_eq(apply_suppressions(&rules, reports), 1, "by a frame of its stack");
    cr_assert_eq(json_array_size(errors), 0);
    free_suppressions(&rules);
    json_decref(reports);
}

static size_t leaks_left(json_t *reports)
{
    size_t n = 0, i;
    json_t *report;
    json_array_foreach(reports, i, report)
        for (int kind = 0; kind < LEAK_KINDS; kind++)
            n += json_array_size(leak_array(report, (enum leak_kind)kind));
    return n;
}

Test(gen_suppressions, names_the_first_frame_of_the_programs_own_code)
{
    json_t *reports = fixture_reports();
    char *text = printed(print_generated_suppressions, reports);
    cr_assert(strstr(text, "\nfd:open_config\n"), "%s", text);
    cr_assert(strstr(text, "narrow it if that is too much)\nfd:libfontconfig.so.1\n"),
              "unsymbolized: the module, said to be broad\n%s", text);
    cr_assert(!strstr(text, "too much)\nfd:open_config\n"), "%s", text);
    cr_assert(strstr(text, "\ntempfile:make_scratch\n"), "%s", text);
    cr_assert(strstr(text, "\nthread:start_pool\n"), "%s", text);
    cr_assert(strstr(text, "\nexec:spawn_helper\n"), "%s", text);
    cr_assert(strstr(text, "\nprocess:dbus-launch\n"), "past libc's fork\n%s", text);
    cr_assert(strstr(text, "\n# fd left open: file /etc/hostname, in build/app --flag\n"),
              "%s", text);
    free(text);
    json_decref(reports);
}

Test(gen_suppressions, its_output_parses_and_suppresses_every_leak)
{
    json_t *reports = fixture_reports();
    char *text = printed(print_generated_suppressions, reports);
    struct suppressions rules = parsed(text);
    cr_assert_eq(rules.count, 6, "%s", text);
    size_t before = leaks_left(reports);
    cr_assert_eq(apply_suppressions(&rules, reports), before);
    cr_assert_eq(leaks_left(reports), 0);
    for (size_t i = 0; i < rules.count; i++)
        cr_assert(rules.rules[i].suppressed >= 1, "rule %s", rules.rules[i].pattern);
    free_suppressions(&rules);
    free(text);
    json_decref(reports);
}

Test(gen_suppressions, leaks_without_a_stack_are_named_by_what_leaked)
{
    json_t *reports = parse_json(
        "[{\"exitguard_report\": 2, \"pid\": 9, \"argv\": [\"a\\nb\"],"
        "  \"end\": {\"how\": \"exit\", \"status\": 0}, \"stack_depth\": 0,"
        "  \"leaks\": [{\"kind\": \"file\", \"fd\": 3, \"target\": \"/data/x y \",\"stack\": []},"
        "              {\"kind\": \"file\", \"fd\": 4, \"target\": \"/data/x y \",\"stack\": []}],"
        "  \"tempfiles\": [{\"path\": \"/tmp/new\\nline\", \"stack\": []}]}]");
    char *text = printed(print_generated_suppressions, reports);
    cr_assert(strstr(text, "\nfd:/data/x y*\n"), "a trailing blank kept as '*'\n%s", text);
    cr_assert(strstr(text, "\ntempfile:/tmp/new*line\n"), "%s", text);
    cr_assert(strstr(text, "# fd left open, in $'a\\nb'\n"), "one line per comment\n%s", text);
    struct suppressions rules = parsed(text);
    cr_assert_eq(rules.count, 2, "one rule for two identical leaks\n%s", text);
    cr_assert_eq(apply_suppressions(&rules, reports), 3);
    free_suppressions(&rules);
    free(text);
    json_decref(reports);
}

/* An empty file (--suppressions /dev/null) is no rules.  getdelim leaves
 * its buffer unwritten at end of file: here a freed chunk of the size it
 * takes, full of 'x' and without a NUL, which the parser read as a rule
 * (and past the end of) before the fix. */
Test(suppressions, an_empty_file_is_no_rules)
{
    char *junk = malloc(120);
    cr_assert(junk);
    memset(junk, 'x', 120);
    free(junk);
    struct suppressions rules = {0};
    char error[256] = "";
    cr_assert_eq(load_suppressions(&rules, "/dev/null", error, sizeof error), 0, "%s", error);
    cr_assert_eq(rules.count, 0);
    free_suppressions(&rules);
}
