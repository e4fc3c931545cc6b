/* A clean test that opens a file and closes it: acquires, releases. */
#include <stdio.h>
#include <string.h>

int main(void)
{
    FILE *f = fopen("/etc/passwd", "r");
    if (!f)
        return 1;
    char line[512];
    int ok = fgets(line, sizeof line, f) && strchr(line, ':');
    fclose(f);
    return ok ? 0 : 1;
}
