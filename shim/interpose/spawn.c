/* posix_spawn and posix_spawnp.  glibc starts the child with
 * clone(CLONE_VM|CLONE_VFORK) and runs the file actions and the exec in it
 * without calling any interposed function (PITFALLS.md): nothing of ours
 * runs in the child before the new program, which gets its environment
 * fixed here as exec.c fixes it, so that it runs under exitguard too.
 * The parent records the child with its argv, and says when the program
 * cannot be checked (static, set-user-ID). */
#define _GNU_SOURCE
#include "spawning.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>

#include "children.h"
#include "exec.h"
#include "guard.h"
#include "real.h"
#include "track.h"
#include "verdicts.h"

int eg_spawn(enum eg_via via, pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
             const posix_spawnattr_t *attr, char *const argv[], char *const envp[],
             const void *stream)
{
    int search = via == EG_VIA_posix_spawnp;
    pid_t own;
    if (!pid)
        pid = &own; /* glibc allows NULL: we need the pid */
    enum eg_unchecked unchecked = EG_UNCHECKED_NO;
    if (eg_enter()) {
        int saved = errno;
        char found[PATH_MAX + NAME_MAX + 2];
        const char *path = search ? eg_exec_search(file, found, sizeof found) : file;
        eg_verdicts_prepare(); /* the next spawn of the same program: one stat */
        eg_exec_prepare_children();
        if (path && eg_ensure_init())
            unchecked = eg_exec_unchecked(AT_FDCWD, path, 0);
        errno = saved;
        eg_leave();
    }
    struct eg_scratch s;
    char *const *env = eg_exec_env(&s, envp);
    int err = search ? REAL(posix_spawnp)(pid, file, actions, attr, argv, env)
                     : REAL(posix_spawn)(pid, file, actions, attr, argv, env);
    eg_scratch_put(&s);
    if (err == 0)
        eg_track_child(*pid, via, argv, stream, unchecked);
    return err;
}

EG_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                          const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    return eg_spawn(EG_VIA_posix_spawn, pid, path, actions, attr, argv, envp, 0);
}

EG_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                           const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    return eg_spawn(EG_VIA_posix_spawnp, pid, file, actions, attr, argv, envp, 0);
}
