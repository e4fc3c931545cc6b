/* Temp files made in directory argv[1], some left on disk at the end:
 *   left       mkstemp, fd left open     ("left <path> <fd> <line>")
 *   closed     mkostemps, fd closed      ("closed <path> <fd> <line>")
 *   relative   mkstemp of a relative name, then chdir away
 *                                        ("relative <path> <fd> <line>")
 *   unlinked   mkstemp, then unlink      ("unlinked <path>")
 *   replaced   mkstemp, then another file renamed over it
 *                                        ("replaced <path>") */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[512];

static char *name(const char *base, const char *suffix)
{
    static char paths[8][600];
    static int next;
    char *p = paths[next++];
    snprintf(p, sizeof paths[0], "%s/%s.XXXXXX%s", dir, base, suffix);
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !realpath(argv[1], dir))
        return 2;

    char *left = name("left", "");
    int fd = mkstemp(left); int line = __LINE__;
    printf("left %s %d %d\n", left, fd, line);

    char *closed = name("closed", ".txt");
    fd = mkostemps(closed, 4, O_CLOEXEC); line = __LINE__;
    close(fd);
    printf("closed %s %d %d\n", closed, fd, line);

    char relative[] = "relative.XXXXXX";
    if (chdir(dir) != 0)
        return 2;
    fd = mkstemp(relative); line = __LINE__;
    if (chdir("/") != 0)
        return 2;
    printf("relative %s/%s %d %d\n", dir, relative, fd, line);

    char *unlinked = name("unlinked", "");
    close(mkstemp(unlinked));
    unlink(unlinked);
    printf("unlinked %s\n", unlinked);

    char *replaced = name("replaced", "");
    close(mkstemp(replaced));
    char other[600];
    snprintf(other, sizeof other, "%s/other", dir);
    close(open(other, O_WRONLY | O_CREAT | O_TRUNC, 0600));
    if (rename(other, replaced) != 0)
        return 2;
    printf("replaced %s\n", replaced);
    return 0;
}
