/* One call site (in opener) reached through two callers with identical
 * frames, so the call site and its stack address are the same both times:
 * the two leaks must still be reported with their own callers.  Each round
 * of the loop repeats both, as a program's loop would. Prints
 * "first <fd> second <fd>" for the last round. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) static int opener(void) { return open("/etc/passwd", O_RDONLY); }
__attribute__((noinline)) static int first_caller(void) { return opener(); }
__attribute__((noinline)) static int second_caller(void) { return opener(); }

int main(void)
{
    int a = -1, b = -1;
    for (int i = 0; i < 3; i++) {
        if (a >= 0) {
            close(a);
            close(b);
        }
        a = first_caller();
        b = second_caller();
    }
    printf("first %d second %d\n", a, b);
    return 0;
}
