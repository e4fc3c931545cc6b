/* A clean test: checks a sum, acquires nothing.  With FAIL set in the
 * environment (make check FAIL=1), it fails, as a broken test would. */
#include <stdio.h>
#include <stdlib.h>

static int sum(const int *v, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

int main(void)
{
    int v[] = {1, 2, 3, 4};
    const char *fail = getenv("FAIL");
    int want = fail && *fail ? 11 : 10; /* make exports it empty when unset */
    if (sum(v, 4) != want) {
        fprintf(stderr, "test_sum: sum is %d, want %d\n", sum(v, 4), want);
        return 1;
    }
    return 0;
}
