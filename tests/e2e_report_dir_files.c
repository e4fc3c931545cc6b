/* What the command does with a file in its report directory it must not
 * trust: a symbolic link, a FIFO, a huge file, another user's, or a
 * damaged report or registry.  Each is planted in --output DIR while a
 * real program runs: the command names it in one line, merges the rest
 * (leak_one's one leak) and exits with the program's status. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static void make_output_dir(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/exitguard-planted.XXXXXX");
    cr_assert(mkdtemp(dir));
}

/* exitguard --output DIR -- sh -c 'PLANT; leak_one', PLANT with DIR for
 * "$1" */
static void run_with_planted(struct run *r, const char *dir, const char *plant)
{
    char script[1024];
    snprintf(script, sizeof script, "%s; %s", plant, build_path("tests/programs/leak_one"));
    run_exitguard(r, (char *[]){"--output", (char *)dir, "--", "/bin/sh", "-c", script, "sh",
                                (char *)dir, NULL}, NULL);
}

/* The one line naming `name` with `problem`, and leak_one's report merged
 * as if nothing had been there. */
static void assert_refused(struct run *r, const char *dir, const char *what, const char *name,
                           const char *problem)
{
    cr_assert_eq(exit_code(r), 0, "leak_one's own status: %s", r->err);
    char line[1200];
    snprintf(line, sizeof line, "exitguard: cannot read %s '%s/%s': %s\n", what, dir, name,
             problem);
    cr_assert_eq(count_in(r->err, line), 1, "no '%s' in:\n%s", line, r->err);
    cr_assert(strstr(r->err, " 1 leaked: 1 fd leaked"), "%s", r->err);
    char where[96];
    snprintf(where, sizeof where, "in main tests/programs/leak_one.c:%d", number_after(r->out, "line "));
    cr_assert(strstr(r->err, where), "no '%s' in %s", where, r->err);
}

Test(report_dir_files, a_symbolic_link_is_not_followed)
{
    char dir[64];
    make_output_dir(dir, sizeof dir);
    /* a link to a report the command would otherwise take for leak_one's
     * second one, and a link to a registry file */
    struct run r;
    run_with_planted(&r, dir, "for f in \"$1\"/*.json; do ln -s \"$f\" \"$1/zz.json\"; done; "
                              "ln -s /etc/passwd \"$1/77.registry\"");
    assert_refused(&r, dir, "report", "zz.json", "a symbolic link, not followed");
    char line[300];
    snprintf(line, sizeof line, "cannot read registry '%s/77.registry': a symbolic link, not followed\n", dir);
    cr_assert_eq(count_in(r.err, line), 1, "%s", r.err);
    run_free(&r);
    remove_tree(dir);
}

Test(report_dir_files, a_fifo_is_not_waited_on, .timeout = 30)
{
    char dir[64];
    make_output_dir(dir, sizeof dir);
    struct run r;
    run_with_planted(&r, dir, "mkfifo \"$1/zz.json\" \"$1/77.registry\" \"$1/processes.jsonl\"");
    assert_refused(&r, dir, "report", "zz.json", "not a regular file");
    char line[300];
    snprintf(line, sizeof line, "cannot read registry '%s/77.registry': not a regular file\n", dir);
    cr_assert_eq(count_in(r.err, line), 1, "%s", r.err);
    snprintf(line, sizeof line, "cannot read records '%s/processes.jsonl': not a regular file\n", dir);
    cr_assert_eq(count_in(r.err, line), 1, "%s", r.err);
    run_free(&r);
    remove_tree(dir);
}

/* Sparse: as large as anyone likes, and never read. */
Test(report_dir_files, a_huge_file_is_not_read, .timeout = 30)
{
    char dir[64];
    make_output_dir(dir, sizeof dir);
    struct run r;
    run_with_planted(&r, dir, "truncate -s 100G \"$1/zz.json\" \"$1/77.registry\"");
    assert_refused(&r, dir, "report", "zz.json", "107374182400 bytes, more than the 67108864 read");
    char line[300];
    snprintf(line, sizeof line,
             "cannot read registry '%s/77.registry': 107374182400 bytes, more than the 134217728 read\n",
             dir);
    cr_assert_eq(count_in(r.err, line), 1, "%s", r.err);
    run_free(&r);
    remove_tree(dir);
}

/* A root command's tree may change uid (its reports are then another
 * user's): one without the run's token is refused all the same. */
Test(report_dir_files, another_users_file_without_the_token_is_refused_by_root)
{
    if (geteuid() != 0)
        cr_skip_test("needs root");
    char dir[64];
    make_output_dir(dir, sizeof dir);
    struct run r;
    run_with_planted(&r, dir,
                     "printf '{\"exitguard_report\":2,\"pid\":99999999,\"end\":{\"how\":\"exit\"}}' "
                     "> \"$1/zz.json\"; chown 65534:65534 \"$1/zz.json\"");
    assert_refused(&r, dir, "report", "zz.json", "not from this run (no run token)");
    run_free(&r);
    remove_tree(dir);
}

/* Any other user's command cannot have a tree that changes uid: a file of
 * another user's (here root's, planted while the command runs as nobody)
 * is refused before it is read. */
Test(report_dir_files, another_users_file_is_refused_by_a_user, .timeout = 60)
{
    if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0)
        cr_skip_test("needs root (to plant as one user for another) and setpriv");
    char dir[64];
    make_output_dir(dir, sizeof dir);
    cr_assert(chown(dir, 65534, 65534) == 0);
    char ready[128], planted[128], report[128];
    snprintf(ready, sizeof ready, "%s/ready", dir);
    snprintf(planted, sizeof planted, "%s/planted", dir);
    snprintf(report, sizeof report, "%s/zz.json", dir);
    pid_t planter = fork();
    if (planter == 0) { /* root's file, once the run is under way */
        for (int i = 0; i < 2000 && access(ready, F_OK) != 0; i++)
            usleep(10000);
        FILE *f = fopen(report, "w");
        fputs("{\"exitguard_report\":2,\"pid\":99999999,\"end\":{\"how\":\"exit\"}}", f);
        fclose(f);
        fclose(fopen(planted, "w"));
        _exit(0);
    }
    char script[600];
    snprintf(script, sizeof script,
             "touch \"$1/ready\"; while [ ! -e \"$1/planted\" ]; do sleep 0.01; done; %s",
             build_path("tests/programs/leak_one"));
    struct run r;
    run_plain(&r, (char *[]){"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                             (char *)build_path("exitguard"), "--output", dir, "--", "/bin/sh", "-c",
                             script, "sh", dir, NULL}, NULL);
    waitpid(planter, NULL, 0);
    assert_refused(&r, dir, "report", "zz.json", "owned by uid 0, not by this run's user");
    run_free(&r);
    remove_tree(dir);
}

/* Half a report, and the start of a registry file that never got its
 * header: what is wrong, with the line for the report. */
Test(report_dir_files, a_damaged_report_or_registry_is_named)
{
    char dir[64];
    make_output_dir(dir, sizeof dir);
    struct run r;
    run_with_planted(&r, dir, "printf '{\"exitguard_report\":2,\\n\"pid\":' > \"$1/zz.json\"; "
                              "printf 'EGRG' > \"$1/77.registry\"");
    assert_refused(&r, dir, "report", "zz.json", "line 2: unexpected token near end of file");
    char line[300];
    snprintf(line, sizeof line, "cannot read registry '%s/77.registry': truncated: 4 bytes, a header is ",
             dir);
    cr_assert_eq(count_in(r.err, line), 1, "%s", r.err);
    run_free(&r);
    remove_tree(dir);
}

/* A log_dir too long for the library (1024 bytes) is ignored by it, with
 * one line: the command ignores it too and collects the reports in a
 * directory of its own, instead of looking where nothing was written. */
Test(report_dir_files, a_log_dir_the_library_refuses_is_not_where_the_command_looks)
{
    static char options[1200];
    memset(options, 0, sizeof options);
    strcpy(options, "EXITGUARD_OPTIONS=log_dir=/tmp/");
    memset(options + strlen(options), 'x', 1100);
    struct run r;
    run_exitguard(&r, (char *[]){"--", (char *)build_path("tests/programs/leak_one"), NULL},
                  (char *[]){options, NULL});
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert(strstr(r.err, "exitguard: EXITGUARD_OPTIONS: value too long '/tmp/xxx"), "%s", r.err);
    cr_assert(strstr(r.err, "exitguard: 1 process, 1 leaked: 1 fd leaked"), "%s", r.err);
    run_free(&r);
}

/* A registry names paths and argv as bytes: one that is not UTF-8 (here
 * Latin-1 "\xe9") must not make the dead process, or its temp file,
 * vanish from the run; it is shown as the library shows such a byte. */
Test(report_dir_files, a_dead_process_with_a_path_not_in_utf8_keeps_its_temp_file)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/exitguard-\xe9.XXXXXX");
    cr_assert(mkdtemp(dir));
    struct run r;
    run_exitguard(&r, (char *[]){"--", (char *)build_path("tests/programs/postmortem"), "die", dir,
                                 NULL}, NULL);
    cr_assert(WIFEXITED(r.status) || WIFSIGNALED(r.status));
    char shown[96];
    snprintf(shown, sizeof shown, "die '/tmp/exitguard-\xc3\xa9.%s' (pid ", dir + strlen(dir) - 6);
    cr_assert(strstr(r.err, shown), "no %s in %s", shown, r.err);
    snprintf(shown, sizeof shown, "temp file '/tmp/exitguard-\xc3\xa9.%s/postmortem.",
             dir + strlen(dir) - 6);
    cr_assert(strstr(r.err, shown), "no %s in %s", shown, r.err);
    cr_assert(strstr(r.err, ", 1 temp file left,"), "%s", r.err);
    run_free(&r);
    remove_tree(dir);
}
