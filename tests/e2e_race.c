/* The truth invariant: after threads race open/close/dup2/socketpair on
 * the same fd numbers, the fds reported leaked are exactly the fds open in
 * /proc/self/fd (the program lists them itself, then exits). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

static void hammer(const char *threads, const char *seconds)
{
    struct run r;
    char *argv[] = {(char *)build_path("tests/programs/race"), (char *)threads, (char *)seconds, NULL};
    run_preloaded(&r, "log_dir={dir}:stack_depth=4", argv, NULL);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "%s", r.err);
    json_t *rep = report_of(&r, r.pid);
    cr_assert(rep, "%s", r.err);
    char reported[1024] = "open";
    size_t i;
    json_t *leak;
    int fds[1024] = {0};
    json_array_foreach(json_object_get(rep, "leaks"), i, leak) {
        int fd = (int)json_integer_value(json_object_get(leak, "fd"));
        if (fd < 1024)
            fds[fd] = 1;
    }
    for (int fd = 0; fd < 1024; fd++)
        if (fds[fd])
            snprintf(reported + strlen(reported), sizeof reported - strlen(reported), " %d", fd);
    strcat(reported, "\n");
    cr_assert_str_eq(reported, r.out, "registry and /proc/self/fd disagree");
    /* the report checks each leak with the kernel; the registry itself
     * must not hold an fd the kernel closed either */
    cr_assert_eq(json_array_size(json_object_get(rep, "closed_unseen")), 0,
                 "registry holds fds the kernel closed: %s",
                 json_dumps(json_object_get(rep, "closed_unseen"), 0));
    run_free(&r);
}

Test(race, two_threads_for_three_seconds, .timeout = 30) { hammer("2", "3"); }
Test(race, four_threads_for_two_seconds, .timeout = 30) { hammer("4", "2"); }
