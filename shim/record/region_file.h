/* The registry as a file in log_dir, so that the exitguard command can read
 * what a process held after it died without writing its report (SIGKILL).
 * The life cycle of the file is described in docs/formats.md, "Registry file". */
#ifndef EXITGUARD_REGION_FILE_H
#define EXITGUARD_REGION_FILE_H

#include <stdint.h>

/* In a forked child: the region stays borrowed (read, never written)
 * until the child acquires something.  Most children only exec or exit:
 * a copy of the parent's registry file would cost more than they do, and
 * even the copy fork made of an anonymous one costs a page fault for each
 * page written.  Returns whether the region is borrowed. */
int eg_region_forked(void);

/* The borrowed region becomes the child's own: a file of its own holding
 * a copy of what the parent's holds now, mapped at the same address (the
 * finalizer handles the program holds are pointers into it), or an
 * anonymous copy if no file can be made. */
void eg_region_own_copy(void);

/* Before fork, _Fork or clone: notes eg_fork_seq. */
void eg_region_fork_prepare(void);

/* The report of the process's end was written (`written`: the document in
 * log_dir) or, for an exec, is about to be superseded by a new image. */
void eg_region_reported(int exec, int written);
/* The exec it noted failed: the process goes on in this image. */
void eg_region_exec_failed(void);
/* This process's start time (/proc/self/stat field 22, clock ticks since
 * boot), asked of the kernel: with the pid, what names a process in a run
 * where pids are reused; exec keeps it.  0 if unknown. */
uint64_t eg_start_time(void);

/* The end of an image that never made a registry file: the file an
 * earlier image of this process (before its exec) left is removed, as a
 * new registry file would have taken its place. */
void eg_region_drop_predecessor(int pid);

/* The registry file an earlier image of this process (before its exec)
 * left, opened read-only, or -1: at start, before this image has a file
 * of its own (eg_region_open_predecessor), or the one the new file took
 * the place of (eg_region_take_predecessor, once).  eg_region_close
 * closes it. */
int eg_region_open_predecessor(int pid); /* pid 0: this process */
int eg_region_take_predecessor(void);
void eg_region_close(int fd);

/* Whether the registry is a file that outlives the process: what only a
 * post-mortem needs is written only then. */
int eg_region_is_file(void);

/* A new stack entered the depot: note the modules its PCs lie in. */
void eg_region_note_modules(const uint64_t *pcs, unsigned depth);

#endif
