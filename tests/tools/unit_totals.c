/* The count of processes may not depend on how far a process got before
 * the command ended it: one it ended before it wrote a document of its own
 * (a forked child still on its parent's registry) is counted all the same,
 * once, beside the parent's post-mortem that lists it. */
#include <criterion/criterion.h>

#include "descendants.h"
#include "fixtures.h"
#include "leftovers_json.h"
#include "totals.h"

static struct totals totals_with_leftover(const char *reports_text, pid_t pid)
{
    json_t *reports = parse_json(reports_text);
    char *argv[] = {"sleep", "100", NULL};
    struct leftover item = {.pid = pid, .argv = argv, .action = LEFTOVER_TERMINATED};
    struct leftovers left = {&item, 1};
    json_t *leftovers = leftovers_json(&left, reports);
    struct totals t = count_totals(reports, leftovers);
    json_decref(leftovers);
    json_decref(reports);
    return t;
}

/* the parent's post-mortem lists the child it left running */
#define PARENT                                                                                 \
    "{\"pid\": 10, \"end\": {\"how\": \"unreported\"}, \"leaks\": [], \"children\": "            \
    "[{\"pid\": 11, \"via\": \"fork\", \"state\": \"running\", \"action\": \"terminated\"}]}"

Test(totals, a_child_ended_before_its_first_document_is_still_a_process)
{
    struct totals t = totals_with_leftover("[" PARENT "]", 11);
    cr_assert_eq(t.processes, 2);
    cr_assert_eq(t.leftovers, 0, "one finding, in its parent's post-mortem");
    cr_assert_eq(t.children, 1);
}

Test(totals, a_child_that_wrote_its_own_document_is_counted_once)
{
    struct totals t = totals_with_leftover(
        "[" PARENT ", {\"pid\": 11, \"end\": {\"how\": \"signal\"}, \"leaks\": []}]", 11);
    cr_assert_eq(t.processes, 2);
    cr_assert_eq(t.children, 1);
}
