/* What the exec look (unchecked.c) found out about a program file, kept
 * for the process tree: a shell runs the same few programs thousands of
 * times, and each look is four system calls in each forked child (open,
 * fstat, the capability xattr, the ELF headers) where a stat then does.
 *
 * One shared page, made by a parent before a child could look (the fork
 * prepare handler, vfork, posix_spawn), so that what one child finds, its
 * parent's later children read.  A file is known by what changes with any
 * change to it: device, inode, size, mtime and ctime (chmod, chown and
 * setcap move ctime).  Lock-free: writers in different processes, each
 * entry a sequence lock. */
#ifndef EXITGUARD_VERDICTS_H
#define EXITGUARD_VERDICTS_H

#include <sys/stat.h>

enum { EG_FILE_STATIC = 1, EG_FILE_CAPABILITIES = 2 };

/* Makes the page once per process (an exec'd image starts without). */
void eg_verdicts_prepare(void);

/* Whether this process has the page (it reads no file then). */
int eg_verdicts_ready(void);

/* The facts (EG_FILE_*) known of the file `st` describes, or -1. */
int eg_verdicts_get(const struct stat *st);
void eg_verdicts_put(const struct stat *st, int facts);

#endif
