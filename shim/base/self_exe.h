/* The program's own path, as the kernel has it: what a stack frame in the
 * main executable (whose link-map name is empty) is named by. */
#ifndef EXITGUARD_SELF_EXE_H
#define EXITGUARD_SELF_EXE_H

const char *eg_self_exe(void);

#endif
