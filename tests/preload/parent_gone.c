/* A library preloaded after exitguard into a torture stage
 * (tests/torture/shell_gone.sh): when the stage opens /proc/PPID/comm to
 * see whether its parent is the shell of system() or popen(), the parent
 * is sent SIGTERM once the name is read, and the read returns only when
 * the stage has been reparented -- the window in which the run's end (which terminates
 * leftovers) kills an orphaned shell, made certain. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static FILE *comm_file;
static pid_t comm_parent;

FILE *fopen(const char *name, const char *mode)
{
    FILE *(*next)(const char *, const char *) =
        (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
    FILE *f = next(name, mode);
    char comm[64];
    pid_t parent = getppid();
    snprintf(comm, sizeof comm, "/proc/%d/comm", (int)parent);
    if (f && strcmp(name, comm) == 0) {
        comm_file = f;
        comm_parent = parent;
    }
    return f;
}

/* after the name is read: /proc/PID/comm is read at read time, and a
 * reaped parent's reads nothing */
char *fgets(char *buf, int size, FILE *f)
{
    char *(*next)(char *, int, FILE *) =
        (char *(*)(char *, int, FILE *))dlsym(RTLD_NEXT, "fgets");
    char *got = next(buf, size, f);
    if (f && f == comm_file) {
        comm_file = 0; /* once: a later FILE may reuse the address */
        if (kill(comm_parent, SIGTERM) != 0)
            return got;
        struct timespec tick = {0, 1000 * 1000};
        for (int i = 0; i < 5000 && getppid() == comm_parent; i++)
            nanosleep(&tick, 0);
        if (getppid() != comm_parent) /* the window was held: say so */
            dprintf(2, "parent_gone: shell %d ended before the stage logged it\n",
                    (int)comm_parent);
    }
    return got;
}
