/* Room for exitguard's own fds at the end of a process that has run out
 * of them.  The usual end of an fd leak is EMFILE, and then the report
 * could neither be filed nor symbolized (libdw opens the binaries) --
 * just when it matters most.  The soft RLIMIT_NOFILE is raised, within
 * the hard one, for the report alone and put back after: the process is
 * ending, and nothing of the program's changes.  Where the soft limit is
 * the hard one, there is no room to make: the report goes to stderr, and
 * under the command the registry file, left in place, is read post
 * mortem (with how the process ended and why its report is missing). */
#define _GNU_SOURCE
#include "fd_room.h"
#include "vfork.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { ROOM = 32 }; /* the report's file, libdw's binaries and debug files */

static struct rlimit before;
static int raised;

static int table_full(void)
{
    long fd = syscall(SYS_openat, AT_FDCWD, "/", O_PATH | O_CLOEXEC);
    if (fd >= 0) {
        syscall(SYS_close, fd);
        return 0;
    }
    return errno == EMFILE;
}

void eg_fd_room_make(void)
{
    if (eg_vfork.in_child)
        return; /* its limits are its own, but these statics are its parent's */
    int saved = errno;
    struct rlimit now;
    if (!raised && table_full() && syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, &now) == 0 &&
        now.rlim_cur < now.rlim_max) {
        before = now;
        now.rlim_cur = now.rlim_max - now.rlim_cur > ROOM ? now.rlim_cur + ROOM : now.rlim_max;
        raised = syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &now, 0) == 0;
    }
    errno = saved;
}

void eg_fd_room_give_back(void)
{
    if (raised && !eg_vfork.in_child) {
        syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &before, 0);
        raised = 0;
    }
}
