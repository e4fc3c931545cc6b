/* Streams and temporary files, some closed and some leaked; prints
 * "<what> <fd> <line>" for each leak. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SHOW(what, fd) printf("%s %d %d\n", what, (int)(fd), __LINE__)

int main(void)
{
    FILE *f = fopen("/etc/passwd", "r"); SHOW("fopen", fileno(f));
    FILE *g = fopen("/etc/passwd", "r");
    g = freopen("/etc/group", "r", g); SHOW("freopen", fileno(g));
    FILE *t = tmpfile(); SHOW("tmpfile", fileno(t));
    char tmpl[] = "/tmp/exitguard-stdio.XXXXXX";
    int m = mkstemp(tmpl); SHOW("mkstemp", m);
    unlink(tmpl);
    int raw = open("/etc/passwd", O_RDONLY); SHOW("fdopen", raw);
    FILE *fd_stream = fdopen(raw, "r");
    DIR *d = fdopendir(open("/usr", O_RDONLY | O_DIRECTORY)); SHOW("fdopendir", dirfd(d));
    (void)fd_stream;
    fflush(stdout);
    return 0;
}
