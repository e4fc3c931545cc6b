/* Says "ready" once its SIGINT handler is in place, then waits; the
 * handler says "got SIGINT" and exits with status 42.  To check that a
 * signal reaches the program through whatever runs it. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void on_sigint(int sig)
{
    (void)sig;
    static const char got[] = "got SIGINT\n";
    (void)!write(1, got, sizeof got - 1);
    _exit(42);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0)
        return 1;
    static const char ready[] = "ready\n";
    if (write(1, ready, sizeof ready - 1) != sizeof ready - 1)
        return 1;
    for (;;)
        pause();
}
