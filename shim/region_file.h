/* The registry as a file in log_dir, so that the exitguard command can read
 * what a process held after it died without writing its report (SIGKILL).
 * The life cycle of the file is described in the README, "Registry file". */
#ifndef EXITGUARD_REGION_FILE_H
#define EXITGUARD_REGION_FILE_H

#include <stdint.h>

/* In a forked child, before anything is written into the region: the child
 * gets a file of its own holding a copy of the parent's registry, mapped at
 * the same address.  Nothing to do when the region is anonymous. */
void eg_region_forked(void);

/* atfork prepare and parent handlers: the parent waits (bounded) until its
 * child has copied the registry, so that what the forking thread does next
 * (a close right after fork) is not in the child's copy. */
void eg_region_fork_prepare(void);
void eg_region_fork_parent(void);

/* The report of the process's end was written (`written`: the document in
 * log_dir) or, for an exec, is about to be superseded by a new image. */
void eg_region_reported(int exec, int written);

/* The end of an image that never made a registry file: the file an
 * earlier image of this process (before its exec) left is removed, as a
 * new registry file would have taken its place. */
void eg_region_drop_predecessor(int pid);

/* A new stack entered the depot: note the modules its PCs lie in. */
void eg_region_note_modules(const uint64_t *pcs, unsigned depth);

#endif
