/* Files made with mkstemp and its family and left on disk are reported by
 * absolute path, with where they were made; tempfiles=unlink removes them,
 * but never a file that took the name's place. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

struct made {
    char path[600];
    int fd, line;
};

/* "<key> <path> <fd> <line>", or "<key> <path>", as the program prints. */
static struct made printed(const char *out, const char *key)
{
    struct made m = {"", -1, 0};
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\n%s ", key);
    char *text = NULL;
    cr_assert(asprintf(&text, "\n%s", out) > 0);
    const char *p = strstr(text, pattern);
    cr_assert(p, "the program did not print '%s':\n%s", key, out);
    cr_assert_geq(sscanf(p + strlen(pattern), "%599s %d %d", m.path, &m.fd, &m.line), 1);
    free(text);
    return m;
}

static json_t *tempfile_at(json_t *report, const char *path)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(report, "tempfiles"), i, t)
        if (strcmp(json_string_value(json_object_get(t, "path")), path) == 0)
            return t;
    return NULL;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Runs the program in a fresh directory of its own (freed by the caller). */
static void run_in(struct run *r, char *dir, const char *options)
{
    strcpy(dir, "/tmp/exitguard-tempfiles.XXXXXX");
    cr_assert(mkdtemp(dir));
    char *argv[] = {(char *)build_path("tests/programs/tempfiles"), dir, NULL};
    run_preloaded(r, options, argv, NULL);
    cr_assert(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0, "%s", r->err);
}

static const char *const left_behind[] = {"left", "closed", "relative"};

Test(tempfiles, left_on_disk_listed_by_absolute_path_with_where_they_were_made)
{
    struct run r;
    char dir[64];
    run_in(&r, dir, "log_dir={dir}");
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    for (int i = 0; i < 3; i++) {
        struct made m = printed(r.out, left_behind[i]);
        cr_assert_eq(m.path[0], '/');
        json_t *t = tempfile_at(rep, m.path);
        cr_assert(t, "%s (%s) is not listed: %s", left_behind[i], m.path, json_dumps(rep, 0));
        cr_assert_eq(json_integer_value(json_object_get(t, "fd")), m.fd);
        cr_assert_str_eq(json_string_value(json_object_get(t, "action")), "kept");
        cr_assert(stack_has(json_object_get(t, "stack"), "main", "tempfiles.c", m.line),
                  "%s: the stack does not point at tempfiles.c:%d", left_behind[i], m.line);
        cr_assert(exists(m.path), "%s", m.path);
    }
    cr_assert_eq(json_array_size(json_object_get(rep, "tempfiles")), 3,
                 "neither the unlinked nor the replaced one: %s", json_dumps(rep, 0));
    /* one creation sequence: the file's is its fd's */
    struct made left = printed(r.out, "left");
    cr_assert_eq(json_integer_value(json_object_get(tempfile_at(rep, left.path), "seq")),
                 json_integer_value(json_object_get(leak_with_fd(rep, left.fd), "seq")));
    remove_tree(dir);
    run_free(&r);
}

Test(tempfiles, unlink_policy_removes_them_but_not_a_file_renamed_over_one)
{
    struct run r;
    char dir[64];
    run_in(&r, dir, "log_dir={dir}:tempfiles=unlink");
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    for (int i = 0; i < 3; i++) {
        struct made m = printed(r.out, left_behind[i]);
        cr_assert(!exists(m.path), "%s is still there", m.path);
        json_t *t = tempfile_at(rep, m.path);
        cr_assert(t, "%s", left_behind[i]);
        cr_assert_str_eq(json_string_value(json_object_get(t, "action")), "removed");
    }
    struct made replaced = printed(r.out, "replaced");
    cr_assert(exists(replaced.path), "the file renamed over a temp file was removed");
    cr_assert_null(tempfile_at(rep, replaced.path));
    cr_assert_eq(json_array_size(json_object_get(rep, "tempfiles")), 3);
    remove_tree(dir);
    run_free(&r);
}

Test(tempfiles, text_report_says_what_was_left_and_removed)
{
    struct run r;
    char dir[64];
    run_in(&r, dir, "tempfiles=unlink");
    struct made left = printed(r.out, "left");
    char want[700];
    snprintf(want, sizeof want,
             "== temp file %s left on disk (removed by exitguard, tempfiles=unlink), made at:\n",
             left.path);
    cr_assert(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    snprintf(want, sizeof want, " in main tests/programs/tempfiles.c:%d (", left.line);
    cr_assert(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    cr_assert(strstr(r.err, ", 3 temp files left, "), "%s", r.err);
    cr_assert(!exists(left.path));
    remove_tree(dir);
    run_free(&r);
}

/* Ended between glibc's creation of the file and exitguard's record of it
 * (tests/preload/mkstemp_hold.c holds that window open): the file is still
 * the process's, and tempfiles=unlink removes it. */
static void ended_inside_mkstemp(const char *mode)
{
    struct run r, d;
    char dir[64], preload[1200], options[400];
    strcpy(dir, "/tmp/exitguard-mkstemp-end.XXXXXX");
    cr_assert(mkdtemp(dir));
    run_scratch(&d);
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s %s", build_path("libexitguard.so"),
             build_path("tests/programs/libmkstemp_hold.so"));
    snprintf(options, sizeof options, "EXITGUARD_OPTIONS=log_dir=%s:tempfiles=unlink", d.dir);
    run_plain(&r,
              (char *[]){(char *)build_path("tests/programs/mkstemp_end"), (char *)mode, dir,
                         NULL},
              (char *[]){preload, options, NULL});
    cr_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGTERM,
              "%s: not ended by SIGTERM (status %#x): %s%s", mode, r.status, r.out, r.err);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "ls -A %s", dir);
    FILE *ls = popen(cmd, "r");
    char left[300] = "";
    size_t n = fread(left, 1, sizeof left - 1, ls);
    left[n] = 0;
    pclose(ls);
    cr_assert_str_eq(left, "", "%s: left in %s: %s", mode, dir, left);
    json_t *rep = report_of(&d, r.pid);
    cr_assert(rep, "%s: no report: %s", mode, r.err);
    json_t *temps = json_object_get(rep, "tempfiles");
    cr_assert_eq(json_array_size(temps), 1, "%s: %s", mode, json_dumps(rep, 0));
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(temps, 0), "action")),
                     "removed");
    json_decref(rep);
    remove_tree(dir);
    run_free(&r);
    run_free(&d);
}

Test(tempfiles, a_signal_inside_mkstemp_still_removes_the_file)
{
    ended_inside_mkstemp("raise");
}

Test(tempfiles, an_end_from_another_thread_inside_mkstemp_still_removes_the_file)
{
    ended_inside_mkstemp("thread");
}
