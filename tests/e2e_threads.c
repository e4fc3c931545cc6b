/* Threads still running at the end are reported with the stack that
 * created them; ended ones are not; every thread gets an alternate signal
 * stack unless it sets its own; records do not pile up. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"
#include "region.h"
#include "symbolize.h"

static const char *program(void) { return build_path("tests/programs/threads"); }

static json_t *threads_of(json_t *report) { return json_object_get(report, "threads"); }

static void assert_ok(struct run *r)
{
    cr_assert(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0, "status %#x: %s", r->status,
              r->err);
}

/* The function a "start" frame is in: an entry address, not a return
 * address, so it is symbolized as it is. */
static const char *function_at(json_t *frame, struct eg_symbol *sym)
{
    const char *module = json_string_value(json_object_get(frame, "module"));
    const char *offset = json_string_value(json_object_get(frame, "offset"));
    cr_assert(module && offset, "%s", json_dumps(frame, 0));
    eg_symbolize(module, strtoull(offset, NULL, 16), sym);
    return sym->function;
}

Test(threads, one_left_running_is_listed_with_where_it_was_created_and_no_ended_one)
{
    struct run r;
    char *argv[] = {(char *)program(), "ending", NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    assert_ok(&r);
    int tid = number_after(r.out, "blocked "), line;
    cr_assert_eq(sscanf(strstr(r.out, "blocked "), "blocked %*d %d", &line), 1, "%s", r.out);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    /* joined, pthread_exit, cancelled, detached and gone: none listed */
    cr_assert_eq(json_array_size(threads_of(rep)), 1, "%s", json_dumps(threads_of(rep), 0));
    json_t *t = json_array_get(threads_of(rep), 0);
    cr_assert_eq(json_integer_value(json_object_get(t, "tid")), tid);
    cr_assert(stack_has(json_object_get(t, "stack"), "start_blocker", "threads.c", line),
              "the stack does not point at threads.c:%d: %s", line, json_dumps(t, 0));
    struct eg_symbol sym;
    cr_assert_str_eq(function_at(json_object_get(t, "start"), &sym), "block_forever");
    run_free(&r);
}

Test(threads, the_text_report_names_the_thread_and_the_line)
{
    struct run r;
    char *argv[] = {(char *)program(), "ending", "leak-fd", NULL};
    run_preloaded(&r, NULL, argv, NULL);
    assert_ok(&r);
    int tid = number_after(r.out, "blocked "), line;
    cr_assert_eq(sscanf(strstr(r.out, "blocked "), "blocked %*d %d", &line), 1);
    char want[128];
    snprintf(want, sizeof want, "== thread %d still running, started at:\n", tid);
    cr_assert(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    snprintf(want, sizeof want, " in start_blocker tests/programs/threads.c:%d (", line);
    cr_assert(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    cr_assert(strstr(r.err, "start routine: 0x"), "%s", r.err);
    cr_assert(strstr(r.err, " in block_forever tests/programs/threads.c:"), "%s", r.err);
    run_free(&r);
}

Test(threads, every_thread_gets_an_alternate_signal_stack_of_64_KiB)
{
    struct run r;
    char *argv[] = {(char *)program(), "altstack", NULL};
    run_plain(&r, argv, NULL);
    cr_assert_str_eq(r.out, "altstack 2 0\n", "without exitguard a new thread has none");
    run_free(&r);
    run_preloaded(&r, NULL, argv, NULL);
    assert_ok(&r);
    int flags = -1;
    size_t size = 0;
    cr_assert_eq(sscanf(r.out, "altstack %d %zu", &flags, &size), 2, "%s", r.out);
    cr_assert_eq(flags & SS_DISABLE, 0, "no alternate stack in the thread");
    cr_assert_geq(size, 64 * 1024);
    run_free(&r);
}

Test(threads, a_thread_that_sets_its_own_alternate_stack_keeps_it)
{
    struct run r;
    char *argv[] = {(char *)program(), "own", NULL};
    run_preloaded(&r, NULL, argv, NULL);
    assert_ok(&r); /* the program writes to its stack after the thread ended */
    cr_assert_str_eq(r.out, "handler ran on the program's stack: 1\nstill mapped\n");
    run_free(&r);
}

Test(threads, ten_thousand_threads_cost_no_more_than_the_four_alive_at_once)
{
    struct run r;
    char size[32];
    snprintf(size, sizeof size, "%d", EG_REGION_SIZE);
    char *argv[] = {(char *)program(), "many", "10000", size, NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    assert_ok(&r);
    int growth = number_after(r.out, "growth ");
    /* a record kept per thread would be 10000 * 48 bytes: 468 KiB */
    cr_assert(growth >= 0 && growth < 48, "the registry grew by %d KiB", growth);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    cr_assert_eq(json_array_size(threads_of(rep)), 0);
    run_free(&r);
}

Test(threads, a_forked_child_does_not_report_its_parents_threads)
{
    struct run r;
    char *argv[] = {(char *)program(), "fork", NULL};
    run_preloaded(&r, "log_dir={dir}", argv, NULL);
    assert_ok(&r);
    json_t *parent = report_of(&r, r.pid), *child = report_of(&r, number_after(r.out, "child "));
    cr_assert(parent && child, "%s", r.err);
    cr_assert_eq(json_array_size(threads_of(parent)), 1);
    cr_assert_eq(json_array_size(threads_of(child)), 0, "%s", json_dumps(threads_of(child), 0));
    run_free(&r);
}

Test(threads, a_failed_pthread_create_returns_the_same_error)
{
    struct run plain, preloaded;
    char *argv[] = {(char *)program(), "fail", NULL};
    run_plain(&plain, argv, NULL);
    run_preloaded(&preloaded, NULL, argv, NULL);
    cr_assert_neq(number_after(plain.out, "error "), 0, "%s", plain.out);
    cr_assert_str_eq(preloaded.out, plain.out);
    run_free(&plain);
    run_free(&preloaded);
}
