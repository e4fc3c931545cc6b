/* Starting a program the way posix_spawn does, for posix_spawn(p) and for
 * system and popen (shell.c), which glibc also builds on it. */
#ifndef EXITGUARD_SPAWNING_H
#define EXITGUARD_SPAWNING_H

#include <spawn.h>

#include "region.h"

/* posix_spawn (or posix_spawnp for via posix_spawnp) with the environment
 * fixed; on success the child is recorded as started by `via`, with argv
 * and popen's stream.  Returns what posix_spawn returns. */
int eg_spawn(enum eg_via via, pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
             const posix_spawnattr_t *attr, char *const argv[], char *const envp[],
             const void *stream);

#endif
