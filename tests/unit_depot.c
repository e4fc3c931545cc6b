#include <criterion/criterion.h>
#include <pthread.h>

#include "unit.h"

TestSuite(depot, .init = NULL);

Test(depot, same_stack_same_id_other_stack_other_id)
{
    core_setup(NULL);
    uint64_t a[] = {0x401000, 0x402000, 0x403000};
    uint64_t b[] = {0x401000, 0x402000, 0x403001};
    uint32_t ia = eg_depot_put(a, 3), ib = eg_depot_put(b, 3);
    cr_assert_neq(ia, 0);
    cr_assert_neq(ib, 0);
    cr_assert_neq(ia, ib);
    cr_assert_eq(eg_depot_put(a, 3), ia);
    cr_assert_neq(eg_depot_put(a, 2), ia, "a prefix is another stack");
    const uint64_t *pcs;
    cr_assert_eq(eg_depot_get(ia, &pcs), 3);
    cr_assert_eq(pcs[2], 0x403000);
}

Test(depot, empty_stack_is_id_zero)
{
    core_setup(NULL);
    uint64_t a[] = {1};
    cr_assert_eq(eg_depot_put(a, 0), 0);
    const uint64_t *pcs;
    cr_assert_eq(eg_depot_get(0, &pcs), 0);
}

enum { STACKS = 3000, THREADS = 4 };
static uint32_t ids[THREADS][STACKS];

static void *insert_all(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (int k = 0; k < STACKS; k++) {
        /* each thread walks the stacks in its own order */
        int i = t % 2 ? STACKS - 1 - k : k;
        uint64_t pcs[4] = {0x1000, (uint64_t)i, 0x2000, (uint64_t)i * 7};
        ids[t][i] = eg_depot_put(pcs, 4);
    }
    return NULL;
}

Test(depot, racing_threads_agree_on_one_id_per_stack)
{
    core_setup(NULL);
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        pthread_create(&th[t], NULL, insert_all, (void *)(intptr_t)t);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    for (int i = 0; i < STACKS; i++) {
        cr_assert_neq(ids[0][i], 0);
        for (int t = 1; t < THREADS; t++)
            cr_assert_eq(ids[t][i], ids[0][i], "stack %d has two ids", i);
        if (i)
            cr_assert_neq(ids[0][i], ids[0][i - 1]);
    }
}

/* (Here the capture code is linked into the test binary, whose frames it
 * skips as its own: call sites are checked end to end instead.) */
Test(depot, capture_honours_stack_depth_and_interns)
{
    core_setup("stack_depth=2");
    uint32_t a = eg_stack_here();
    cr_assert_neq(a, 0);
    cr_assert_eq(eg_stack_here(), a, "the same stack, interned once");
    const uint64_t *pcs;
    cr_assert_eq(eg_depot_get(a, &pcs), 2);
    core_setup("stack_depth=0");
    cr_assert_eq(eg_stack_here(), 0, "stack_depth=0 records nothing");
}
