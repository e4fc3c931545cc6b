/* Stacks people can act on: functions the compiler inlined shown as
 * frames with their own lines, exitguard's and libc's plumbing and the
 * start code hidden, a stripped binary named by its exported functions --
 * in the command's summary and JSON, and in the library's own text
 * report.  tests/programs/inlined is built -O2 (inlined_stripped is it,
 * stripped); tests/programs/plumbing_report writes a hand-made report
 * whose stack holds exitguard's and libc's frames under the call. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "symbolize.h"

#define MAX_FRAMES 16

struct lines {
    int open_config, read_settings, load_settings, fopen;
};

static struct lines lines_of(struct run *r)
{
    struct lines l;
    cr_assert_eq(sscanf(r->out, "open_config %d read_settings %d load_settings %d fopen %d",
                        &l.open_config, &l.read_settings, &l.load_settings, &l.fopen),
                 4, "stdout: %s", r->out);
    return l;
}

/* exitguard [--json <json>] ARGS...: `json` NULL for none. */
static void run_command(struct run *r, const char *json, char *const args[])
{
    char *argv[16] = {(char *)build_path("exitguard")};
    int n = 1;
    if (json) {
        argv[n++] = "--json";
        argv[n++] = (char *)json;
    }
    for (; *args && n < 15; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    run_plain(r, argv, NULL);
}

/* The frames shown under the first line of `text` holding `item`, one
 * "#N" line each (with or without the library's "==pid== " prefix), as
 * what follows " in " up to the module ("main tests/programs/x.c:12",
 * "load_settings+0x2c"), or the "(module+offset)" of an unnamed frame.
 * Returns how many. */
static int shown_frames(const char *text, const char *item, char frames[][256])
{
    const char *p = strstr(text, item);
    cr_assert(p, "no '%s' in:\n%s", item, text);
    int n = 0;
    for (p = strchr(p, '\n'); p && n < MAX_FRAMES; p = strchr(p, '\n')) {
        p++;
        if (strncmp(p, "==", 2) == 0)
            p = strstr(p + 2, "== ") + 3;
        p += strspn(p, " ");
        if (*p != '#')
            break;
        size_t len = strcspn(p, "\n");
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)len, p);
        char *in = strstr(line, " in "), *module = strrchr(line, '(');
        if (in) {
            char *end = strstr(in + 4, " (");
            snprintf(frames[n], 256, "%.*s", (int)(end ? end - (in + 4) : 255), in + 4);
        } else {
            snprintf(frames[n], 256, "%.255s", module ? module : line);
        }
        n++;
    }
    return n;
}

static void assert_frame(char frames[][256], int n, int i, const char *want, const char *text)
{
    cr_assert(i < n, "frame #%d (%s) not shown in:\n%s", i, want, text);
    cr_assert_str_eq(frames[i], want, "frame #%d in:\n%s", i, text);
}

/* The stack of the leak of fd `fd` of the first process that has one. */
static json_t *leak_stack(json_t *doc, int fd)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(doc, "processes"), i, p) {
        json_t *leak = leak_with_fd(p, fd);
        if (leak)
            return json_object_get(leak, "stack");
    }
    cr_assert_fail("no leak of fd %d in %s", fd, json_dumps(doc, 0));
    return NULL;
}

static void assert_json_frame(json_t *frame, const char *function, int line, int inlined)
{
    char *text = json_dumps(frame, 0);
    cr_assert_str_eq(json_string_value(json_object_get(frame, "function")), function, "%s", text);
    cr_assert_eq(json_integer_value(json_object_get(frame, "line")), line, "%s", text);
    cr_assert_eq(json_is_true(json_object_get(frame, "inlined")), inlined, "%s", text);
    cr_assert(!json_is_true(json_object_get(frame, "hidden")), "%s", text);
    const char *file = json_string_value(json_object_get(frame, "file"));
    cr_assert(file && strstr(file, "tests/programs/inlined.c"), "%s", text);
    free(text);
}

static char *json_path(const char *name)
{
    static char path[300];
    snprintf(path, sizeof path, "/tmp/exitguard-frames-%s-%d.json", name, getpid());
    return path;
}

/* What both the summary and the library's text report show for
 * tests/programs/inlined: the inlined helpers with their lines, then the
 * caller at its call site, then main -- and nothing of the start code. */
static void assert_inlined_stacks(const char *text, struct lines l)
{
    char frames[MAX_FRAMES][256], want[256];
    int n = shown_frames(text, "fd 3: file /etc/passwd", frames);
    snprintf(want, sizeof want, "open_config tests/programs/inlined.c:%d", l.open_config);
    assert_frame(frames, n, 0, want, text);
    snprintf(want, sizeof want, "read_settings tests/programs/inlined.c:%d", l.read_settings);
    assert_frame(frames, n, 1, want, text);
    snprintf(want, sizeof want, "load_settings tests/programs/inlined.c:%d", l.load_settings);
    assert_frame(frames, n, 2, want, text);
    cr_assert(n == 4 && strncmp(frames[3], "main tests/programs/inlined.c:", 30) == 0,
              "then main, and no start code:\n%s", text);

    /* fopen: the first frame shown is the program's call, the only one */
    n = shown_frames(text, "fd 4: file /etc/group", frames);
    snprintf(want, sizeof want, "main tests/programs/inlined.c:%d", l.fopen);
    assert_frame(frames, n, 0, want, text);
    cr_assert_eq(n, 1, "only main:\n%s", text);
    cr_assert(!strstr(text, "__libc_start") && !strstr(text, "_start"), "%s", text);
}

Test(frames, summary_shows_inlined_functions_with_their_lines_and_the_call_site)
{
    struct run r;
    run_command(&r, json_path("inlined"),
                (char *[]){"--", (char *)build_path("tests/programs/inlined"), NULL});
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    struct lines l = lines_of(&r);
    assert_inlined_stacks(r.err, l);

    /* JSON: one frame per function, the inlined ones marked; the start
     * code kept, marked hidden */
    json_t *doc = take_json(json_path("inlined"));
    json_t *stack = leak_stack(doc, 3);
    assert_json_frame(json_array_get(stack, 0), "open_config", l.open_config, 1);
    assert_json_frame(json_array_get(stack, 1), "read_settings", l.read_settings, 1);
    assert_json_frame(json_array_get(stack, 2), "load_settings", l.load_settings, 0);
    json_t *inner = json_array_get(stack, 0), *outer = json_array_get(stack, 2);
    cr_assert(json_equal(json_object_get(inner, "offset"), json_object_get(outer, "offset")),
              "one return address, three frames");
    json_t *last = json_array_get(stack, json_array_size(stack) - 1);
    cr_assert(json_array_size(stack) > 4 && json_is_true(json_object_get(last, "hidden")),
              "%s", json_dumps(stack, 0));
    json_decref(doc);
    run_free(&r);
}

Test(frames, library_text_report_shows_the_same_frames)
{
    struct run r;
    run_preloaded(&r, NULL, (char *[]){(char *)build_path("tests/programs/inlined"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert(strstr(r.err, "SUMMARY: exitguard: 2 fds leaked"), "%s", r.err);
    assert_inlined_stacks(r.err, lines_of(&r));
    run_free(&r);
}

Test(frames, post_mortem_and_signal_reports_get_inlined_frames_too)
{
    const char *how[] = {"kill", "abort"};
    for (int i = 0; i < 2; i++) {
        struct run r;
        run_command(&r, NULL,
                    (char *[]){"--", (char *)build_path("tests/programs/inlined"),
                               (char *)how[i], NULL});
        struct lines l = lines_of(&r);
        char frames[MAX_FRAMES][256], want[256];
        int n = shown_frames(r.err, "fd 3: ", frames);
        snprintf(want, sizeof want, "open_config tests/programs/inlined.c:%d", l.open_config);
        assert_frame(frames, n, 0, want, r.err);
        snprintf(want, sizeof want, "load_settings tests/programs/inlined.c:%d", l.load_settings);
        assert_frame(frames, n, 2, want, r.err);
        run_free(&r);
    }
}

Test(frames, plumbing_under_the_call_is_hidden_and_kept_in_the_json)
{
    struct run r;
    char *program = (char *)build_path("tests/programs/plumbing_report");
    run_command(&r, json_path("plumbing"), (char *[]){"--", program, NULL});
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    char frames[MAX_FRAMES][256], want[256];
    int n = shown_frames(r.err, "fd 5: file /etc/passwd", frames);
    snprintf(want, sizeof want, "main tests/programs/plumbing_report.c:%d",
             number_after(r.out, "line "));
    assert_frame(frames, n, 0, want, r.err);
    cr_assert_eq(n, 1, "not exitguard's interposer, libc's _IO_* or the start code:\n%s", r.err);

    /* every frame kept: exitguard's fopen, libc's _IO_file_open,
     * _IO_file_fopen and fopen, main, __libc_start_main, _start */
    json_t *doc = take_json(json_path("plumbing"));
    json_t *stack = leak_stack(doc, 5);
    cr_assert_eq(json_array_size(stack), 7, "%s", json_dumps(stack, 0));
    for (size_t i = 0; i < 7; i++) {
        json_t *frame = json_array_get(stack, i);
        cr_assert_eq(json_is_true(json_object_get(frame, "hidden")), i != 4, "frame %zu: %s", i,
                     json_dumps(frame, 0));
    }
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(stack, 1), "function")),
                     "_IO_file_open");
    /* a hidden frame by its symbol alone: its module's line tables are
     * not read (libc's debug file) -- exitguard's own fopen has them */
    json_t *interposer = json_array_get(stack, 0);
    cr_assert_str_eq(json_string_value(json_object_get(interposer, "function")), "fopen");
    cr_assert(!json_object_get(interposer, "file"), "%s", json_dumps(interposer, 0));
    cr_assert(json_object_get(json_array_get(stack, 4), "file"), "the shown frame has its line");
    json_decref(doc);
    run_free(&r);

    /* --verbose: all of it */
    run_command(&r, NULL, (char *[]){"--verbose", "--", program, NULL});
    n = shown_frames(r.err, "fd 5: file /etc/passwd", frames);
    cr_assert_eq(n, 7, "%s", r.err);
    cr_assert(strncmp(frames[0], "fopen+0x", 8) == 0, "hidden: the symbol alone\n%s", r.err);
    cr_assert(strncmp(frames[1], "_IO_file_open+", 14) == 0, "%s", r.err);
    run_free(&r);
}

/* "load_settings+0x2c": where a return address at `offset` of
 * tests/programs/inlined lies in load_settings (the same code, not
 * stripped). */
static void exported_name(const char *offset, char *out, size_t size)
{
    struct eg_symbol sym;
    char module[1024];
    cr_assert(realpath(build_path("tests/programs/inlined"), module));
    cr_assert(eg_symbolize(module, strtoull(offset, NULL, 16) - 1, &sym));
    snprintf(out, size, "%.200s+%#lx", sym.function, (unsigned long)sym.function_offset + 1);
}

Test(frames, stripped_binary_gives_module_offset_and_the_nearest_exported_function)
{
    struct run r;
    char *program = (char *)build_path("tests/programs/inlined_stripped");
    run_command(&r, json_path("stripped"), (char *[]){"--", program, NULL});
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    json_t *doc = take_json(json_path("stripped"));
    json_t *top = json_array_get(leak_stack(doc, 3), 0);
    const char *offset = json_string_value(json_object_get(top, "offset"));
    cr_assert(offset, "%s", json_dumps(top, 0));
    char want[256];
    exported_name(offset, want, sizeof want);
    cr_assert(strncmp(want, "load_settings+0x", 16) == 0, "%s", want);
    cr_assert_str_eq(json_string_value(json_object_get(top, "function")), "load_settings");
    cr_assert_str_eq(json_string_value(json_object_get(top, "function_offset")),
                     strchr(want, '+') + 1);
    cr_assert(!json_object_get(top, "file"), "no line in a stripped binary");

    char frames[MAX_FRAMES][256];
    int n = shown_frames(r.err, "fd 3: file /etc/passwd", frames);
    assert_frame(frames, n, 0, want, r.err);
    char module_offset[1100];
    snprintf(module_offset, sizeof module_offset, "inlined_stripped+%s)\n", offset);
    cr_assert(strstr(r.err, module_offset), "no '%s' in:\n%s", module_offset, r.err);
    json_decref(doc);
    run_free(&r);

    /* the library's own report says the same */
    run_preloaded(&r, NULL, (char *[]){program, NULL}, NULL);
    n = shown_frames(r.err, "fd 3: file /etc/passwd", frames);
    assert_frame(frames, n, 0, want, r.err);
    cr_assert(strstr(r.err, module_offset), "no '%s' in:\n%s", module_offset, r.err);
    run_free(&r);
}
