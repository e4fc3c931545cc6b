/* A temp file outlives the image that made it when the process execs: the
 * process ends in the new program, and that end is when the file is left
 * on disk (or removed, with tempfiles=unlink).  Found by the torture run
 * (tests/torture/): both files below used to stay on disk, unreported. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Runs tempfile_exec under the command with tempfiles=unlink, the new
 * program being `program`; returns the temp file's path (in `path`) and
 * the --json document. */
static json_t *run_handing(struct run *r, const char *program, char *path)
{
    char dir[] = "/tmp/eg-tempexec.XXXXXX", json[300];
    cr_assert(mkdtemp(dir));
    snprintf(json, sizeof json, "%s/out.json", dir);
    run_exitguard(r,
                  (char *[]){"--json", json, "--",
                             (char *)build_path("tests/programs/tempfile_exec"), dir,
                             (char *)program, "--version", NULL},
                  (char *[]){"EXITGUARD_OPTIONS=tempfiles=unlink", NULL});
    const char *t = strstr(r->out, "tempfile ");
    cr_assert(t && sscanf(t, "tempfile %1023s", path) == 1, "%s\n%s", r->out, r->err);
    json_t *doc = take_json(json);
    rmdir(dir);
    return doc;
}

/* The document of the process's end (not an exec document) holding the
 * temp file, or NULL. */
static json_t *ending_with(json_t *doc, const char *path)
{
    size_t i, j;
    json_t *p, *tf;
    json_array_foreach(json_object_get(doc, "processes"), i, p) {
        const char *how = json_string_value(json_object_get(json_object_get(p, "end"), "how"));
        json_array_foreach(json_object_get(p, "tempfiles"), j, tf)
            if (how && strcmp(how, "exec") &&
                !strcmp(json_string_value(json_object_get(tf, "path")), path))
                return tf;
    }
    return NULL;
}

Test(tempfile_exec, a_temp_file_made_before_exec_is_the_new_programs_to_leave)
{
    struct run r;
    char path[1024];
    json_t *doc = run_handing(&r, "/bin/true", path);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    json_t *tf = ending_with(doc, path);
    cr_assert(tf, "not reported at the process's end:\n%s", r.err);
    cr_assert_str_eq(json_string_value(json_object_get(tf, "action")), "removed");
    cr_assert(access(path, F_OK) != 0 && errno == ENOENT, "tempfiles=unlink: %s still there",
              path);
    run_free(&r);
}

Test(tempfile_exec, a_temp_file_handed_to_a_static_program_is_removed_after_it)
{
    struct run r;
    char path[1024];
    /* ldconfig is statically linked: no library sees the process end */
    json_t *doc = run_handing(&r, "/sbin/ldconfig", path);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    json_t *tf = ending_with(doc, path);
    cr_assert(tf, "not reported:\n%s", r.err);
    /* read post mortem, but no report was missing: none was to be had;
     * the fd it handed over is the exec document's, not a second leak */
    json_t *totals = json_object_get(doc, "totals");
    cr_assert_eq(json_integer_value(json_object_get(totals, "unreported")), 0, "%s", r.err);
    cr_assert_eq(json_integer_value(json_object_get(totals, "leaks")), 1, "%s", r.err);
    cr_assert(strstr(r.err, "ended in a program exitguard cannot follow (statically linked)"),
              "%s", r.err);
    cr_assert_str_eq(json_string_value(json_object_get(tf, "action")), "removed");
    cr_assert(access(path, F_OK) != 0 && errno == ENOENT, "tempfiles=unlink: %s still there",
              path);
    run_free(&r);
}
