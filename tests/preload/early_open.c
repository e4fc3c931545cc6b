/* A library preloaded beside exitguard whose constructor opens a file and
 * never closes it: depending on the order the loader runs constructors,
 * exitguard's interposer runs before exitguard's own constructor.  The fd
 * must be tracked either way.  Tells the test which fd through $EARLY_FD_FILE. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void open_early(void)
{
    int fd = open("/etc/passwd", O_RDONLY);
    const char *where = getenv("EARLY_FD_FILE");
    FILE *f = where ? fopen(where, "w") : NULL;
    if (f) {
        fprintf(f, "early %d\n", fd);
        fclose(f);
    }
}
