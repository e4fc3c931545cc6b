/* The exitguard command's suppressions, baseline, JUnit, SARIF, grouping of
 * identical leaks and colors, on real runs: leak_one leaves /etc/passwd
 * open (tests/programs/leak_one.c, the line it prints), leak_tree leaves
 * /etc/passwd open in a parent and /etc/hostname in its child. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitguard.h"
#include "harness.h"

/* A directory for the test's files, removed by finish(). */
static char dir[64];
static char paths[8][300];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/exitguard-formats.XXXXXX");
    cr_assert(mkdtemp(dir));
}

static void finish(void)
{
    remove_tree(dir);
}

TestSuite(command_formats, .init = make_dir, .fini = finish);

/* DIR/NAME, in one of a few static buffers. */
static const char *in_dir(const char *name)
{
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

static const char *write_file(const char *name, const char *text)
{
    const char *path = in_dir(name);
    FILE *f = fopen(path, "w");
    cr_assert(f, "%s", path);
    fputs(text, f);
    fclose(f);
    return path;
}


static void assert_says(struct run *r, const char *text)
{
    cr_assert(strstr(r->err, text), "no '%s' in:\n%s", text, r->err);
}

static void assert_not_says(struct run *r, const char *text)
{
    cr_assert_null(strstr(r->err, text), "'%s' in:\n%s", text, r->err);
}

static size_t occurrences(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

/* "sh -c 'leak_one; leak_tree'": three fds leaked, in three processes */
static char *three_leaks(void)
{
    static char script[600];
    snprintf(script, sizeof script, "%s >/dev/null; %s >/dev/null",
             build_path("tests/programs/leak_one"), build_path("tests/programs/leak_tree"));
    return script;
}

Test(command_formats, suppression_rules_take_leaks_out_of_everything)
{
    const char *rules = write_file("my.supp", "# the password file is fine\n"
                                              "fd:/etc/passwd\n"
                                              "process:never-matches\n");
    const char *json = in_dir("run.json");
    struct run r;
    run_exitguard(&r, (char *[]){"--suppressions", (char *)rules, "--error-exitcode", "7",
                                 "--json", (char *)json, "--", "/bin/sh", "-c", three_leaks(),
                                 NULL}, NULL);
    cr_assert_eq(exit_code(&r), 7, "/etc/hostname is left: %s", r.err);
    assert_says(&r, "fd 4: file /etc/hostname");
    assert_not_says(&r, "fd 3: file /etc/passwd");
    char want[400];
    snprintf(want, sizeof want, "exitguard: suppressed 2 leaks: 2 by fd:/etc/passwd (%s:2)\n",
             rules);
    assert_says(&r, want);
    assert_says(&r, "1 leaked: 1 fd leaked, 0 fd misuses\n");

    json_error_t e;
    json_t *doc = json_load_file(json, 0, &e);
    cr_assert(doc, "%s", e.text);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "totals"), "leaks")), 1);
    json_t *used = json_object_get(doc, "suppressions");
    cr_assert_eq(json_array_size(used), 2, "every rule, 0 included");
    json_t *first = json_array_get(used, 0);
    cr_assert_str_eq(json_string_value(json_object_get(first, "rule")), "fd:/etc/passwd");
    cr_assert_str_eq(json_string_value(json_object_get(first, "file")), rules);
    cr_assert_eq(json_integer_value(json_object_get(first, "line")), 2);
    cr_assert_eq(json_integer_value(json_object_get(first, "suppressed")), 2);
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(used, 1), "suppressed")), 0);
    json_decref(doc);
    run_free(&r);

    /* a second file, and nothing is left: the command's own status */
    const char *more = write_file("more.supp", "fd:main\n");
    run_exitguard(&r, (char *[]){"--suppressions", (char *)rules, "--suppressions", (char *)more,
                                 "--error-exitcode", "7", "--", "/bin/sh", "-c", three_leaks(),
                                 NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    assert_says(&r, "exitguard: suppressed 3 leaks: 2 by fd:/etc/passwd");
    assert_says(&r, ", 1 by fd:main (");
    assert_says(&r, ", no leaks\n");
    run_free(&r);
}

Test(command_formats, malformed_suppressions_stop_before_anything_runs)
{
    const char *rules = write_file("bad.supp", "fd:libfoo.so*\n\nfds:oops\n");
    struct run r;
    run_exitguard(&r, (char *[]){"--suppressions", (char *)rules, "--", "/bin/sh", "-c",
                                 "echo ran", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 2);
    cr_assert_str_empty(r.out, "COMMAND ran: %s", r.out);
    char want[400];
    snprintf(want, sizeof want, "exitguard: %s:3: unknown kind 'fds'", rules);
    cr_assert(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
    cr_assert_eq(occurrences(r.err, "\n"), 1, "one line: %s", r.err);
    run_free(&r);

    run_exitguard(&r, (char *[]){"--suppressions", (char *)in_dir("missing.supp"), "--",
                                 "/bin/sh", "-c", "echo ran", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 2);
    cr_assert_str_empty(r.out);
    assert_says(&r, "missing.supp");
    run_free(&r);
}

Test(command_formats, suppressions_from_exitguard_options)
{
    const char *rules = write_file("env.supp", "fd:*passwd\n");
    char options[400];
    snprintf(options, sizeof options, "EXITGUARD_OPTIONS=suppressions=%s", rules);
    struct run r;
    run_exitguard(&r, (char *[]){"--error-exitcode", "7", "--",
                                 (char *)build_path("tests/programs/leak_one"), NULL},
                  (char *[]){options, NULL});
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    assert_says(&r, "exitguard: suppressed 1 leak: 1 by fd:*passwd");
    /* the library takes the key too: no process warns about it */
    assert_not_says(&r, "unknown option");
    assert_not_says(&r, "suppressions'");
    run_free(&r);

    const char *bad = write_file("env-bad.supp", "no colon here\n");
    snprintf(options, sizeof options, "EXITGUARD_OPTIONS=suppressions=%s", bad);
    run_exitguard(&r, (char *[]){"--", "/bin/sh", "-c", "echo ran", NULL},
                  (char *[]){options, NULL});
    cr_assert_eq(exit_code(&r), 2);
    cr_assert_str_empty(r.out);
    assert_says(&r, ":1: ");
    run_free(&r);
}

Test(command_formats, generated_suppressions_suppress_every_leak_found)
{
    const char *generated = in_dir("generated.supp");
    char option[400];
    snprintf(option, sizeof option, "--gen-suppressions=%s", generated);
    struct run r;
    run_exitguard(&r, (char *[]){option, "--", "/bin/sh", "-c", three_leaks(), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0);
    cr_assert_null(strstr(r.out, "exitguard suppressions"), "never on COMMAND's stdout");
    run_free(&r);

    run_exitguard(&r, (char *[]){"--suppressions", (char *)generated, "--error-exitcode", "1",
                                 "--", "/bin/sh", "-c", three_leaks(), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    assert_says(&r, "exitguard: suppressed 3 leaks");
    assert_says(&r, ", no leaks\n");
    run_free(&r);

    /* without FILE: on stderr, from its first line to the end */
    run_exitguard(&r, (char *[]){"--gen-suppressions", "--quiet", "--",
                                 (char *)build_path("tests/programs/leak_one"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0);
    const char *file = strstr(r.err, "# exitguard suppressions");
    cr_assert(file, "%s", r.err);
    cr_assert(strstr(file, "\nfd:main\n"), "%s", file);
    cr_assert(strstr(r.err, "exitguard: 2 processes") < file, "after the final line: %s", r.err);
    cr_assert_null(strstr(r.out, "exitguard suppressions"));
    run_free(&r);
}

Test(command_formats, baseline_shows_only_new_leaks)
{
    const char *baseline = in_dir("baseline.json");
    struct run r;
    run_exitguard(&r, (char *[]){"--json", (char *)baseline, "--",
                                 (char *)build_path("tests/programs/leak_one"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0);
    run_free(&r);

    /* the same leak again (another pid, another address): nothing new */
    run_exitguard(&r, (char *[]){"--baseline", (char *)baseline, "--error-exitcode", "5", "--",
                                 (char *)build_path("tests/programs/leak_one"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    assert_says(&r, ", no leaks\n");
    assert_says(&r, "1 leak in the baseline");
    run_free(&r);

    /* leak_tree's two leaks are new, leak_one's is not */
    const char *json = in_dir("now.json");
    run_exitguard(&r, (char *[]){"--baseline", (char *)baseline, "--error-exitcode", "5",
                                 "--json", (char *)json, "--", "/bin/sh", "-c", three_leaks(),
                                 NULL}, NULL);
    cr_assert_eq(exit_code(&r), 5);
    assert_says(&r, "fd 4: file /etc/hostname");
    assert_says(&r, "leak_tree.c:21");
    assert_not_says(&r, "leak_one.c:");
    assert_says(&r, ", 2 leaked: 2 fds leaked");
    json_error_t e;
    json_t *doc = json_load_file(json, 0, &e);
    cr_assert(doc, "%s", e.text);
    json_t *used = json_object_get(doc, "baseline");
    cr_assert_str_eq(json_string_value(json_object_get(used, "file")), baseline);
    cr_assert_eq(json_integer_value(json_object_get(used, "removed")), 1);
    json_decref(doc);
    run_free(&r);

    const char *broken = write_file("broken.json", "{\"exitguard\": 2, \"processes\": [");
    run_exitguard(&r, (char *[]){"--baseline", (char *)broken, "--", "/bin/sh", "-c",
                                 "echo ran", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 2);
    cr_assert_str_empty(r.out);
    assert_says(&r, "broken.json");
    run_free(&r);
}

/* python3 tests/tools/junit_check.py FILE: the structure its XML parser
 * found (the test fails if it is not well-formed). */
static json_t *parsed_junit(const char *path)
{
    char command[512];
    snprintf(command, sizeof command, "python3 tests/tools/junit_check.py %s", path);
    FILE *p = popen(command, "r");
    cr_assert(p);
    json_error_t e;
    json_t *structure = json_loadf(p, 0, &e);
    cr_assert_eq(pclose(p), 0, "not well-formed XML: %s", path);
    cr_assert(structure, "%s", e.text);
    return structure;
}

Test(command_formats, junit_has_a_testcase_per_process_and_a_failure_per_leaking_one)
{
    const char *junit = in_dir("run.xml");
    const char *rules = write_file("junit.supp", "fd:/etc/hostname\n");
    struct run r;
    run_exitguard(&r, (char *[]){"--junit", (char *)junit, "--suppressions", (char *)rules, "--",
                                 "/bin/sh", "-c", three_leaks(), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0);
    run_free(&r);
    json_t *doc = parsed_junit(junit);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "root")), "testsuites");
    json_t *suite = json_array_get(json_object_get(doc, "suites"), 0);
    json_t *cases = json_object_get(suite, "cases");
    /* sh, leak_one, leak_tree, its child, two /bin/true */
    cr_assert_eq(json_array_size(cases), 6);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(suite, "attributes"),
                                                       "tests")), "6");
    size_t i, failures = 0;
    json_t *c;
    json_array_foreach(cases, i, c) {
        json_t *failure = json_object_get(c, "failure");
        if (json_is_null(failure))
            continue;
        failures++;
        const char *text = json_string_value(json_object_get(failure, "text"));
        cr_assert(strstr(text, "file /etc/passwd"), "%s", text);
        cr_assert_str_eq(json_string_value(json_object_get(failure, "type")), "leak");
    }
    /* leak_tree's child leaked only what the rule suppressed */
    cr_assert_eq(failures, 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(suite, "attributes"),
                                                       "failures")), "2");
    json_decref(doc);
}

Test(command_formats, sarif_points_at_the_acquiring_line)
{
    const char *sarif = in_dir("run.sarif");
    struct run r;
    run_exitguard(&r, (char *[]){"--sarif", (char *)sarif, "--",
                                 (char *)build_path("tests/programs/leak_one"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0);
    int line = number_after(r.out, "line ");
    run_free(&r);
    json_error_t e;
    json_t *doc = json_load_file(sarif, 0, &e);
    cr_assert(doc, "%s", e.text);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "version")), "2.1.0");
    json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
    json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
    cr_assert_str_eq(json_string_value(json_object_get(driver, "name")), "exitguard");
    cr_assert_str_eq(json_string_value(json_object_get(driver, "version")), EXITGUARD_VERSION);
    json_t *results = json_object_get(run, "results");
    cr_assert_eq(json_array_size(results), 1);
    json_t *result = json_array_get(results, 0);
    cr_assert_str_eq(json_string_value(json_object_get(result, "ruleId")), "fd-leak");
    cr_assert(json_string_value(json_object_get(json_object_get(result, "message"), "text")));
    json_t *where = json_object_get(json_array_get(json_object_get(result, "locations"), 0),
                                    "physicalLocation");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(where, "artifactLocation"),
                                                       "uri")), "tests/programs/leak_one.c");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(where, "region"),
                                                    "startLine")), line);
    json_decref(doc);
}

Test(command_formats, unwritable_junit_and_sarif_are_named_and_change_nothing)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--junit", "/proc/version/x.xml", "--sarif",
                                 "/proc/version/x.sarif", "--", "/bin/sh", "-c",
                                 "echo out; exit 5", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 5);
    cr_assert_str_eq(r.out, "out\n");
    assert_says(&r, "exitguard: cannot write --junit file '/proc/version/x.xml': ");
    assert_says(&r, "exitguard: cannot write --sarif file '/proc/version/x.sarif': ");
    run_free(&r);
}

/* 20 processes leaking the same fd from the same line: one stack, one
 * count, and the tree does not list the other 19. */
Test(command_formats, identical_leaks_print_once_with_a_count)
{
    char script[600];
    snprintf(script, sizeof script, "for i in $(seq 20); do %s >/dev/null; done",
             build_path("tests/programs/leak_one"));
    struct run r;
    run_exitguard(&r, (char *[]){"--error-exitcode", "3", "--", "/bin/sh", "-c", script, NULL},
                  NULL);
    cr_assert_eq(exit_code(&r), 3);
    cr_assert_eq(occurrences(r.err, "leak_one.c:"), 1, "one stack:\n%s", r.err);
    cr_assert_eq(occurrences(r.err, "fd 3: file /etc/passwd"), 1, "%s", r.err);
    assert_says(&r, "[1] 20 times in 20 processes: ");
    assert_says(&r, " and 17 more\n");
    assert_says(&r, "and 19 other processes whose leaks are all shown above\n");
    /* the counts are the leaks, not the groups */
    assert_says(&r, " processes, 20 leaked: 20 fds leaked");
    run_free(&r);

    /* --verbose lists each, the stack still once */
    run_exitguard(&r, (char *[]){"--verbose", "--", "/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(occurrences(r.err, "leak_one.c:"), 1, "%s", r.err);
    cr_assert_eq(occurrences(r.err, "      same as [1] above\n"), 19, "%s", r.err);
    run_free(&r);
}

/* What exitguard writes to stderr on a pseudo-terminal (or a pipe) when
 * running leak_one; NO_COLOR=`no_color` unless NULL. */
static char *stderr_on(int terminal, const char *no_color, const char *color_option)
{
    char no_color_env[64];
    snprintf(no_color_env, sizeof no_color_env, "NO_COLOR=%s", no_color ? no_color : "");
    char *env[] = {"PATH=/usr/bin:/bin", no_color ? no_color_env : NULL, NULL};
    char *argv[] = {(char *)build_path("exitguard"), (char *)(color_option ? color_option : "--quiet"),
                    "--", (char *)build_path("tests/programs/leak_one"), NULL};
    int master = -1, pipe_ends[2];
    pid_t pid;
    if (terminal) {
        pid = forkpty(&master, NULL, NULL, NULL);
    } else {
        cr_assert_eq(pipe(pipe_ends), 0);
        pid = fork();
        if (pid == 0) {
            dup2(pipe_ends[1], 1);
            dup2(pipe_ends[1], 2);
        }
        master = pipe_ends[0];
    }
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        close_range(3, ~0u, 0);
        execve(argv[0], argv, env);
        _exit(127);
    }
    if (!terminal)
        close(pipe_ends[1]);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    char chunk[4096];
    ssize_t n;
    /* a pty's master reads EIO once the last slave fd is closed */
    while ((n = read(master, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            fwrite(chunk, 1, (size_t)n, out);
    fclose(out);
    close(master);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", text);
    return text;
}

Test(command_formats, colors_on_a_terminal_only)
{
    char *text = stderr_on(1, NULL, "--color=auto");
    cr_assert(strstr(text, "\033[1;35mfd 3\033[0m: file /etc/passwd"), "%s", text);
    cr_assert(strstr(text, " in \033[1;32mmain\033[0m "), "%s", text);
    cr_assert(strstr(text, "\033[1;31mexitguard: 1 process, 1 leaked"), "%s", text);
    free(text);

    text = stderr_on(0, NULL, "--color=auto");
    cr_assert(strstr(text, "fd 3: file /etc/passwd"), "%s", text);
    cr_assert_null(strchr(text, '\033'), "a pipe: no colors: %s", text);
    free(text);

    text = stderr_on(1, "1", NULL);
    cr_assert(strstr(text, "exitguard: 1 process, 1 leaked"), "%s", text);
    cr_assert_null(strchr(text, '\033'), "NO_COLOR=1: no colors: %s", text);
    free(text);

    /* an empty NO_COLOR is unset (no-color.org); --color=never wins */
    text = stderr_on(1, "", NULL);
    cr_assert(strchr(text, '\033'), "%s", text);
    free(text);
    text = stderr_on(1, NULL, "--color=never");
    cr_assert_null(strchr(text, '\033'), "%s", text);
    free(text);
    text = stderr_on(0, "1", "--color=always");
    cr_assert(strchr(text, '\033'), "%s", text);
    free(text);
}
