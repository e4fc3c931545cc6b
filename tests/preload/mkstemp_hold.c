/* A library preloaded after exitguard that stands between exitguard's
 * mkstemp and glibc's: the file is made, and exitguard has not recorded it
 * yet.  There, by $MKSTEMP_HOLD, the process is ended: "raise" sends this
 * thread SIGTERM; a number is an fd to write a byte to (another thread
 * then ends the process) before waiting 200 ms -- the window between a
 * temp file's creation and its record, made wide with no knob in the
 * library. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int mkstemp(char *tmpl)
{
    int (*next)(char *) = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp");
    int fd = next(tmpl);
    const char *hold = getenv("MKSTEMP_HOLD");
    if (fd >= 0 && hold) {
        if (strcmp(hold, "raise") == 0) {
            raise(SIGTERM);
        } else if (write(atoi(hold), "x", 1) == 1) {
            struct timespec wait = {0, 200 * 1000 * 1000};
            nanosleep(&wait, 0);
        }
    }
    return fd;
}
