/* Post-mortem: a process that dies without writing its report (SIGKILL)
 * leaves its registry file in the report directory; the exitguard command
 * reports what it held and applies its policies from outside. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"


static json_t *process(json_t *doc, int pid, int postmortem)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(doc, "processes"), i, p)
        if (json_integer_value(json_object_get(p, "pid")) == pid &&
            json_is_true(json_object_get(p, "postmortem")) == postmortem)
            return p;
    return NULL;
}



static int registry_files(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strstr(e->d_name, ".registry") != NULL;
    if (d)
        closedir(d);
    return n;
}

Test(postmortem, killed_process_reported_with_its_fd_tempfile_and_child)
{
    struct run r;
    char json[300], scratch[] = "/tmp/exitguard-pm.XXXXXX";
    cr_assert(mkdtemp(scratch));
    snprintf(json, sizeof json, "%s/merged.json", scratch);
    run_exitguard(&r,
                  (char *[]){"--json", json, "--", (char *)build_path("tests/programs/postmortem"),
                             "die", scratch, NULL},
                  (char *[]){"EXITGUARD_OPTIONS=tempfiles=unlink:children=term:kill_grace=2s",
                             NULL});
    cr_assert_eq(exit_code(&r), 128 + 9, "the command's own death: %s", r.err);
    int pid = number_after(r.out, "pid "), child = number_after(r.out, "child ");
    char temp[1024] = "", want[1200];
    const char *t = strstr(r.out, "tempfile ");
    cr_assert(t && sscanf(t, "tempfile %1023s", temp) == 1, "%s", r.out);
    json_t *doc = take_json(json);
    json_t *p = process(doc, pid, 1);
    cr_assert(p, "no post-mortem of pid %d:\n%s", pid, r.err);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(p, "end"), "how")),
                     "unreported");
    json_t *leak = leak_with_fd(p, 3);
    cr_assert(leak, "the fd it held:\n%s", r.err);
    cr_assert_str_eq(json_string_value(json_object_get(leak, "via")), "open");
    cr_assert(stack_has(json_object_get(leak, "stack"), "hold_resources", "postmortem.c", 0),
              "symbolized post mortem:\n%s", r.err);
    json_t *tf = json_array_get(json_object_get(p, "tempfiles"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(tf, "path")), temp);
    cr_assert_str_eq(json_string_value(json_object_get(tf, "action")), "removed");
    cr_assert(access(temp, F_OK) != 0 && errno == ENOENT, "tempfiles=unlink: %s still there", temp);
    json_t *c = child_with_pid(p, child);
    cr_assert(c, "its child %d:\n%s", child, json_dumps(p, 0));
    cr_assert_str_eq(json_string_value(json_object_get(c, "action")), "terminated");
    cr_assert(gone_within(child, 3000), "child %d still in /proc", child);
    /* the command reaped it: how it died is known */
    cr_assert(strstr(r.err, "was killed by SIGKILL before it could write a report"), "%s", r.err);
    snprintf(want, sizeof want, "fd 4: %s, open when the process died, opened by mkstemp", temp);
    cr_assert(strstr(r.err, want), "the temp file's fd named: %s", r.err);
    cr_assert(json_integer_value(json_object_get(json_object_get(doc, "totals"), "tempfiles")) >= 1);
    json_decref(doc);
    remove_tree(scratch);
    run_free(&r);
}

Test(postmortem, killed_fork_child_gets_its_own_and_parent_stays_exact)
{
    struct run r;
    char json[300], out[] = "/tmp/exitguard-pm-out.XXXXXX";
    cr_assert(mkdtemp(out));
    snprintf(json, sizeof json, "%s.json", out);
    run_exitguard(&r,
                  (char *[]){"--output", out, "--json", json, "--",
                             (char *)build_path("tests/programs/postmortem"), "fork-die", NULL},
                  NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int parent = number_after(r.out, "parent "), child = number_after(r.out, "child ");
    int a = number_after(r.out, "fd "), b = number_after(strstr(r.out, "child "), "fd ");
    json_t *doc = take_json(json);
    json_t *pp = process(doc, parent, 0), *pc = process(doc, child, 1);
    cr_assert(pp && pc, "parent %d reported, child %d post mortem:\n%s", parent, child, r.err);
    cr_assert_eq(json_array_size(json_object_get(pp, "leaks")), 1, "%s", json_dumps(pp, 0));
    cr_assert(leak_with_fd(pp, a));
    cr_assert_eq(json_array_size(json_object_get(pc, "leaks")), 1, "%s", json_dumps(pc, 0));
    cr_assert(leak_with_fd(pc, b));
    cr_assert(stack_has(json_object_get(leak_with_fd(pc, b), "stack"), "child_leak", NULL, 0));
    cr_assert(!process(doc, parent, 1), "the parent reported: no post-mortem of it");
    /* --output keeps the directory: the parent's registry is gone (it
     * reported), the dead child's is kept */
    char path[400];
    snprintf(path, sizeof path, "%s/%d.registry", out, parent);
    cr_assert(access(path, F_OK) != 0, "%s left behind", path);
    snprintf(path, sizeof path, "%s/%d.registry", out, child);
    cr_assert(access(path, F_OK) == 0, "%s removed from a kept directory", path);
    json_decref(doc);
    remove_tree(out);
    run_free(&r);
}

Test(postmortem, normal_exits_and_execs_leave_no_registry_file)
{
    struct run r;
    char script[600];
    snprintf(script, sizeof script, "%s; (exec %s); exec /bin/true",
             build_path("tests/programs/leak_one"), build_path("tests/programs/clean"));
    run_preloaded(&r, "log_dir={dir}", (char *[]){"/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert_eq(registry_files(r.dir), 0, "registry files left in %s", r.dir);
    json_t *reports = all_reports(&r);
    cr_assert_geq(json_array_size(reports), 3);
    json_decref(reports);
    run_free(&r);
}

Test(postmortem, unusable_log_dir_still_runs_the_program)
{
    struct run r;
    run_preloaded(&r, "log_dir=/nonexistent/exitguard",
                  (char *[]){(char *)build_path("tests/programs/leak_one"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0);
    cr_assert(strstr(r.out, "fd 3"), "%s", r.out);
    cr_assert(strstr(r.err, "exitguard: cannot create registry file '/nonexistent/exitguard/"),
              "%s", r.err);
    run_free(&r);
}

Test(postmortem, truncated_or_foreign_registry_named_in_one_line)
{
    struct run r;
    char out[] = "/tmp/exitguard-pm-bad.XXXXXX", script[600];
    cr_assert(mkdtemp(out));
    snprintf(script, sizeof script,
             "printf garbage > %s/99999.registry; head -c 20000 /dev/zero > %s/99998.registry; "
             "%s", out, out, build_path("tests/programs/leak_one"));
    run_exitguard(&r, (char *[]){"--output", out, "--", "/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    char want[300];
    snprintf(want, sizeof want, "exitguard: cannot read registry '%s/99999.registry': truncated", out);
    cr_assert(strstr(r.err, want), "%s", r.err);
    snprintf(want, sizeof want,
             "exitguard: cannot read registry '%s/99998.registry': not an exitguard registry", out);
    cr_assert(strstr(r.err, want), "%s", r.err);
    cr_assert(strstr(r.err, "1 leaked: 1 fd leaked"), "went on with the rest: %s", r.err);
    remove_tree(out);
    run_free(&r);
}

/* Found by the torture run (tests/torture/): the child's copy of its
 * parent's registry, made after the parent had ended, held the parent's
 * end, and the post-mortem of the child read it as its own. */
Test(postmortem, a_child_copying_after_its_parent_ended_is_read_as_killed)
{
    struct run r;
    char json[] = "/tmp/eg-latecopy.XXXXXX.json";
    int fd = mkstemps(json, 5);
    cr_assert(fd >= 0);
    close(fd);
    char script[512];
    snprintf(script, sizeof script, "%s; sleep 1", build_path("tests/programs/late_copy"));
    run_exitguard(&r, (char *[]){"--json", json, "--", "/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    int child = number_after(r.out, "child ");
    json_t *doc = take_json(json);
    json_t *p = process(doc, child, 1);
    cr_assert(p, "no post-mortem of the child %d:\n%s", child, r.err);
    json_t *end = json_object_get(p, "end");
    cr_assert_str_eq(json_string_value(json_object_get(end, "how")), "unreported", "%s",
                     json_dumps(end, 0));
    /* what it held is known from its registry: the fd it opened, a leak,
     * and no missing report */
    cr_assert_eq(json_array_size(json_object_get(p, "leaks")), 1, "%s", json_dumps(p, 0));
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "totals"), "unreported")),
                 0, "%s", r.err);
    run_free(&r);
}

/* Issue 20: a child its parent SIGKILLs on purpose (CPython's
 * test_subprocess does, by the dozen) leaves no report, but its registry
 * file shows it held nothing: that is the whole truth, not a lost report.
 * The status is the program's, and the summary says how it died (its
 * parent reaped it and saw SIGKILL). */
Test(postmortem, a_child_killed_holding_nothing_is_no_missing_report)
{
    struct run r;
    char json[] = "/tmp/eg-pm-clean.XXXXXX.json", file[] = "/tmp/eg-pm-file.XXXXXX";
    int fd = mkstemps(json, 5), named = mkstemp(file);
    cr_assert(fd >= 0 && named >= 0);
    close(fd);
    close(named);
    run_exitguard(&r,
                  (char *[]){"--error-exitcode", "9", "--json", json, "--",
                             (char *)build_path("tests/programs/postmortem"), "kill-clean", file,
                             NULL},
                  NULL);
    cr_assert_eq(exit_code(&r), 0, "the program's status, nothing found:\n%s", r.err);
    int child = number_after(r.out, "child ");
    char want[160];
    snprintf(want, sizeof want, "(pid %d) was killed by SIGKILL; it held nothing", child);
    cr_assert(strstr(r.err, want), "%s", r.err);
    cr_assert(!strstr(r.err, "without a report"), "%s", r.err);
    json_t *doc = take_json(json);
    json_t *p = process(doc, child, 1);
    cr_assert(p, "the post-mortem of %d:\n%s", child, r.err);
    cr_assert(json_is_true(json_object_get(p, "held_nothing")));
    json_t *status = json_object_get(json_object_get(p, "end"), "status");
    cr_assert_str_eq(json_string_value(json_object_get(status, "name")), "SIGKILL", "%s",
                     json_dumps(p, 0));
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "totals"), "unreported")),
                 0);
    json_decref(doc);
    unlink(file);
    run_free(&r);
}

/* A registry file of this run that cannot be read is a report lost:
 * nobody can know what its process held, and the run fails closed. */
Test(postmortem, an_unreadable_registry_is_a_missing_report)
{
    struct run r;
    char out[] = "/tmp/exitguard-pm-lost.XXXXXX", script[600];
    cr_assert(mkdtemp(out));
    snprintf(script, sizeof script, "head -c 20000 /dev/zero > %s/99998.registry; %s", out,
             build_path("tests/programs/clean"));
    run_exitguard(&r,
                  (char *[]){"--error-exitcode", "9", "--output", out, "--", "/bin/sh", "-c",
                             script, NULL},
                  NULL);
    cr_assert_eq(exit_code(&r), 9, "%s", r.err);
    cr_assert(strstr(r.err, "1 process without a report"), "%s", r.err);
    remove_tree(out);
    run_free(&r);
}

/* A child killed holding an fd: that is a leak (the status says so under
 * --error-exitcode), and the post-mortem names what the fd was -- the
 * path it was opened by, which the library kept in the registry file. */
Test(postmortem, a_child_killed_holding_a_file_names_its_path)
{
    struct run r;
    char json[] = "/tmp/eg-pm-held.XXXXXX.json", file[] = "/tmp/eg-pm-held-file.XXXXXX";
    int fd = mkstemps(json, 5), named = mkstemp(file);
    cr_assert(fd >= 0 && named >= 0);
    close(fd);
    close(named);
    run_exitguard(&r,
                  (char *[]){"--error-exitcode", "9", "--json", json, "--",
                             (char *)build_path("tests/programs/postmortem"), "kill-holding",
                             file, NULL},
                  NULL);
    cr_assert_eq(exit_code(&r), 9, "a leak found:\n%s", r.err);
    int child = number_after(r.out, "child "), held = number_after(r.out, "fd ");
    char want[200];
    snprintf(want, sizeof want, "fd %d: %s, open when the process died, opened by open", held,
             file);
    cr_assert(strstr(r.err, want), "want '%s' in:\n%s", want, r.err);
    snprintf(want, sizeof want, "(pid %d) was killed by SIGKILL", child);
    cr_assert(strstr(r.err, want), "%s", r.err);
    cr_assert(!strstr(r.err, "without a report"), "%s", r.err);
    json_t *doc = take_json(json);
    json_t *leak = leak_with_fd(process(doc, child, 1), held);
    cr_assert(leak, "%s", r.err);
    cr_assert_str_eq(json_string_value(json_object_get(leak, "path")), file);
    json_decref(doc);
    unlink(file);
    run_free(&r);
}
