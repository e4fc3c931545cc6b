/* What the system's own programs hold, as a user meets it.  A shell
 * script's redirections handed to the commands it runs (a test harness's
 * `exec 3>/dev/null`, written to with >&3) are hand-overs by design, not
 * leaks across exec: said once per site, with how many commands got them,
 * and reported as leaks only with --no-default-suppressions.  And the
 * sites that leaked most list the user's own before a system program's,
 * each of those with the rule that hides it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Opens fd 3 on /dev/null, runs six commands with it, closes it. */
static const char *harness_script(void)
{
    static char path[128];
    snprintf(path, sizeof path, "/tmp/exitguard-handovers-%d.sh", getpid());
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("exec 3>/dev/null\n"
          "for i in 1 2 3 4 5; do cat /etc/hostname >&3; done\n"
          "expr 1 + 1 >&3\n"
          "exec 3>&-\n"
          "echo ran\n",
          f);
    fclose(f);
    return path;
}

static void run_harness(struct run *r, const char *option, const char *json)
{
    char *args[10];
    int n = 0;
    args[n++] = "--error-exitcode";
    args[n++] = "9";
    if (option)
        args[n++] = (char *)option;
    if (json) {
        args[n++] = "--json";
        args[n++] = (char *)json;
    }
    args[n++] = "--";
    args[n++] = "dash";
    args[n++] = (char *)harness_script();
    args[n] = NULL;
    run_exitguard(r, args, NULL);
    cr_assert_str_eq(r->out, "ran\n", "%s", r->err);
}

Test(handovers, a_scripts_fd_handed_to_its_commands_is_one_line_not_six_leaks)
{
    struct run r;
    char json[128];
    snprintf(json, sizeof json, "/tmp/exitguard-handovers-%d.json", getpid());
    run_harness(&r, NULL, json);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert_not(strstr(r.err, "handing it"), "%s", r.err);
    cr_assert(strstr(r.err, "\nexitguard: shells handed on 1 fd to 6 commands they ran, by "
                            "design (not leaks; --no-default-suppressions reports them):\n"
                            "  fd 3 (char-device /dev/null), opened at "),
              "%s", r.err);
    cr_assert(strstr(r.err, ": to 6 commands (cat, expr)\n"), "%s", r.err);
    cr_assert(strstr(r.err, "exitguard: 7 processes, no leaks\n"), "%s", r.err);
    json_t *doc = take_json(json);
    json_t *handovers = json_object_get(doc, "handovers");
    cr_assert_eq(json_array_size(handovers), 1, "%s", json_dumps(handovers, 0));
    json_t *h = json_array_get(handovers, 0);
    cr_assert_eq(json_integer_value(json_object_get(h, "fd")), 3);
    cr_assert_eq(json_integer_value(json_object_get(h, "commands")), 6);
    cr_assert_eq(json_integer_value(json_object_get(h, "shell_count")), 1);
    cr_assert_eq(json_integer_value(json_object_get(h, "program_count")), 2);
    json_decref(doc);
    unlink(harness_script());
    run_free(&r);
}

Test(handovers, no_default_suppressions_reports_them_as_leaks_across_exec)
{
    struct run r;
    run_harness(&r, "--no-default-suppressions", NULL);
    cr_assert_eq(exit_code(&r), 9, "%s", r.err);
    cr_assert(strstr(r.err, "exec'd /usr/bin/cat handing it 1 fd without O_CLOEXEC"), "%s", r.err);
    cr_assert_not(strstr(r.err, "shells handed on"), "%s", r.err);
    /* and dash's own script fd, a default suppression */
    cr_assert(strstr(r.err, "7 fds leaked (6 across exec)"), "%s", r.err);
    unlink(harness_script());
    run_free(&r);
}

Test(handovers, what_the_script_leaves_open_at_its_end_is_still_its_leak)
{
    struct run r;
    char path[128];
    snprintf(path, sizeof path, "/tmp/exitguard-handovers-open-%d.sh", getpid());
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("exec 3>/dev/null\ncat /etc/hostname >&3\necho ran\n", f);
    fclose(f);
    run_exitguard(&r, (char *[]){"--error-exitcode", "9", "--", "dash", path, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 9, "%s", r.err);
    cr_assert(strstr(r.err, "fd 3: char-device /dev/null (O_WRONLY, no O_CLOEXEC)"), "%s", r.err);
    cr_assert(strstr(r.err, "shells handed on 1 fd to 1 command they ran"), "%s", r.err);
    cr_assert(strstr(r.err, "1 fd leaked, 0 fd misuses"), "%s", r.err);
    unlink(path);
    run_free(&r);
}

Test(handovers, own_sites_rank_before_a_system_programs_with_the_rule_that_hides_it)
{
    char script[128], rules[128];
    snprintf(script, sizeof script, "/tmp/exitguard-system-sites-%d.sh", getpid());
    snprintf(rules, sizeof rules, "/tmp/exitguard-system-sites-%d.supp", getpid());
    FILE *f = fopen(script, "w");
    cr_assert(f);
    /* 15 dash processes leaving fd 5 open at their end, 11 of the user's */
    fprintf(f, "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do dash -c 'exec 5</etc/passwd'; done\n"
               "for i in 1 2 3 4 5 6 7 8 9 10 11; do %s >/dev/null; done\n",
            build_path("tests/programs/leak_one"));
    fclose(f);
    struct run r;
    run_exitguard(&r, (char *[]){"--", "bash", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    const char *own = strstr(r.err, "      11  fd       main tests/programs/leak_one.c:");
    const char *system = strstr(r.err, "      15  fd       dash+0x");
    cr_assert(own && system && own < system, "%s", r.err);
    const char *hint = strstr(system, "[system; to hide it: ");
    cr_assert(hint && hint < strchr(system, '\n'), "%s", r.err);
    char rule[64];
    cr_assert_eq(sscanf(hint, "[system; to hide it: %63s", rule), 1);
    f = fopen(rules, "w");
    cr_assert(f);
    fprintf(f, "%s\n", rule);
    fclose(f);
    run_free(&r);
    /* the rule, pasted, hides those and nothing of the user's */
    run_exitguard(&r, (char *[]){"--suppressions", rules, "--", "bash", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert_not(strstr(r.err, "fd 5:"), "%s", r.err);
    cr_assert(strstr(r.err, "exitguard: suppressed 15 leaks: 15 by "), "%s", r.err);
    cr_assert(strstr(r.err, "11 fds leaked"), "%s", r.err);
    unlink(script);
    unlink(rules);
    run_free(&r);
}
