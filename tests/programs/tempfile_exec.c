/* Makes a temp file in DIR, prints "tempfile PATH", then execs PROGRAM
 * (what a script does that hands the file to the program it runs):
 *   tempfile_exec DIR PROGRAM [ARGS...] */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3)
        return 100;
    char path[1024];
    snprintf(path, sizeof path, "%s/handed.XXXXXX", argv[1]);
    if (mkstemp(path) < 0)
        return 101;
    printf("tempfile %s\n", path);
    fflush(stdout);
    execv(argv[2], argv + 2);
    return 127;
}
