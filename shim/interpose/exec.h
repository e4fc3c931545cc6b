/* What exec.c shares with posix_spawn (spawn.c): the environment a new
 * program gets, the PATH search, and whether the program can run under
 * exitguard at all.  All of it is safe in a forked child: no malloc, no
 * stdio, no locks. */
#ifndef EXITGUARD_EXEC_H
#define EXITGUARD_EXEC_H

#include <stddef.h>
#include <sys/stat.h>

#include "region.h"

/* A small buffer on the stack, or a private mapping when that is too small
 * (a huge argv or environment). */
struct eg_scratch {
    void *map;
    size_t len;
    _Alignas(16) char small[2048];
};

/* envp with LD_PRELOAD and EXITGUARD_OPTIONS put back where the program
 * dropped them, nothing else changed; envp itself when nothing is missing.
 * Valid until eg_scratch_put(s). */
char *const *eg_exec_env(struct eg_scratch *s, char *const envp[]);
void eg_scratch_put(struct eg_scratch *s); /* leaves errno alone */

/* At start, in the constructor (init.c): what exec needs of the
 * environment the process started with, kept from envp. */
void eg_exec_note_start_env(int argc, char **argv, char **envp);
/* What a child's exec needs that the start did not look up (which library
 * we are): in the parent, before the first fork, vfork or spawn, so that
 * no child pays a lazy binding; once. */
void eg_exec_prepare_children(void);
/* The EXITGUARD_OPTIONS value noted at start (NULL: none, or a
 * set-user-ID process, as secure_getenv says); 0 before the constructor. */
int eg_exec_start_options(const char **text);
/* Whether the process runs set-user-ID or the like (AT_SECURE): its
 * environment is not to be trusted. */
int eg_exec_secure(void);

/* The file execvp would run for `file` (glibc 2.36's search), or NULL. */
const char *eg_exec_search(const char *file, char *buf, size_t size);

/* unchecked.c: whether the program at `path` (relative to dirfd, fstatat's
 * at_flags) will run without exitguard: statically linked (no PT_INTERP:
 * no loader to preload us), or privileged by its set-user-ID or
 * set-group-ID bit or its file capabilities (the loader then runs in
 * secure mode and ignores LD_PRELOAD paths with a slash).  EG_UNCHECKED_NO
 * when it can run under us, or cannot be read.  Leaves errno alone. */
enum eg_unchecked eg_exec_unchecked(int dirfd, const char *path, int at_flags);

/* The same for an exec about to happen in this process: the file opened
 * for the look is left open in `f` (close-on-exec, so a successful exec
 * closes it without a system call of ours), with what fstat said of it
 * (`known`: the look's checks of the file need no fstatat of their own);
 * eg_exec_file_close after an exec that failed.  Leaves errno alone. */
struct eg_exec_file {
    int fd;    /* -1: none */
    struct stat st;
    /* st is the file's.  Not beside fd: the two stored together are a
     * constant the compiler loads from .rodata, a page a forked child
     * touches for nothing else */
    int known;
};
enum eg_unchecked eg_exec_unchecked_keep(int dirfd, const char *path, int at_flags,
                                         struct eg_exec_file *f);
void eg_exec_file_close(struct eg_exec_file *f);

#endif
