/* The default suppressions as a user meets them: a bash script's own fd
 * 255 (bash keeps the script open for its whole life) is hidden and
 * counted, shown with --no-default-suppressions, listed with --verbose;
 * the script's own leak is never hidden.  And --version, --help and a bad
 * option, as GNU tools have them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* A bash script that leaks fd 3 itself: bash holds the script on fd 255. */
static const char *leaky_script(void)
{
    static char path[128];
    snprintf(path, sizeof path, "/tmp/exitguard-defaults-%d.sh", getpid());
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("exec 3</etc/passwd\necho ran\n", f);
    fclose(f);
    return path;
}

static void run_script(struct run *r, const char *option, const char *json)
{
    char *args[8];
    int n = 0;
    if (option)
        args[n++] = (char *)option;
    if (json) {
        args[n++] = "--json";
        args[n++] = (char *)json;
    }
    args[n++] = "--";
    args[n++] = "bash";
    args[n++] = (char *)leaky_script();
    args[n] = NULL;
    run_exitguard(r, args, NULL);
    cr_assert_eq(exit_code(r), 0, "%s", r->err);
    cr_assert_str_eq(r->out, "ran\n");
}

Test(defaults, bash_script_fd_is_hidden_and_counted_the_scripts_own_leak_shown)
{
    struct run r;
    run_script(&r, NULL, NULL);
    char want[256];
    snprintf(want, sizeof want, "fd 255: file %s", leaky_script());
    cr_assert_not(strstr(r.err, want), "%s", r.err);
    cr_assert(strstr(r.err, "fd 3: file /etc/passwd (O_RDONLY, no O_CLOEXEC)"), "%s", r.err);
    cr_assert(strstr(r.err, "\nexitguard: 1 finding hidden by default suppressions (--verbose "
                            "lists them; --no-default-suppressions shows it)\n"), "%s", r.err);
    cr_assert(strstr(r.err, "exitguard: 1 process, 1 leaked: 1 fd leaked, 0 fd misuses\n"),
              "%s", r.err);
    unlink(leaky_script());
    run_free(&r);
}

Test(defaults, no_default_suppressions_shows_the_script_fd)
{
    struct run r;
    run_script(&r, "--no-default-suppressions", NULL);
    char want[256];
    snprintf(want, sizeof want, "fd 255: file %s (O_RDONLY, O_CLOEXEC)", leaky_script());
    cr_assert(strstr(r.err, want), "%s", r.err);
    cr_assert_not(strstr(r.err, "hidden by default"), "%s", r.err);
    cr_assert(strstr(r.err, "exitguard: 1 process, 1 leaked: 2 fds leaked, 0 fd misuses\n"),
              "%s", r.err);
    unlink(leaky_script());
    run_free(&r);
}

Test(defaults, verbose_lists_what_the_defaults_hid_with_the_rule)
{
    struct run r;
    run_script(&r, "--verbose", NULL);
    char want[512];
    cr_assert(strstr(r.err, "hidden by default suppressions (listed below;"), "%s", r.err);
    char line[512];
    snprintf(line, sizeof line, "\n  bash %s (pid ", leaky_script());
    cr_assert(strstr(r.err, line), "%s", r.err);
    const char *rule = strstr(r.err, line);
    snprintf(want, sizeof want, "fd 255: file %s, by fd:move_to_high_fd (%s:", leaky_script(),
             build_path("default.supp"));
    cr_assert(strstr(rule, want), "%s", r.err);
    unlink(leaky_script());
    run_free(&r);
}

Test(defaults, json_counts_what_the_defaults_hid)
{
    struct run r;
    char json[128];
    snprintf(json, sizeof json, "/tmp/exitguard-defaults-%d.json", getpid());
    run_script(&r, NULL, json);
    json_t *doc = take_json(json);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "totals"), "leaks")), 1);
    cr_assert_eq(json_array_size(json_object_get(doc, "suppressions")), 0, "the user's alone");
    json_t *defaults = json_object_get(doc, "default_suppressions");
    cr_assert_eq(json_integer_value(json_object_get(defaults, "hidden")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(defaults, "file")),
                     build_path("default.supp"));
    json_decref(doc);
    unlink(leaky_script());
    run_free(&r);
}

/* A command without its default.supp beside it, nor in ../share: one line,
 * and the run goes on, with everything shown. */
Test(defaults, a_command_without_its_file_says_so_and_runs)
{
    char dir[128], command[160], library[160];
    snprintf(dir, sizeof dir, "/tmp/exitguard-nodefaults-%d", getpid());
    snprintf(command, sizeof command, "%s/exitguard", dir);
    snprintf(library, sizeof library, "%s/libexitguard.so", dir);
    char copy[1024];
    snprintf(copy, sizeof copy, "mkdir -p %s && cp %s %s %s/", dir, build_path("exitguard"),
             build_path("libexitguard.so"), dir);
    cr_assert_eq(system(copy), 0);
    struct run r;
    run_plain(&r, (char *[]){command, "--", "bash", (char *)leaky_script(), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0);
    cr_assert(strstr(r.err, "exitguard: default suppressions not found (looked for "), "%s", r.err);
    cr_assert(strstr(r.err, "2 fds leaked"), "%s", r.err);
    unlink(command);
    unlink(library);
    rmdir(dir);
    unlink(leaky_script());
    run_free(&r);
}

Test(defaults, version_and_help_go_to_stdout_with_status_0)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--version", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0);
    cr_assert(strncmp(r.out, "exitguard ", 10) == 0 && r.out[10] >= '0' && r.out[10] <= '9',
              "%s", r.out);
    cr_assert_str_empty(r.err);
    run_free(&r);
    run_exitguard(&r, (char *[]){"--help", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0);
    cr_assert_str_empty(r.err);
    cr_assert(strncmp(r.out, "Usage: exitguard ", 17) == 0, "%s", r.out);
    /* one screen: 23 lines (a prompt under it), none wider than 80 */
    int lines = 0;
    for (const char *p = r.out; *p; lines++) {
        const char *end = strchr(p, '\n');
        cr_assert(end && end - p <= 80, "too wide: %.*s", (int)(end ? end - p : 80), p);
        p = end + 1;
    }
    cr_assert_leq(lines, 23, "%s", r.out);
    cr_assert(strstr(r.out, "\n  --no-default-suppressions "), "%s", r.out);
    cr_assert(strstr(r.out, "\n  --version "), "%s", r.out);
    run_free(&r);
}
