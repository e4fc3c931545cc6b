/* What a Criterion suite costs under the command: many small tests, each
 * run by the runner in a worker process of its own. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <unistd.h>

#define SMALL_TEST(n)                                                          \
    Test(bench, t##n)                                                          \
    {                                                                          \
        int fd = open("/dev/null", O_RDONLY);                                  \
        cr_assert(fd >= 0);                                                    \
        close(fd);                                                             \
    }
SMALL_TEST(0) SMALL_TEST(1) SMALL_TEST(2) SMALL_TEST(3) SMALL_TEST(4)
SMALL_TEST(5) SMALL_TEST(6) SMALL_TEST(7) SMALL_TEST(8) SMALL_TEST(9)
SMALL_TEST(10) SMALL_TEST(11) SMALL_TEST(12) SMALL_TEST(13) SMALL_TEST(14)
SMALL_TEST(15) SMALL_TEST(16) SMALL_TEST(17) SMALL_TEST(18) SMALL_TEST(19)
SMALL_TEST(20) SMALL_TEST(21) SMALL_TEST(22) SMALL_TEST(23) SMALL_TEST(24)
SMALL_TEST(25) SMALL_TEST(26) SMALL_TEST(27) SMALL_TEST(28) SMALL_TEST(29)
