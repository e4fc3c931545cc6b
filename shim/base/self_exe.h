/* The program's own path, as the kernel has it: what a stack frame in the
 * main executable (whose link-map name is empty) is named by. */
#ifndef EXITGUARD_SELF_EXE_H
#define EXITGUARD_SELF_EXE_H

#include <stddef.h>

/* Kept after the first call: for the frames of every stack. */
const char *eg_self_exe(void);
/* The kept copy if there is one, else read into buf (size bytes, "" if
 * unknown): for a report's head, the one use in a process that ends
 * holding nothing, where the kept copy's page of .bss was two faults (its
 * read, then the kernel's write). */
const char *eg_self_exe_into(char *buf, size_t size);

#endif
